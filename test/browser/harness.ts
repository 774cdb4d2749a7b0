/**
 * The browser tests' stand-in for a Grafana server: it serves a host page that loads the built
 * dist/module.js as Grafana does (AMD, externals from the host), stores the data source settings
 * (secure fields server-side only, as Grafana does: pkg/api/datasources.go keeps secureJsonData and
 * answers secureJsonFields), serves the provisioned dashboards, and answers
 * /api/datasources/proxy/uid/<uid>/... with the data source proxy stand-in the Jest tests use
 * (test/grafana/proxy.ts: dist/plugin.json's routes, Grafana's header, query and answer rules).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { Plugin, build } from 'esbuild';
import { ProxyAnswer, pluginRoutes, proxyRequest } from '../grafana/proxy';
import { PROXY_PREFIX } from '../grafana/grafanaServer';

const ROOT = resolve(__dirname, '../..');
export const DIST = join(ROOT, 'dist');
export const PLUGIN_ID = 'emnify-events-datasource';
/** The uid provisioning gives the data source (provisioning/datasources), which the dashboards name. */
export const DS_UID = 'emnify-events';
const SETTINGS_PATH = `/api/datasources/uid/${DS_UID}`;
const PROXY_PATH = `/api/datasources/proxy/uid/${DS_UID}`;
const DASHBOARDS = join(ROOT, 'dashboards');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
};

/** Grafana ships the Inter font under public/fonts/inter; here it comes from @fontsource/inter. */
const INTER: Record<string, string> = {
  'Inter-Regular.woff2': 'inter-latin-400-normal.woff2',
  'Inter-Medium.woff2': 'inter-latin-500-normal.woff2',
  'Inter-Italic.woff2': 'inter-latin-400-italic.woff2',
  'Inter-MediumItalic.woff2': 'inter-latin-500-italic.woff2',
};

/**
 * @grafana/ui's .mjs files default-import CommonJS packages compiled from ES modules
 * (`exports.default` + `__esModule`). Webpack (Grafana's bundler) hands them `exports.default`;
 * esbuild follows Node's rule for .mjs importers and hands them the whole `exports` object, which
 * React then refuses to render (CustomScrollbar, inside Table). Re-export those packages through a
 * non-.mjs module, where esbuild honours `__esModule` as webpack does.
 */
