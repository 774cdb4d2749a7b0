/**
 * plugin.json against our JSON Schema of Grafana's plugin schema (test/grafana/plugin.schema.json,
 * validated by ajv in test/grafana/pluginSchema.ts), then the real build: `npm run build:plugin` (run
 * once) must produce a dist/ that satisfies the same rules and passes the offline plugin-validator
 * checks (test/grafana/pluginValidator.ts). Every rule family also has a
 * test that feeds it a deliberately broken plugin.json or plugin folder and expects the exact message.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { validatePluginJson } from './grafana/pluginSchema';
import { validatePluginDist } from './grafana/pluginValidator';
import { pluginJsonRoutes } from '../src/api/routes';

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');
const plugin = JSON.parse(readFileSync(join(ROOT, 'src/plugin.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

// What the validator points out about this plugin and we accept for now: it has no screenshots yet.
const ACCEPTED_WARNINGS = ['plugin.json: info.screenshots: none declared (the plugin catalog shows them)'];

type Json = any;
const copyOf = (value: Json): Json => JSON.parse(JSON.stringify(value));

describe('src/plugin.json', () => {
  it("satisfies the rules of Grafana's plugin schema", () => {
    expect(validatePluginJson(plugin)).toEqual([]);
  });

  it('is the emnify data source, with the placeholders the build fills and logos that exist', () => {
    expect(plugin.id).toBe('emnify-events-datasource');
    expect(plugin.type).toBe('datasource');
    expect(plugin.info.version).toBe('%VERSION%');
    expect(plugin.info.updated).toBe('%TODAY%');
    expect(plugin.backend).toBeUndefined();
    expect(plugin.executable).toBeUndefined();
    for (const size of ['small', 'large']) {
      expect(existsSync(join(ROOT, 'src', plugin.info.logos[size]))).toBe(true);
    }
  });

  it('declares a grafanaDependency that the pinned @grafana packages satisfy', () => {
    const range: string = plugin.dependencies.grafanaDependency;
    expect(range).toMatch(/^>=\d+\.\d+\.\d+$/);
    const grafana = ['@grafana/data', '@grafana/ui', '@grafana/runtime', '@grafana/schema', '@grafana/i18n'];
    for (const name of grafana) {
      const version: string = pkg.dependencies[name];
      expect(semver.valid(version)).toBe(version);
      expect(semver.satisfies(version, range)).toBe(true);
    }
    expect(new Set(grafana.map((n) => pkg.dependencies[n])).size).toBe(1);
  });

  it('keeps every credential server-side: the routes of src/api/routes.ts, each mode’s routes empty in the other mode', () => {
    // No `"` inside a template action: Grafana templates a route body as plugin.json's JSON text, where it
    // arrives as `\"`, which Go's parser refuses (the body would be left out). Raw strings (`…`) instead.
    expect(JSON.stringify(plugin.routes).match(/\{\{[^}]*\\"[^}]*\}\}/g)).toBeNull();
    expect(plugin.routes).toEqual(pluginJsonRoutes());
    expect(plugin.routes.map((r: Json) => `${r.method} ${r.path}`)).toEqual([
      'POST emnify-auth',
      'GET emnify-event',
      'GET emnify-endpoint',
      'GET emnify-sim',
      'GET emnify-user',
      'GET gateway-event',
      'GET gateway-endpoint',
      'GET gateway-sim',
      'GET gateway-user',
    ]);
    const ifGateway = '{{ if eq .JsonData.connection `gateway` }}';
    const base = '{{ if .JsonData.apiUrl }}{{ .JsonData.apiUrl }}{{ else }}https://cdn.emnify.net{{ end }}';
    const [auth, ...reads] = plugin.routes;
    expect(auth).toEqual({
      path: 'emnify-auth',
      method: 'POST',
      url: `${ifGateway}{{ else }}${base}/api/v1/authenticate{{ end }}`,
      headers: [{ name: 'Content-Type', content: 'application/json' }],
      body: { application_token: `${ifGateway}{{ else }}{{ .SecureJsonData.applicationToken }}{{ end }}` },
    });
    for (const route of reads) {
      expect(route.method).toBe('GET');
      if (route.path.startsWith('emnify-')) {
        // Direct-mode reads carry the browser's JWT, no stored secret.
        expect(JSON.stringify(route)).not.toContain('SecureJsonData');
        expect(route.url).toBe(`${ifGateway}{{ else }}${base}/api/v1/${route.path.slice(7)}{{ end }}`);
      } else {
        expect(route).toEqual({
          path: route.path,
          method: 'GET',
          url: `${ifGateway}{{ .JsonData.gatewayUrl }}/api/v1/${route.path.slice(8)}{{ end }}`,
          headers: [
            { name: 'Authorization', content: `${ifGateway}Bearer {{ .SecureJsonData.gatewayToken }}{{ end }}` },
          ],
        });
      }
    }
  });
});

describe('plugin.json schema rules reject a broken copy of src/plugin.json', () => {
  const cases: Array<[string, (p: Json) => void, string[]]> = [
    // required properties
    ['top-level property missing', (p) => delete p.dependencies, ['(root): missing required property "dependencies"']],
    ['info property missing', (p) => delete p.info.keywords, ['info: missing required property "keywords"']],
    ['logo missing', (p) => delete p.info.logos.large, ['info.logos: missing required property "large"']],
    [
      'grafanaDependency missing',
      (p) => delete p.dependencies.grafanaDependency,
      ['dependencies: missing required property "grafanaDependency"'],
    ],
    ['route without path', (p) => delete p.routes[1].path, ['routes[1]: missing required property "path"']],
    [
      'include without type',
      (p) => (p.includes = [{ name: 'Overview' }]),
      ['includes[0]: missing required property "type"'],
    ],
    [
      'plugin dependency without name and type',
      (p) => (p.dependencies.plugins = [{ id: 'grafana-clock-panel' }]),
      [
        'dependencies.plugins[0]: missing required property "name"',
        'dependencies.plugins[0]: missing required property "type"',
      ],
    ],
    [
      'extension link without title',
      (p) => (p.extensions = { addedLinks: [{ targets: ['grafana/dashboard/panel/menu'] }] }),
      ['extensions.addedLinks[0]: missing required property "title"'],
    ],
    // misspelled keys in objects that list all their keys
    ['misspelled top-level key', (p) => ((p.metric = true), delete p.metrics), ['(root): unknown property "metric"']],
    ['unknown info key', (p) => (p.info.homepage = 'https://www.emnify.com'), ['info: unknown property "homepage"']],
    ['unknown author key', (p) => (p.info.author.twitter = '@emnify'), ['info.author: unknown property "twitter"']],
    ['unknown build key', (p) => (p.info.build = { commit: 'abc' }), ['info.build: unknown property "commit"']],
    ['unknown link key', (p) => (p.info.links[0].title = 'API'), ['info.links[0]: unknown property "title"']],
    [
      'misspelled logo size',
      (p) => ((p.info.logos.smal = p.info.logos.small), delete p.info.logos.small),
      ['info.logos: missing required property "small"', 'info.logos: unknown property "smal"'],
    ],
    [
      'unknown screenshot key',
      (p) => (p.info.screenshots = [{ name: 'Logs', url: 'img/logs.png' }]),
      ['info.screenshots[0]: unknown property "url"'],
    ],
    [
      'unknown dependencies key',
      (p) => (p.dependencies.grafana = '>=12.4.0'),
      ['dependencies: unknown property "grafana"'],
    ],
    [
      'misspelled query option',
      (p) => (p.queryOptions = { maxDataPoint: true }),
      ['queryOptions: unknown property "maxDataPoint"'],
    ],
    [
      'misspelled route key',
      (p) => ((p.routes[0].header = p.routes[0].headers), delete p.routes[0].headers),
      ['routes[0]: unknown property "header"'],
    ],
    [
      'unknown tokenAuth key',
      (p) => (p.routes[1].tokenAuth = { url: 'https://login.example/token', scope: ['read'] }),
      ['routes[1].tokenAuth: unknown property "scope"'],
    ],
    [
      'unknown jwtTokenAuth param',
      (p) => (p.routes[1].jwtTokenAuth = { params: { audience: 'x' } }),
      ['routes[1].jwtTokenAuth.params: unknown property "audience"'],
    ],
    [
      'unknown urlParams key',
      (p) => (p.routes[1].urlParams = [{ name: 'q', value: 'x' }]),
      ['routes[1].urlParams[0]: unknown property "value"'],
    ],
    [
      'unknown role key',
      (p) => (p.roles = [{ role: { name: 'Reader', displayName: 'Reader' }, grants: ['Viewer'] }]),
      ['roles[0].role: unknown property "displayName"'],
    ],
    [
      'unknown role entry key',
      (p) => (p.roles = [{ role: { name: 'Reader' }, grant: ['Viewer'] }]),
      ['roles[0]: unknown property "grant"'],
    ],
    [
      'unknown permission key',
      (p) => (p.iam = { permissions: [{ actions: 'datasources:read' }] }),
      ['iam.permissions[0]: unknown property "actions"'],
    ],
    // value types
    ['boolean as string', (p) => (p.metrics = 'true'), ['metrics: must be a boolean, got string']],
    ['keywords as string', (p) => (p.info.keywords = 'emnify'), ['info.keywords: must be an array, got string']],
    ['info as null', (p) => (p.info = null), ['info: must be an object, got null']],
    [
      'build time as string',
      (p) => (p.info.build = { time: '1700000000' }),
      ['info.build.time: must be a number, got string'],
    ],
    [
      'route headers as object',
      (p) => (p.routes[0].headers = { 'Content-Type': 'application/json' }),
      ['routes[0].headers: must be an array, got object'],
    ],
    ['route body as array', (p) => (p.routes[0].body = []), ['routes[0].body: must be an object, got array']],
    ['route url as number', (p) => (p.routes[1].url = 443), ['routes[1].url: must be a string, got number']],
    ['keyword as number', (p) => p.info.keywords.push(5), ['info.keywords[5]: must be a string, got number']],
    // allowed values
    [
      'plugin type',
      (p) => (p.type = 'data-source'),
      ['type: "data-source" is not one of app, datasource, panel, renderer'],
    ],
    [
      'state',
      (p) => (p.state = 'experimental'),
      ['state: "experimental" is not one of alpha, beta, stable, deprecated'],
    ],
    [
      'include type',
      (p) => (p.includes = [{ type: 'folder' }]),
      ['includes[0].type: "folder" is not one of dashboard, page, panel, datasource'],
    ],
    [
      'include role',
      (p) => (p.includes = [{ type: 'dashboard', role: 'Owner' }]),
      ['includes[0].role: "Owner" is not one of Admin, Editor, Viewer'],
    ],
    [
      'plugin dependency type',
      (p) => (p.dependencies.plugins = [{ id: 'grafana-image-renderer', name: 'Renderer', type: 'renderer' }]),
      [
        'dependencies.plugins[0].id: "grafana-image-renderer" does not match ^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$',
        'dependencies.plugins[0].type: "renderer" is not one of app, datasource, panel',
      ],
    ],
    [
      'link target',
      (p) => (p.info.links[0].target = '_new'),
      ['info.links[0].target: "_new" is not one of _blank, _self, _parent, _top'],
    ],
    // patterns
    [
      'id with underscores',
      (p) => (p.id = 'emnify_events_datasource'),
      ['id: "emnify_events_datasource" does not match ^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$'],
    ],
    [
      'id with capitals',
      (p) => (p.id = 'Emnify-events-datasource'),
      ['id: "Emnify-events-datasource" does not match ^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$'],
    ],
    [
      'updated not ISO',
      (p) => (p.info.updated = '22.11.2026'),
      ['info.updated: "22.11.2026" does not match ^(\\d{4}-\\d{2}-\\d{2}|%TODAY%)$'],
    ],
    [
      'version with v prefix',
      (p) => (p.info.version = 'v1.0.0'),
      ['info.version: "v1.0.0" does not match ^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)|(%VERSION%)$'],
    ],
    [
      'version with leading zero',
      (p) => (p.info.version = '01.0.0'),
      ['info.version: "01.0.0" does not match ^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)|(%VERSION%)$'],
    ],
    [
      'grafanaDependency with a space after the operator',
      (p) => (p.dependencies.grafanaDependency = '>= 12.4.0'),
      [expect.stringMatching(/^dependencies\.grafanaDependency: ">= 12\.4\.0" does not match \^/)],
    ],
    [
      'grafanaDependency as a word',
      (p) => (p.dependencies.grafanaDependency = 'latest'),
      [expect.stringMatching(/^dependencies\.grafanaDependency: "latest" does not match \^/)],
    ],
    [
      'grafanaVersion',
      (p) => (p.dependencies.grafanaVersion = '12.x.x.x'),
      ['dependencies.grafanaVersion: "12.x.x.x" does not match ^([0-9]+)(\\.[0-9x]+)?(\\.[0-9x])?$'],
    ],
    [
      'pascalName',
      (p) => (p.pascalName = 'emnifyEvents'),
      ['pascalName: "emnifyEvents" does not match ^([A-Z][a-zA-Z]{1,62})$'],
    ],
    [
      'exposed component id',
      (p) => (p.extensions = { exposedComponents: [{ id: 'emnify-events-datasource/picker' }] }),
      [
        'extensions.exposedComponents[0].id: "emnify-events-datasource/picker" does not match ^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)\\/[a-zA-Z0-9_-]+\\/v[0-9_.-]+$',
      ],
    ],
    // sizes
    ['no keywords', (p) => (p.info.keywords = []), ['info.keywords: must have at least 1 item']],
    [
      'short extension title',
      (p) => (p.extensions = { addedLinks: [{ targets: ['grafana/dashboard/panel/menu'], title: 'Open' }] }),
      ['extensions.addedLinks[0].title: must be at least 10 characters long'],
    ],
    // formats
    [
      'author email',
      (p) => (p.info.author.email = 'contributors'),
      ['info.author.email: "contributors" is not an email address'],
    ],
    [
      'author url',
      (p) => (p.info.author.url = 'www.emnify.com'),
      ['info.author.url: "www.emnify.com" is not an absolute URI'],
    ],
    [
      'link url',
      (p) => (p.info.links[0].url = 'docs.emnify.com/system-events'),
      ['info.links[0].url: "docs.emnify.com/system-events" is not an absolute URI'],
    ],
    [
      'jwtTokenAuth url',
      (p) => (p.routes[1].jwtTokenAuth = { url: '/token' }),
      ['routes[1].jwtTokenAuth.url: "/token" is not an absolute URI'],
    ],
    // several problems at once, in document order
    [
      'several problems',
      (p) => ((p.type = 'source'), (p.info.logos.small = 1), (p.routes[0].method = ['POST'])),
      [
        'type: "source" is not one of app, datasource, panel, renderer',
        'info.logos.small: must be a string, got number',
        'routes[0].method: must be a string, got array',
      ],
    ],
  ];

  it.each(cases)('%s', (_name, breakIt, expected) => {
    const broken = copyOf(plugin);
    breakIt(broken);
    expect(validatePluginJson(broken)).toEqual(expected);
  });

  it('rejects a plugin.json that is not an object', () => {
    expect(validatePluginJson([plugin])).toEqual(['(root): must be an object, got array']);
    expect(validatePluginJson('plugin')).toEqual(['(root): must be an object, got string']);
  });

  it('leaves open the objects the schema leaves open', () => {
    const p = copyOf(plugin);
    p.dependencies.plugins = [{ id: 'grafana-clock-panel', name: 'Clock', type: 'panel', version: '2.x' }];
    p.includes = [{ type: 'dashboard', name: 'Overview', path: 'dashboards/overview.json', extra: true }];
    p.enterpriseFeatures = { healthDiagnosticsErrors: true, somethingNew: 1 };
    p.routes[1].tokenAuth = {
      url: 'https://login.example/token',
      params: { grant_type: 'client_credentials', audience: 'emnify' },
    };
    p.routes[1].jwtTokenAuth = { url: 'https://oauth2.example/token', scopes: ['read'], issuer: 'x' };
    p.routes[1].method = 'GET,HEAD';
    p.category = 'iot';
    p.state = 'beta';
    p.iam = { permissions: [{ action: 'datasources:read', scope: 'datasources:*' }], note: 'x' };
    p.extensions = {
      addedLinks: [{ targets: ['grafana/explore/toolbar/action'], title: 'Open in emnify', icon: 'link' }],
    };
    expect(validatePluginJson(p)).toEqual([]);
  });
});

describe('npm run build:plugin', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build:plugin', '--silent'], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
  }, 200_000);

  it('produces dist/ as Grafana loads it', () => {
    for (const file of [
      'module.js',
      'module.js.map',
      'plugin.json',
      'img/logo.svg',
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
    ]) {
      expect(existsSync(join(DIST, file))).toBe(true);
    }
    const built = JSON.parse(readFileSync(join(DIST, 'plugin.json'), 'utf8'));
    expect(built.info.version).toBe(pkg.version);
    expect(built.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const module = readFileSync(join(DIST, 'module.js'), 'utf8');
    expect(module).toMatch(/^define\(\[/m);
    for (const external of ['@grafana/data', '@grafana/runtime', '@grafana/ui', 'react', 'rxjs']) {
      expect(module).toContain(`"${external}"`);
    }
  });

  it("writes a dist/plugin.json that satisfies the rules of Grafana's plugin schema", () => {
    expect(validatePluginJson(JSON.parse(readFileSync(join(DIST, 'plugin.json'), 'utf8')))).toEqual([]);
  });

  it('passes the offline plugin-validator checks', () => {
    const findings = validatePluginDist(DIST, ROOT);
    expect(findings.errors).toEqual([]);
    expect(findings.warnings).toEqual(ACCEPTED_WARNINGS);
  });
});

describe('offline plugin-validator checks reject a broken plugin folder', () => {
  // A small plugin folder next to a small source tree, built like the real one: it passes every check,
  // and each test below breaks one thing in a fresh copy.
  const MODULE_TS = "export const plugin = 'fixture';\n";
  let root: string;
  let dist: string;

  const write = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  };
  const editJson = (path: string, edit: (value: Json) => void) => {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    edit(value);
    writeFileSync(path, JSON.stringify(value, null, 2));
  };
  const editMeta = (edit: (meta: Json) => void) => editJson(join(dist, 'plugin.json'), edit);
  // The bundle names its sources webpack://<plugin id>/..., so a plugin built under another id says so there too.
  const rebuildAs = (id: string) => {
    editMeta((m) => (m.id = id));
    editJson(
      join(dist, 'module.js.map'),
      (m) => (m.sources = m.sources.map((s: string) => s.replace('//emnify-events-datasource/', `//${id}/`)))
    );
  };
  const check = () => validatePluginDist(dist, root);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'plugin-validator-'));
    dist = join(root, 'dist');
    write(
      join(root, 'package.json'),
      JSON.stringify({
        name: 'fixture',
        version: '1.2.3',
        license: 'Apache-2.0',
        scripts: { build: 'webpack -c ./webpack.config.ts --env production' },
      })
    );
    write(
      join(root, '.config/webpack/webpack.config.ts'),
      '// Scaffolded by @grafana/create-plugin.\nexport default {};\n'
    );
    write(join(root, 'src/module.ts'), MODULE_TS);
    const meta = copyOf(plugin);
    meta.info.version = '1.2.3';
    meta.info.updated = '2026-01-31';
    write(join(dist, 'plugin.json'), JSON.stringify(meta, null, 2));
    write(
      join(dist, 'module.js'),
      'define(["@grafana/data"],function(){return {};});\n//# sourceMappingURL=module.js.map\n'
    );
    write(
      join(dist, 'module.js.map'),
      JSON.stringify({
        version: 3,
        file: 'module.js',
        sources: [
          'webpack://emnify-events-datasource/external amd "@grafana/data"',
          'webpack://emnify-events-datasource/webpack/bootstrap',
          'webpack://emnify-events-datasource/./module.ts',
        ],
        sourcesContent: ['module.exports = grafanaData;', '// bootstrap', MODULE_TS],
        mappings: '',
      })
    );
    cpSync(join(ROOT, 'src/README.md'), join(dist, 'README.md'));
    cpSync(join(ROOT, 'CHANGELOG.md'), join(dist, 'CHANGELOG.md'));
    cpSync(join(ROOT, 'LICENSE'), join(dist, 'LICENSE'));
    cpSync(join(ROOT, 'src/img/logo.svg'), join(dist, 'img/logo.svg'));
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('pass on the intact fixture', () => {
    expect(check()).toEqual({ errors: [], warnings: ACCEPTED_WARNINGS });
  });

  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const cases: Array<[string, () => void, string[]]> = [
    // plugin.json present, parseable and following the schema
    ['plugin.json missing', () => unlinkSync(join(dist, 'plugin.json')), ['plugin.json: missing']],
    [
      'plugin.json not JSON',
      () => write(join(dist, 'plugin.json'), '{ "id": "emnify-events-datasource", }'),
      ['plugin.json: not valid JSON'],
    ],
    [
      'schema violation',
      () => editMeta((m) => (m.info.logos.smal = 'img/logo.svg')),
      ['plugin.json: info.logos: unknown property "smal"'],
    ],
    // id, type and name
    [
      'id with the wrong type suffix',
      () => rebuildAs('emnify-events-panel'),
      ['plugin.json: id: "emnify-events-panel" does not end with its type "-datasource"'],
    ],
    [
      'id without a name part',
      () => rebuildAs('emnify-datasource'),
      ['plugin.json: id: "emnify-datasource" does not have the form <org>-<name>-<type>'],
    ],
    [
      'name equal to the id',
      () => editMeta((m) => (m.name = m.id)),
      ['plugin.json: name: must be a human-friendly name, not the plugin id'],
    ],
    // version and date
    [
      'version placeholder left',
      () => editMeta((m) => (m.info.version = '%VERSION%')),
      ['plugin.json: info.version: "%VERSION%" is not a semantic version (MAJOR.MINOR.PATCH)'],
    ],
    [
      'version with four parts',
      () => editMeta((m) => (m.info.version = '1.2.3.4')),
      ['plugin.json: info.version: "1.2.3.4" is not a semantic version (MAJOR.MINOR.PATCH)'],
    ],
    [
      'version not the package version',
      () => editMeta((m) => (m.info.version = '1.2.4')),
      ['plugin.json: info.version: 1.2.4 differs from package.json version 1.2.3'],
    ],
    [
      'date placeholder left',
      () => editMeta((m) => (m.info.updated = '%TODAY%')),
      ['plugin.json: info.updated: "%TODAY%" is not a calendar date (YYYY-MM-DD)'],
    ],
    [
      'date that does not exist',
      () => editMeta((m) => (m.info.updated = '2026-02-30')),
      ['plugin.json: info.updated: "2026-02-30" is not a calendar date (YYYY-MM-DD)'],
    ],
    // grafanaDependency as a semver range (the schema's pattern lets "=>" through)
    [
      'grafanaDependency not a semver range',
      () => editMeta((m) => (m.dependencies.grafanaDependency = '>=12.4.0 =>13.0.0')),
      ['plugin.json: dependencies.grafanaDependency: ">=12.4.0 =>13.0.0" is not a valid semver range'],
    ],
    // backend, executable, alerting
    [
      'backend without executable',
      () => editMeta((m) => (m.backend = true)),
      ['plugin.json: backend: true but no executable is declared'],
    ],
    [
      'alerting without backend',
      () => editMeta((m) => (m.alerting = true)),
      ['plugin.json: alerting: true needs backend: true'],
    ],
    [
      'executable without backend or binary',
      () => editMeta((m) => (m.executable = 'gpx_emnify')),
      [
        'plugin.json: executable: "gpx_emnify" is declared but backend is not true',
        'plugin.json: executable: no backend binary gpx_emnify* in the plugin',
      ],
    ],
    [
      'stray backend binary',
      () => write(join(dist, 'gpx_emnify_linux_amd64'), 'ELF'),
      ['gpx_emnify_linux_amd64: a backend binary, but plugin.json declares no executable'],
    ],
    [
      'backend debug file',
      () => write(join(dist, 'standalone.txt'), '127.0.0.1:50051'),
      ['standalone.txt: backend debug file; the plugin would not start in production'],
    ],
    [
      'nested plugin in a data source',
      () => cpSync(join(dist, 'plugin.json'), join(dist, 'panel/plugin.json')),
      ['panel/plugin.json: nested plugin, but only app plugins may bundle other plugins'],
    ],
    // logo and screenshot paths
    [
      'logo path starting with ./',
      () => editMeta((m) => (m.info.logos.small = './img/logo.svg')),
      ['plugin.json: info.logos.small: "./img/logo.svg" must not start with "." or "/" (write img/file.png)'],
    ],
    [
      'logo path starting with /',
      () => editMeta((m) => (m.info.logos.large = '/img/logo.svg')),
      ['plugin.json: info.logos.large: "/img/logo.svg" must not start with "." or "/" (write img/file.png)'],
    ],
    [
      'logo as a URL',
      () => editMeta((m) => (m.info.logos.large = 'https://www.emnify.com/logo.svg')),
      [
        'plugin.json: info.logos.large: "https://www.emnify.com/logo.svg" must be a path relative to plugin.json, not a URL',
      ],
    ],
    [
      'logo path empty',
      () => editMeta((m) => (m.info.logos.small = ' ')),
      ['plugin.json: info.logos.small: empty path'],
    ],
    [
      'logo file missing',
      () => unlinkSync(join(dist, 'img/logo.svg')),
      [
        'plugin.json: info.logos.small: img/logo.svg does not exist',
        'plugin.json: info.logos.large: img/logo.svg does not exist',
      ],
    ],
    [
      'logo not an image',
      () => write(join(dist, 'img/logo.svg'), 'emnify'),
      [
        'plugin.json: info.logos.small: img/logo.svg is not a PNG, JPEG, GIF or SVG image',
        'plugin.json: info.logos.large: img/logo.svg is not a PNG, JPEG, GIF or SVG image',
      ],
    ],
    [
      'screenshot missing',
      () => editMeta((m) => (m.info.screenshots = [{ name: 'Logs', path: 'img/logs.png' }])),
      ['plugin.json: info.screenshots[0].path: img/logs.png does not exist'],
    ],
    [
      'screenshot with the wrong extension',
      () => (
        write(join(dist, 'img/logs.png'), readFileSync(join(dist, 'img/logo.svg'))),
        editMeta((m) => (m.info.screenshots = [{ name: 'Logs', path: 'img/logs.png' }]))
      ),
      ['plugin.json: info.screenshots[0].path: img/logs.png holds SVG data but its extension .png says PNG'],
    ],
    // module.js and its source map
    [
      'module.js missing',
      () => unlinkSync(join(dist, 'module.js')),
      ['module.js: missing (Grafana loads the plugin from it)'],
    ],
    [
      'source map missing',
      () => unlinkSync(join(dist, 'module.js.map')),
      [
        'module.js: links the source map module.js.map, which is missing',
        'module.js.map: missing (the plugin catalog wants the source map next to module.js)',
      ],
    ],
    ['source map not JSON', () => write(join(dist, 'module.js.map'), '{'), ['module.js.map: not valid JSON']],
    [
      'source map without sourcesContent',
      () => editJson(join(dist, 'module.js.map'), (m) => delete m.sourcesContent),
      ['module.js.map: not a version 3 source map with matching sources and sourcesContent'],
    ],
    [
      'source changed after the build',
      () => write(join(root, 'src/module.ts'), "export const plugin = 'changed';\n"),
      ['module.js.map: src/module.ts differs from the source the bundle was built from'],
    ],
    [
      'bundled source not in the tree',
      () => unlinkSync(join(root, 'src/module.ts')),
      ['module.js.map: src/module.ts is in the bundle but not in the source tree'],
    ],
    [
      'Angular plugin',
      () =>
        write(
          join(dist, 'module.js'),
          'define(["app/plugins/sdk"],function(sdk){return {QueryCtrl:sdk.QueryCtrl};});\n//# sourceMappingURL=module.js.map\n'
        ),
      [
        'module.js: uses the AngularJS plugin platform (QueryCtrl)',
        'module.js: uses the AngularJS plugin platform (app/plugins/sdk)',
      ],
    ],
    [
      'tracking script',
      () =>
        write(
          join(dist, 'module.js'),
          'define([],function(){var s="https://www.googletagmanager.com/gtag/js?id=G-1";return {};});\n//# sourceMappingURL=module.js.map\n'
        ),
      ['module.js: tracking script https://www.googletagmanager.com/gtag/js?id=G-1'],
    ],
    // README, CHANGELOG, LICENSE
    ['README missing', () => unlinkSync(join(dist, 'README.md')), ['README.md: missing (the plugin catalog shows it)']],
    ['README empty', () => write(join(dist, 'README.md'), '\n  \n'), ['README.md: empty']],
    [
      'README from the template',
      () =>
        write(join(dist, 'README.md'), '# Grafana Data Source Plugin Template\n\nThis template is a starting point.\n'),
      ['README.md: still the create-plugin template'],
    ],
    ['CHANGELOG missing', () => unlinkSync(join(dist, 'CHANGELOG.md')), ['CHANGELOG.md: missing']],
    ['CHANGELOG empty', () => write(join(dist, 'CHANGELOG.md'), ''), ['CHANGELOG.md: empty']],
    ['LICENSE missing', () => unlinkSync(join(dist, 'LICENSE')), ['LICENSE: missing']],
    [
      'LICENSE not an accepted license',
      () => write(join(dist, 'LICENSE'), 'All rights reserved.\n'),
      [
        'LICENSE: not one of the licenses Grafana accepts for plugins (AGPL-3.0, LGPL-3.0, GPL-3.0, Apache-2.0, MIT, BSD)',
      ],
    ],
    [
      'LICENSE still the template',
      () =>
        write(
          join(dist, 'LICENSE'),
          readFileSync(join(ROOT, 'LICENSE'), 'utf8').replace(
            /Copyright \d{4} .*/,
            'Copyright {yyyy} {name of copyright owner}'
          )
        ),
      ['LICENSE: template placeholders left in the text ({yyyy}, {name of copyright owner})'],
    ],
    [
      'LICENSE other than package.json says',
      () => editJson(join(root, 'package.json'), (p) => (p.license = 'MIT')),
      ['LICENSE: the text is Apache-2.0 but package.json declares MIT'],
    ],
    // SVG files
    [
      'SVG with a script and an event handler',
      () =>
        write(
          join(dist, 'img/logo.svg'),
          '<svg xmlns="http://www.w3.org/2000/svg" onload="steal()"><script>steal()</script></svg>'
        ),
      ['img/logo.svg: unsafe SVG, <script> element', 'img/logo.svg: unsafe SVG, event handler attribute onload'],
    ],
    [
      'SVG with external references',
      () =>
        write(
          join(dist, 'img/logo.svg'),
          '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/><rect style="fill:url(//cdn.example/x)"/></svg>'
        ),
      [
        'img/logo.svg: unsafe SVG, external reference https://tracker.example/p.png',
        'img/logo.svg: unsafe SVG, external reference //cdn.example/x',
      ],
    ],
    [
      'SVG with a javascript: link',
      () =>
        write(
          join(dist, 'img/logo.svg'),
          '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:steal()"><rect/></a></svg>'
        ),
      ['img/logo.svg: unsafe SVG, javascript: URL'],
    ],
    // build tooling
    [
      'no create-plugin webpack config',
      () => unlinkSync(join(root, '.config/webpack/webpack.config.ts')),
      ['.config/webpack/webpack.config.ts: not the create-plugin build tooling'],
    ],
    [
      'grafana-toolkit script',
      () => editJson(join(root, 'package.json'), (p) => (p.scripts.build = 'grafana-toolkit plugin:build')),
      ['package.json: script "build" uses the retired grafana-toolkit'],
    ],
    ['package.json missing', () => unlinkSync(join(root, 'package.json')), ['package.json: missing or not valid JSON']],
  ];

  it.each(cases)('%s', (_name, breakIt, expected) => {
    breakIt();
    expect(check().errors).toEqual(expected);
  });

  const warningCases: Array<[string, () => void, string[]]> = [
    [
      'README with HTML comments',
      () => write(join(dist, 'README.md'), '# emnify Events\n\n<!-- TODO -->\nQuery events.\n'),
      ['README.md: contains HTML comments'],
    ],
    [
      'README with developer jargon',
      () => write(join(dist, 'README.md'), '# emnify Events\n\nBuild with yarn on nodejs.\n'),
      ['README.md: developer jargon (yarn, nodejs); move build notes to a separate file'],
    ],
    [
      'no description',
      () => editMeta((m) => delete m.info.description),
      ['plugin.json: info.description: empty (the plugin catalog searches it)'],
    ],
    [
      'grafanaDependency pinned to one minor',
      () => editMeta((m) => (m.dependencies.grafanaDependency = '12.4.x')),
      ['plugin.json: dependencies.grafanaDependency: "12.4.x" only allows patch releases of Grafana 12.4'],
    ],
    [
      'grafanaDependency pinned to one release',
      () => editMeta((m) => (m.dependencies.grafanaDependency = '12.4.0')),
      ['plugin.json: dependencies.grafanaDependency: "12.4.0" only allows Grafana 12.4.0'],
    ],
  ];

  it.each(warningCases)('warns: %s', (_name, breakIt, expected) => {
    breakIt();
    const { errors, warnings } = check();
    expect(errors).toEqual([]);
    expect([...warnings].sort()).toEqual([...expected, ...ACCEPTED_WARNINGS].sort());
  });

  it('checks screenshots that exist and match their extension without complaint', () => {
    write(join(dist, 'img/logs.png'), PNG);
    editMeta((m) => (m.info.screenshots = [{ name: 'Logs', path: 'img/logs.png' }]));
    expect(check()).toEqual({ errors: [], warnings: [] });
  });
});
