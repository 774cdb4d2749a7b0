/**
 * A stand-in for Grafana's data source proxy, applying src/plugin.json `routes` as Grafana does:
 * the longest route whose path prefixes the request path and whose method matches; the route's `url`
 * (templated from jsonData and secureJsonData) plus the rest of the path and the query string; the
 * route's headers and templated `body`; `X-DS-Authorization` moved to `Authorization`. Used by the
 * Jest tests (through a fake BackendSrv) and, over HTTP, by the browser tests.
 */
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface PluginRoute {
  path: string;
  method?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
  body?: unknown;
}

export interface DataSourceSettings {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface ProxyRequest {
  /** Path after `/api/datasources/proxy/uid/<uid>/`, with its query string. */
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function pluginRoutes(pluginJsonPath = resolve(__dirname, '../../src/plugin.json')): PluginRoute[] {
  return (JSON.parse(readFileSync(pluginJsonPath, 'utf8')) as { routes?: PluginRoute[] }).routes ?? [];
}

/** Grafana's route templating: `{{ .JsonData.x }}` and `{{ .SecureJsonData.x }}`. */
export function interpolate(template: string, settings: DataSourceSettings): string {
  return template.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_m, bag: string, key: string) => {
    const source = bag === 'JsonData' ? settings.jsonData : settings.secureJsonData;
    return String(source[key] ?? '');
  });
}

/** Resolves a proxy request to the upstream request, or an error answer as Grafana gives it. */
export function applyRoutes(
  routes: PluginRoute[],
  settings: DataSourceSettings,
  req: ProxyRequest
): { url: string; method: string; headers: Record<string, string>; body?: string } | ProxyResponse {
  const [path, query = ''] = req.path.split('?');
  const route = routes
    .filter((r) => path === r.path || path.startsWith(`${r.path}/`))
    .filter((r) => !r.method || r.method.toUpperCase() === req.method.toUpperCase())
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!route) {
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'no matching plugin route for this method and path' }),
    };
  }
  const rest = path.slice(route.path.length);
  const url = interpolate(route.url, settings).replace(/\/+$/, '') + rest + (query ? `?${query}` : '');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    const name = k.toLowerCase();
    if (name === 'x-ds-authorization') {
      headers.authorization = v;
    } else if (['accept', 'content-type'].includes(name)) {
      headers[name] = v;
    }
  }
  for (const h of route.headers ?? []) {
    headers[h.name.toLowerCase()] = interpolate(h.content, settings);
  }
  const body = route.body !== undefined ? interpolate(JSON.stringify(route.body), settings) : req.body;
  return { url, method: req.method, headers, body };
}

/** Forwards a proxy request upstream over real HTTP. */
export function proxyRequest(
  routes: PluginRoute[],
  settings: DataSourceSettings,
  req: ProxyRequest
): Promise<ProxyResponse> {
  const target = applyRoutes(routes, settings, req);
  if ('status' in target) {
    return Promise.resolve(target);
  }
  return new Promise((resolvePromise, reject) => {
    const upstream = httpRequest(target.url, { method: target.method, headers: target.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (typeof v === 'string') {
            headers[k] = v;
          }
        }
        resolvePromise({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    upstream.on('error', (err) => {
      // Grafana answers 502 Bad Gateway when the upstream cannot be reached.
      if (['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET'].includes((err as NodeJS.ErrnoException).code ?? '')) {
        resolvePromise({ status: 502, headers: { 'content-type': 'text/plain' }, body: 'Bad Gateway' });
      } else {
        reject(err);
      }
    });
    if (target.body !== undefined) {
      upstream.write(target.body);
    }
    upstream.end();
  });
}
