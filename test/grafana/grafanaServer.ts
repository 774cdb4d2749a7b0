/**
 * The Grafana server as the Jest tests reach it: an in-process `fetch` for the backend_srv stand-in
 * (backendSrv.ts) that answers `api/datasources/proxy/uid/<uid>/<proxy path>` with the data source proxy
 * stand-in (proxy.ts), for one data source. No HTTP between the browser side and Grafana (there is real
 * HTTP from the proxy to the upstream); the browser tests' host (test/browser/harness.ts) serves the same
 * proxy over HTTP.
 */
import { FetchLike, ResponseLike, createBackendSrv, headersOf } from './backendSrv';
import { DataSourceSettings, PluginRoute, ProxyAnswer, ProxyOptions, pluginRoutes, proxyRequest } from './proxy';

/** Where Grafana is served from; backend_srv resolves its relative URLs against it. */
export const GRAFANA_ORIGIN = 'http://grafana.test';

/** pkg/api/datasourceproxy/datasourceproxy.go proxyPathRegexp: what is left after it is the proxy path. */
export const PROXY_PREFIX = /^\/api\/datasources\/proxy\/([\d]+|uid\/[\w-]+)\/?/;

/** The data source's URL in the frontend settings (pkg/api/frontendsettings.go): its proxy URL. */
export const instanceUrl = (uid: string) => `/api/datasources/proxy/uid/${uid}`;

export interface GrafanaServer {
  fetch: FetchLike;
  /** Every proxied request: method, proxy path (with query) and the answer. */
  proxied: Array<{ method: string; path: string; answer: ProxyAnswer }>;
}

export function grafanaServer(
  uid: string,
  settings: DataSourceSettings,
  options: ProxyOptions & { routes?: PluginRoute[] } = {}
): GrafanaServer {
  const routes = options.routes ?? pluginRoutes();
  const proxied: GrafanaServer['proxied'] = [];
  const respond = (url: string, answer: ProxyAnswer, statusText: string): ResponseLike => ({
    status: answer.status,
    statusText,
    ok: answer.status >= 200 && answer.status < 300,
    headers: headersOf(answer.headers),
    url,
    redirected: false,
    type: 'basic',
    text: () => Promise.resolve(answer.body),
  });
  const fetch: FetchLike = async (relative, init) => {
    const url = new URL(relative, `${GRAFANA_ORIGIN}/`);
    const prefix = PROXY_PREFIX.exec(url.pathname);
    if (!prefix || prefix[1] !== `uid/${uid}`) {
      return respond(
        url.href,
        { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not found"}' },
        'Not Found'
      );
    }
    const path = url.pathname.slice(prefix[0].length) + url.search;
    const answer = await proxyRequest(
      routes,
      settings,
      { path, method: init.method ?? 'GET', headers: init.headers, body: init.body, signal: init.signal },
      options
    );
    proxied.push({ method: init.method ?? 'GET', path, answer });
    return respond(url.href, answer, STATUS_TEXT[answer.status] ?? '');
  };
  return { fetch, proxied };
}

/** The status texts the browser's fetch reports for the statuses these tests meet. */
export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  499: '',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A backend_srv stand-in wired to an in-process Grafana server for one data source. */
export function grafanaBackend(
  uid: string,
  settings: DataSourceSettings,
  options: ProxyOptions & { routes?: PluginRoute[] } = {}
) {
  const server = grafanaServer(uid, settings, options);
  return { server, backendSrv: createBackendSrv(server.fetch) };
}
