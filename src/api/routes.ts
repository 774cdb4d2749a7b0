/**
 * How the client's requests reach emnify through Grafana's data source proxy in direct mode: the
 * plugin.json routes, one per API subtree the plugin reads, and the proxy path of each request.
 *
 * Grafana matches a route by method and by a plain string prefix of the cleaned proxy path, takes the
 * first match in plugin.json order, and appends the rest of the path to the route's URL
 * (grafana/grafana pkg/api/pluginproxy/ds_proxy.go validateRequest, ds_auth_provider.go ApplyRoute).
 * A prefix cannot say "{id}/event", so what a route lets through is a whole subtree:
 * - `emnify-auth` POST → /api/v1/authenticate (the body is the route's, with the stored token);
 * - `emnify-event` GET → /api/v1/event… (the event list and the type lookup);
 * - `emnify-endpoint`, `emnify-sim`, `emnify-user` GET → /api/v1/{endpoint,sim,user}… (the scoped event
 *   lists `…/{id}/event`; the same routes reach the rest of those subtrees by GET, e.g. a SIM's record).
 * Nothing else is reachable through the proxy: no other path (organisation, service profiles, tariffs,
 * stats, …), no other method. The browser side sends only the exact paths below (proxyPath).
 */
import { EmnifyError, HttpRequest } from '@emnify-events/client';
import { DEFAULT_API_URL } from '../types';

/** The route URLs' base: the stored API URL, or the default when it is unset or empty (Go text/template). */
export const ROUTE_BASE_URL = `{{ if .JsonData.apiUrl }}{{ .JsonData.apiUrl }}{{ else }}${DEFAULT_API_URL}{{ end }}`;

export interface DirectRoute {
  /** The route's `path` in plugin.json: the first segment of the proxy path. */
  path: string;
  method: 'GET' | 'POST';
  /** The API path the route's URL ends in. */
  apiPath: string;
}

/** The direct-mode routes, in plugin.json order (test/plugin.test.ts checks plugin.json against it). */
export const DIRECT_ROUTES: readonly DirectRoute[] = [
  { path: 'emnify-auth', method: 'POST', apiPath: '/api/v1/authenticate' },
  { path: 'emnify-event', method: 'GET', apiPath: '/api/v1/event' },
  { path: 'emnify-endpoint', method: 'GET', apiPath: '/api/v1/endpoint' },
  { path: 'emnify-sim', method: 'GET', apiPath: '/api/v1/sim' },
  { path: 'emnify-user', method: 'GET', apiPath: '/api/v1/user' },
];

/** The API paths the plugin requests, and nothing else: the event list, the type lookup, the scoped lists. */
const PLUGIN_API_PATHS = /^\/api\/v1\/(?:event(?:\/type)?|(?:endpoint|sim|user)\/\d+\/event)$/;

/** The proxy path (after the data source's proxy URL) of a client request; throws for a path the plugin never requests. */
export function proxyPath(request: Pick<HttpRequest, 'kind' | 'method' | 'path'>): string {
  const route =
    request.kind === 'authenticate'
      ? DIRECT_ROUTES[0]
      : PLUGIN_API_PATHS.test(request.path)
        ? DIRECT_ROUTES.find((r) => r.method === request.method && request.path.startsWith(`${r.apiPath}`))
        : undefined;
  if (!route) {
    throw new EmnifyError(
      'EMNIFY_BAD_REQUEST',
      `Refusing to request "${request.path}": the data source reads only emnify's event lists and event types.`,
      { path: request.path }
    );
  }
  return route.path + request.path.slice(route.apiPath.length);
}
