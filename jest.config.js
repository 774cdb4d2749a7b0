// Every suite of the repository runs from here: `npm test`.
// - "plugin": the Grafana data source in src/, with create-plugin's Jest setup (jsdom, SWC).
// - "node": the shared client, the simulator and the exporter (node environment, same SWC transform).
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

const swcTransform = base.transform['^.+\\.(t|j)sx?$'];

// The workspace packages are imported by name; tests and the plugin use their TypeScript sources.
const workspaceModules = {
  '^@emnify-events/client$': '<rootDir>/packages/client/src/index.ts',
  '^@emnify-events/simulator$': '<rootDir>/packages/simulator/src/index.ts',
};

module.exports = {
  // Tests against real servers (simulator, exporter, Prometheus) need more than the default 5 s.
  testTimeout: 30000,
  projects: [
    {
      ...base,
      displayName: 'plugin',
      rootDir: __dirname,
      // @grafana/data ships .mjs files (d3-color) that the scaffold's transform pattern misses.
      transform: { ...base.transform, '^.+\\.mjs$': swcTransform },
      moduleNameMapper: { ...base.moduleNameMapper, ...workspaceModules },
    },
    {
      displayName: 'node',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: [
        '<rootDir>/packages/*/src/**/*.test.ts',
        '<rootDir>/exporter/src/**/*.test.ts',
        '<rootDir>/exporter/test/**/*.test.ts',
        '<rootDir>/test/**/*.test.ts',
      ],
      // The browser tests need Chromium and the built plugin: `npm run test:browser`.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
      transform: { '^.+\\.(t|j)sx?$': swcTransform },
      moduleNameMapper: workspaceModules,
    },
  ],
};