const ES_MODULE_CJS = ['react-custom-scrollbars-2', 'calculate-size'];
const webpackDefaultInterop: Plugin = {
  name: 'webpack-default-interop',
  setup(b) {
    const filter = new RegExp(`^(${ES_MODULE_CJS.join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === 'interop' ? undefined : { path: args.path, namespace: 'interop' }
    );
    b.onLoad({ filter: /.*/, namespace: 'interop' }, (args) => ({
      contents: `import * as m from '${args.path}';\nexport * from '${args.path}';\nexport default m.default;\n`,
      resolveDir: ROOT,
      loader: 'js',
    }));
  },
};

/**
 * Webpack, Grafana's bundler, lets an ES module import a name its dependency does not export (the value is
 * undefined); esbuild refuses. @grafana/plugin-compat probes for APIs of newer Grafana versions with
 * `typeof x === 'function'`, and @grafana/scenes imports react-router 6's `Routes` for SceneApp, which the
 * host never renders (the package.json override pins scenes' react-router-dom peer to the 5.3.4 that
 * @grafana/ui 12.4.10 ships). Their imports of these modules go through a module that re-exports the real
 * one (one instance, as in Grafana) and adds the missing names as undefined.
 */
const MISSING_EXPORTS: Record<string, string[]> = {
  'react-router-dom': ['Routes'],
  '@grafana/runtime': [
    'getDataSourceInstance',
    'getDataSourceInstanceList',
    'getDataSourceInstanceSettings',
    'getDefaultDataSourceInstanceListItem',
    'registerRuntimeDataSourceInstance',
    'useDataSourceInstance',
    'useDefaultDataSourceInstanceListItem',
  ],
};
MISSING_EXPORTS['@grafana/runtime/unstable'] = MISSING_EXPORTS['@grafana/runtime'];
const webpackMissingExports: Plugin = {
  name: 'webpack-missing-exports',
  setup(b) {
    const filter = new RegExp(
      `^(${Object.keys(MISSING_EXPORTS)
        .map((m) => m.replace(/[/]/g, '\\/'))
        .join('|')})$`
    );
    b.onResolve({ filter }, (args) =>
      /node_modules\/@grafana\/(scenes|plugin-compat)\//.test(args.importer)
        ? { path: args.path, namespace: 'missing-exports' }
        : undefined
    );
    b.onLoad({ filter: /.*/, namespace: 'missing-exports' }, (args) => ({
      contents: `export * from '${args.path}';\n${MISSING_EXPORTS[args.path].map((n) => `export const ${n} = undefined;`).join('\n')}\n`,
      resolveDir: ROOT,
      loader: 'js',
    }));
  },
};

/**
 * Bundles the host (React, @grafana/*, rxjs and the page's UI) into `outdir`: minified production React,
 * as Grafana serves it; HOST_DEBUG=1 builds it readable with React's development warnings instead.
 */
export async function buildHost(outdir: string): Promise<void> {
  const debug = !!process.env.HOST_DEBUG;
  await build({
    entryPoints: { host: join(__dirname, 'host/index.tsx') },
    outdir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: !debug,
    logLevel: 'error',
    plugins: [webpackDefaultInterop, webpackMissingExports],
    loader: { '.svg': 'text', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': debug ? '"development"' : '"production"', global: 'window' },
  });
}

export interface HostSettings {
  id: number;
  uid: string;
  orgId: number;
  name: string;
  type: string;
  typeName: string;
  typeLogoUrl: string;
  access: 'proxy';
  url: string;
  user: string;
  database: string;
  basicAuth: boolean;
  basicAuthUser: string;
  isDefault: boolean;
  jsonData: Record<string, unknown>;
  secureJsonFields: Record<string, boolean>;
  readOnly: boolean;
  withCredentials: boolean;
  version: number;
}

export interface Harness {
  /** The host page, loading the plugin and showing data from `range`. */
  pageUrl(range: { from: number; to: number }): string;
  /** Every answer this server gave the browser, but static files: settings and proxy answers. */
  answers: string[];
  /** Every proxied request: method, route path (with query) and upstream status. */
  proxied: Array<{ method: string; path: string; status: number }>;
  /** What the server holds for the data source, secure values included (never sent to the browser). */
  stored(): { settings: HostSettings; secureJsonData: Record<string, string> };
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function page(range: { from: number; to: number }, withCss: boolean): string {
  const options = {
    settingsUrl: SETTINGS_PATH,
    proxyUrl: PROXY_PATH,
    range,
    pluginBaseUrl: `/public/plugins/${PLUGIN_ID}`,
  };
  const css = withCss ? '<link rel="stylesheet" href="/host/host.css">' : '';
  // The host bundle loads before require.js: with an AMD `define` present, UMD packages inside the
  // bundle would register as AMD modules instead of CommonJS ones.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>emnify events plugin: browser test host</title>${css}</head>
<body class="theme-dark" style="margin: 0"><div id="root"></div>
<script src="/host/host.js"></script>
<script src="/host/require.js"></script>
<script>
  for (const [name, mod] of Object.entries(window.emnifyHost.modules)) define(name, [], () => mod);
  require(['/public/plugins/${PLUGIN_ID}/module.js'],
    (m) => window.emnifyHost.start(m.plugin, ${JSON.stringify(options)}).catch((err) => window.emnifyHost.fail(err)),
    (err) => window.emnifyHost.fail(err));
</script>
</body></html>`;
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(DIST, 'module.js'))) {
    throw new Error('dist/module.js is missing: run `npm run build:plugin` first (npm run test:browser does).');
  }
  const hostDir = mkdtempSync(join(tmpdir(), 'emnify-host-'));
  await buildHost(hostDir);
  const withCss = existsSync(join(hostDir, 'host.css'));
  const routes = pluginRoutes(join(DIST, 'plugin.json'));
  const settings: HostSettings = {
    id: 1,
    uid: DS_UID,
    orgId: 1,
    name: 'emnify events',
    type: PLUGIN_ID,
    typeName: 'emnify events',
    typeLogoUrl: `public/plugins/${PLUGIN_ID}/img/logo.svg`,
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: true,
    jsonData: {},
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    version: 1,
  };
  let secureJsonData: Record<string, string> = {};
  const answers: string[] = [];
  const proxied: Harness['proxied'] = [];

  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' }
  ) => {
    answers.push(body);
    res.writeHead(status, headers).end(body);
  };
  const serveFile = (res: ServerResponse, base: string, rel: string) => {
    const file = normalize(join(base, rel));
    if (!file.startsWith(base) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      })
      .end(readFileSync(file));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path === '/') {
      const range = { from: Number(url.searchParams.get('from')), to: Number(url.searchParams.get('to')) };
      res.writeHead(200, { 'content-type': TYPES['.html'] }).end(page(range, withCss));
    } else if (path === '/favicon.ico') {
      serveFile(res, join(DIST, 'img'), 'logo.svg');
    } else if (path === '/host/require.js') {
      serveFile(res, join(ROOT, 'node_modules/requirejs'), 'require.js');
    } else if (path.startsWith('/host/')) {
      serveFile(res, hostDir, path.slice('/host/'.length));
    } else if (path.startsWith('/public/build/img/icons/')) {
      // Grafana serves @grafana/ui's icons from its public build folder.
      serveFile(
        res,
        join(ROOT, 'node_modules/@grafana/ui/dist/public/img/icons'),
        path.slice('/public/build/img/icons/'.length)
      );
    } else if (path.startsWith('/public/fonts/inter/') && path.slice('/public/fonts/inter/'.length) in INTER) {
      serveFile(
        res,
        join(ROOT, 'node_modules/@fontsource/inter/files'),
        INTER[path.slice('/public/fonts/inter/'.length)]
      );
    } else if (path.startsWith(`/public/plugins/${PLUGIN_ID}/`)) {
      serveFile(res, DIST, path.slice(`/public/plugins/${PLUGIN_ID}/`.length));
    } else if (path === '/dashboards/') {
      // The provisioned dashboards, as Grafana's file provisioning loads them (provisioning/dashboards).
      send(res, 200, JSON.stringify(readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))));
    } else if (path.startsWith('/dashboards/')) {
      serveFile(res, DASHBOARDS, path.slice('/dashboards/'.length));
    } else if (path === SETTINGS_PATH && req.method === 'GET') {
      send(res, 200, JSON.stringify(settings));
    } else if (path === SETTINGS_PATH && req.method === 'PUT') {
      // As Grafana: secure values are kept server-side; the answer only says which are set.
      const body = JSON.parse(await readBody(req)) as Partial<HostSettings> & {
        secureJsonData?: Record<string, string>;
      };
      settings.jsonData = body.jsonData ?? {};
      const next = { ...secureJsonData };
      for (const [key, value] of Object.entries(body.secureJsonData ?? {})) {
        if (value === '') {
          delete next[key];
        } else {
          next[key] = value;
        }
      }
      for (const [key, set] of Object.entries(body.secureJsonFields ?? {})) {
        if (!set && !(body.secureJsonData && key in body.secureJsonData)) {
          delete next[key];
        }
      }
      secureJsonData = next;
      settings.secureJsonFields = Object.fromEntries(Object.keys(secureJsonData).map((k) => [k, true]));
      settings.version++;
      send(
        res,
        200,
        JSON.stringify({ datasource: settings, id: settings.id, message: 'Datasource updated', name: settings.name })
      );
    } else if (PROXY_PREFIX.test(path) && path.startsWith(PROXY_PATH)) {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string') {
          headers[k] = v;
        }
      }
      const body = await readBody(req);
      // The proxy path as Grafana takes it: the escaped path after the prefix (pkg/api/datasourceproxy).
      const routePath = (req.url ?? '').split('?')[0].replace(PROXY_PREFIX, '') + url.search;
      // The browser closing the request before the answer: Grafana's 499.
      const closed = new AbortController();
      res.on('close', () => !res.writableFinished && closed.abort());
      const answer: ProxyAnswer = await proxyRequest(
        routes,
        { jsonData: settings.jsonData, secureJsonData },
        {
          path: routePath,
          method: req.method ?? 'GET',
          headers,
          body: body || undefined,
          remoteAddr: req.socket.remoteAddress,
          signal: closed.signal,
        }
      );
      proxied.push({ method: req.method ?? 'GET', path: routePath, status: answer.status });
      if (answer.status === 499) {
        res.destroy();
        return;
      }
      send(res, answer.status, answer.body, answer.headers);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`host error: ${err.message}`);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    pageUrl: (range) => `${origin}/?from=${range.from}&to=${range.to}`,
    answers,
    proxied,
    stored: () => ({ settings, secureJsonData }),
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(hostDir, { recursive: true, force: true });
          ok();
        });
      }),
  };
}
