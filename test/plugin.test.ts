/**
 * plugin.json against the rules of Grafana's plugin schema (docs/sources/developers/plugins/
 * plugin.schema.json) and the offline plugin-validator checks we can run here, then the real build:
 * `npm run build:plugin` must produce dist/ with module.js, plugin.json (versions filled), logos,
 * README, CHANGELOG and LICENSE.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const plugin = JSON.parse(readFileSync(join(ROOT, 'src/plugin.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('src/plugin.json', () => {
  it('has the fields the schema requires, with valid values', () => {
    expect(plugin.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
    expect(plugin.id).toBe('emnify-events-datasource');
    expect(plugin.type).toBe('datasource');
    expect(typeof plugin.name).toBe('string');
    expect(plugin.info.author.name).toBeTruthy();
    expect(plugin.info.keywords.length).toBeGreaterThan(0);
    expect(plugin.info.version).toBe('%VERSION%');
    expect(plugin.info.updated).toBe('%TODAY%');
    expect(plugin.dependencies.grafanaDependency).toMatch(/^>=\d+\.\d+\.\d+$/);
    for (const size of ['small', 'large']) {
      expect(existsSync(join(ROOT, 'src', plugin.info.logos[size]))).toBe(true);
    }
  });

  it('declares a grafanaDependency that the pinned @grafana packages satisfy', () => {
    const min = plugin.dependencies.grafanaDependency.slice(2).split('.').map(Number);
    for (const name of ['@grafana/data', '@grafana/ui', '@grafana/runtime', '@grafana/schema']) {
      const version: string = pkg.dependencies[name];
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      const v = version.split('.').map(Number);
      expect(v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1])).toBe(true);
    }
    expect(new Set(['@grafana/data', '@grafana/ui', '@grafana/runtime', '@grafana/schema', '@grafana/i18n'].map((n) => pkg.dependencies[n])).size).toBe(1);
  });

  it('keeps the application token server-side: templated auth body, GET-only API route, no secret in jsonData', () => {
    const [auth, api] = plugin.routes;
    expect(auth).toMatchObject({ path: 'emnify-auth', method: 'POST', url: '{{ .JsonData.apiUrl }}/api/v1/authenticate', body: { application_token: '{{ .SecureJsonData.applicationToken }}' } });
    expect(api).toMatchObject({ path: 'emnify-api', method: 'GET', url: '{{ .JsonData.apiUrl }}/api/v1' });
    expect(JSON.stringify(api)).not.toContain('SecureJsonData');
    for (const route of plugin.routes) {
      expect(['GET', 'POST']).toContain(route.method);
      expect(route.url.startsWith('{{ .JsonData.apiUrl }}')).toBe(true);
    }
  });
});

describe('npm run build:plugin', () => {
  it('produces dist/ as Grafana loads it', () => {
    execFileSync('npm', ['run', 'build:plugin', '--silent'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
    for (const file of ['module.js', 'plugin.json', 'img/logo.svg', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
      expect(existsSync(join(ROOT, 'dist', file))).toBe(true);
    }
    const built = JSON.parse(readFileSync(join(ROOT, 'dist/plugin.json'), 'utf8'));
    expect(built.info.version).toBe(pkg.version);
    expect(built.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const module = readFileSync(join(ROOT, 'dist/module.js'), 'utf8');
    expect(module).toMatch(/^define\(\[/m);
    for (const external of ['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'rxjs']) {
      expect(module).toContain(`"${external}"`);
    }
  }, 200_000);
});
