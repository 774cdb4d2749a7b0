import { defineConfig } from 'eslint/config';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import baseConfig from './.config/eslint.config.mjs';

// Type-aware rules run over every TypeScript file of the repository, each with the tsconfig that
// compiles it: the plugin (and the browser host that loads it) with the root tsconfig.json, the
// workspace packages, the exporter and the Node tests with tsconfig.node-tests.json.
const TYPE_AWARE_RULES = {
  '@typescript-eslint/no-deprecated': 'error',
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/await-thenable': 'error',
};

export default defineConfig([
  {
    ignores: [
      '**/logs',
      '**/*.log',
      '**/node_modules/',
      '**/coverage',
      '**/dist/',
      '**/artifacts/',
      '**/work/',
      '**/ci/',
      '**/.eslintcache',
      // create-plugin's scaffold: not edited, so not linted.
      '.config/',
    ],
  },
  ...baseConfig,
  {
    files: ['src/**/*.{ts,tsx}', 'test/browser/host/**/*.{ts,tsx}'],
    languageOptions: { parserOptions: { project: './tsconfig.json' } },
    rules: TYPE_AWARE_RULES,
  },
  {
    files: ['packages/*/src/**/*.ts', 'exporter/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    ignores: ['test/browser/host/**'],
    languageOptions: { parserOptions: { project: './tsconfig.node-tests.json' } },
    rules: TYPE_AWARE_RULES,
  },
  {
    // No import cycles anywhere: a cycle hides which module owns what (and breaks partial loading).
    files: ['**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['./tsconfig.json', './tsconfig.node-tests.json'],
          noWarnOnMultipleProjects: true,
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
]);
