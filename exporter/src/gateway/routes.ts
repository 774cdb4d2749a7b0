/**
 * The events gateway's allowlist: the emnify Event API read paths the data source uses
 * (../shared/emnify-api.md §2.1), matched on the raw path, case-sensitive, a trailing slash allowed (as
 * the simulator answers). Everything else under `/api/v1` is not the gateway's: 404. Pure.
 */
import { EventScope } from '@emnify-events/client';

/** Route templates: the `route` label of the gateway's metrics (ids never become label values). */
export const GATEWAY_ROUTES = [
  '/api/v1/event',
  '/api/v1/event/type',
  '/api/v1/endpoint/{id}/event',
  '/api/v1/sim/{id}/event',
  '/api/v1/user/{id}/event',
] as const;

/** The `route` label of a path outside the allowlist. */
export const OTHER_ROUTE = 'other';

export type GatewayRoute = (typeof GATEWAY_ROUTES)[number];

export type RouteMatch =
  | { kind: 'types'; route: GatewayRoute }
  /** An event list the gateway can read by scope (all, or one numeric endpoint, SIM or user id). */
  | { kind: 'list'; route: GatewayRoute; scope: EventScope }
  /** An event list whose id the client cannot express (`user/my`, a negative number): handed on as is. */
  | { kind: 'list-as-is'; route: GatewayRoute }
  /** A list path whose id is not a number: emnify answers 400 (§2.6), and so does the gateway. */
  | { kind: 'bad-id'; route: GatewayRoute; id: string };

const TYPES = /^\/api\/v1\/event\/type\/?$/;
const LIST = /^\/api\/v1\/(?:(endpoint|sim|user)\/([^/]+)\/)?event\/?$/;

/** The route of a raw request path (no query), or undefined when the gateway does not serve it. */
export function matchRoute(path: string): RouteMatch | undefined {
  if (TYPES.test(path)) {
    return { kind: 'types', route: '/api/v1/event/type' };
  }
  const list = LIST.exec(path);
  if (!list) {
    return undefined;
  }
  const kind = list[1] as 'endpoint' | 'sim' | 'user' | undefined;
  if (!kind) {
    return { kind: 'list', route: '/api/v1/event', scope: { kind: 'all' } };
  }
  const route = `/api/v1/${kind}/{id}/event` as GatewayRoute;
  const id = list[2];
  if (/^\d+$/.test(id) && Number.isSafeInteger(Number(id))) {
    return { kind: 'list', route, scope: { kind, id: Number(id) } };
  }
  if ((kind === 'user' && id === 'my') || (/^-\d+$/.test(id) && Number.isSafeInteger(Number(id)))) {
    return { kind: 'list-as-is', route };
  }
  return { kind: 'bad-id', route, id };
}
