/**
 * How the client's requests reach emnify through Grafana's data source proxy: the plugin.json routes of
 * both connection modes (connection.ts), and the proxy path of each request.
 *
 * Grafana matches a route by method and by a plain string prefix of the cleaned proxy path, takes the
 * first match in plugin.json order, and appends the rest of the path to the route's URL
 * (grafana/grafana pkg/api/pluginproxy/ds_proxy.go validateRequest, ds_auth_provider.go ApplyRoute).
 * No route name is a prefix of another, so the order decides nothing. A prefix cannot say "{id}/event",
 * so what a route lets through is a whole subtree. Each route tests the mode in its templates
 * (IF_GATEWAY) and renders an empty URL in the other mode: the proxy
 * then answers 502 itself and nothing leaves Grafana (Go's client refuses a URL without scheme and host).
 *
 * | route              | method | direct mode                                                      | gateway mode                        |
 * | ------------------ | ------ | ---------------------------------------------------------------- | ----------------------------------- |
 * | `emnify-auth`      | POST   | emnify /api/v1/authenticate, body = the stored application token | nothing sent (502)                  |
 * | `emnify-event`     | GET    | emnify /api/v1/event… (list, type lookup), the browser's JWT     | nothing sent (502)                  |
 * | `emnify-endpoint`, `emnify-sim`, `emnify-user` | GET | emnify /api/v1/{endpoint,sim,user}… with the browser's JWT | nothing sent (502) |
 * | `gateway-event`    | GET    | nothing sent (502)                                               | gateway /api/v1/event…, + token     |
 * | `gateway-endpoint`, `gateway-sim`, `gateway-user` | GET | nothing sent (502)                              | gateway /api/v1/{endpoint,sim,user}…, + token |
 *
 * "+ token": the route sets `Authorization: Bearer <stored gateway token>`. No other path and no other
 * method matches a route: the proxy sends it to the data source's own URL, which is empty (502). The
 * gateway itself answers only its allowlist (the event list, the type lookup, the scoped event lists),
 * 404 to every other path and 405 to every other method. The browser side sends only the exact paths of
 * proxyPath.
 */
import { EmnifyError, HttpRequest } from '@emnify-events/client';
import { ConnectionMode, DEFAULT_API_URL } from '../types';

/** The route URLs' base in direct mode: the stored API URL, or the default when it is unset or empty (Go text/template). */
export const ROUTE_BASE_URL = `{{ if .JsonData.apiUrl }}{{ .JsonData.apiUrl }}{{ else }}${DEFAULT_API_URL}{{ end }}`;

/**
 * The templates' test of the mode (Go's `eq`: a missing key is unequal, not an error). The literal is a Go
 * raw string (backquotes): Grafana templates a route `body` as the JSON text of plugin.json, where a `"`
 * would arrive escaped as `\"` and fail to parse (which would leave the body out).
 */
export const IF_GATEWAY = '{{ if eq .JsonData.connection `gateway` }}';

export interface ProxyRoute {
  /** The route's `path` in plugin.json: the first segment of the proxy path. */
  path: string;
  method: 'GET' | 'POST';
  /** The API path the route's URL ends in. */
  apiPath: string;
  mode: ConnectionMode;
}

/** The direct-mode routes, in plugin.json order. */
export const DIRECT_ROUTES: readonly ProxyRoute[] = [
  { path: 'emnify-auth', method: 'POST', apiPath: '/api/v1/authenticate', mode: 'direct' },
  { path: 'emnify-event', method: 'GET', apiPath: '/api/v1/event', mode: 'direct' },
  { path: 'emnify-endpoint', method: 'GET', apiPath: '/api/v1/endpoint', mode: 'direct' },
  { path: 'emnify-sim', method: 'GET', apiPath: '/api/v1/sim', mode: 'direct' },
  { path: 'emnify-user', method: 'GET', apiPath: '/api/v1/user', mode: 'direct' },
];

/** The gateway-mode routes, after the direct ones in plugin.json. */
export const GATEWAY_ROUTES: readonly ProxyRoute[] = [
  { path: 'gateway-event', method: 'GET', apiPath: '/api/v1/event', mode: 'gateway' },
  { path: 'gateway-endpoint', method: 'GET', apiPath: '/api/v1/endpoint', mode: 'gateway' },
  { path: 'gateway-sim', method: 'GET', apiPath: '/api/v1/sim', mode: 'gateway' },
  { path: 'gateway-user', method: 'GET', apiPath: '/api/v1/user', mode: 'gateway' },
];

/** A route as plugin.json declares it. */
export interface PluginJsonRoute {
  path: string;
  method: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
  body?: Record<string, string>;
}

/** `then` in gateway mode, `otherwise` in direct mode (Go text/template). */
const byMode = (then: string, otherwise: string) =>
  `${IF_GATEWAY}${then}${otherwise === '' ? '' : `{{ else }}${otherwise}`}{{ end }}`;

/** The plugin.json `routes`, exactly (test/plugin.test.ts compares src/plugin.json with it). */
export function pluginJsonRoutes(): PluginJsonRoute[] {
  const direct = DIRECT_ROUTES.map((r): PluginJsonRoute => {
    const route: PluginJsonRoute = { path: r.path, method: r.method, url: byMode('', `${ROUTE_BASE_URL}${r.apiPath}`) };
    if (r.method === 'POST') {
      route.headers = [{ name: 'Content-Type', content: 'application/json' }];
      route.body = { application_token: byMode('', '{{ .SecureJsonData.applicationToken }}') };
    }
    return route;
  });
  const gateway = GATEWAY_ROUTES.map((r): PluginJsonRoute => ({
    path: r.path,
    method: r.method,
    url: byMode(`{{ .JsonData.gatewayUrl }}${r.apiPath}`, ''),
    headers: [{ name: 'Authorization', content: byMode('Bearer {{ .SecureJsonData.gatewayToken }}', '') }],
  }));
  return [...direct, ...gateway];
}

/** The API paths the plugin requests, and nothing else: the event list, the type lookup, the scoped lists. */
const PLUGIN_API_PATHS = /^\/api\/v1\/(?:event(?:\/type)?|(?:endpoint|sim|user)\/\d+\/event)$/;

/**
 * The proxy path (after the data source's proxy URL) of a client request in `mode`; throws for a path
 * the plugin never requests, and for authentication in gateway mode (nothing to authenticate there).
 */
export function proxyPath(request: Pick<HttpRequest, 'kind' | 'method' | 'path'>, mode: ConnectionMode): string {
  const routes = mode === 'gateway' ? GATEWAY_ROUTES : DIRECT_ROUTES;
  const route =
    request.kind === 'authenticate'
      ? routes.find((r) => r.apiPath === '/api/v1/authenticate')
      : PLUGIN_API_PATHS.test(request.path)
        ? routes.find((r) => r.method === request.method && request.path.startsWith(r.apiPath))
        : undefined;
  if (!route) {
    throw new EmnifyError(
      'EMNIFY_BAD_REQUEST',
      request.kind === 'authenticate'
        ? 'Refusing to authenticate through the events gateway: the gateway route adds its token itself.'
        : `Refusing to request "${request.path}": the data source reads only emnify's event lists and event types.`,
      { path: request.path }
    );
  }
  return route.path + request.path.slice(route.apiPath.length);
}
