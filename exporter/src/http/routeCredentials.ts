/**
 * Which credential guards which route: the one list of the exporter's authentication design. Every
 * route has exactly one credential, checked before anything of the request but its header section is
 * read:
 *
 * - The routes of OWN_CREDENTIAL_ROUTES each have their own credential (a bearer token); basic auth does
 *   not apply to them. A route whose credential is not configured is off: 404, body unread.
 * - Every other path (Prometheus' `/`, `/metrics`, `/-/healthy`, `/-/ready`, and unknown paths) is behind
 *   the web config's basic auth when it has users (as node_exporter), and open otherwise.
 * - TLS client certificates (web config `client_auth_type`) apply below all of this, to every route.
 *
 * Prefixes are matched case-insensitively on a segment boundary: a superset of the paths express routes
 * to them (its routing ignores case and a trailing slash), so no spelling reaches a route unguarded.
 */
import type { RequestHandler } from 'express';
import { BasicAuthVerifier } from './basicAuth';
import { hasBody, refuse } from './refuse';
import { bearerTokenOf, sameSecret } from './secrets';

/** Whether the `Authorization` header carries the route's credential. */
export type CredentialCheck = (authorization: string | undefined) => boolean;

/** Which route a refusal was for (a metric label): basic auth's routes are `prometheus`. */
export type GuardedRoute = 'prometheus' | 'datastreamer' | 'gateway';

export interface OwnCredentialRoute {
  /** Path prefix, e.g. `/datastreamer`. */
  prefix: string;
  route: Exclude<GuardedRoute, 'prometheus'>;
  /** The check; undefined while the route is off (no credential configured): 404. */
  check?: CredentialCheck;
  /** The 404's body while the route is off, in the route's own contract. */
  off: Record<string, string>;
  /** The 401's body and `WWW-Authenticate` challenge, in the route's own contract. */
  unauthorized: { body: Record<string, string>; challenge: string };
  /** Whether its handlers read request bodies; a body sent to any other route is never read (the connection closes after the answer). */
  takesBody: boolean;
}

/** A bearer token check (constant time); undefined without a token, which leaves the route off. */
export function bearerToken(token: string | undefined): CredentialCheck | undefined {
  if (!token) {
    return undefined;
  }
  return (authorization) => sameSecret(bearerTokenOf(authorization) ?? '', token);
}

/** The credentials of the routes that have their own (everything here is configured by the exporter's settings). */
export interface RouteTokens {
  /** EXPORTER_DATASTREAMER_TOKEN(_FILE). */
  dataStreamer?: string;
  /** The events gateway's own bearer token (issue #13, EXPORTER_GATEWAY_TOKEN(_FILE)). */
  gateway?: string;
}

/** The one list: path prefix → its own credential. */
export function ownCredentialRoutes(tokens: RouteTokens): OwnCredentialRoute[] {
  return [
    {
      prefix: '/datastreamer',
      route: 'datastreamer',
      check: bearerToken(tokens.dataStreamer),
      off: { error: 'The Data Streamer endpoint is off: set EXPORTER_DATASTREAMER_TOKEN(_FILE) to enable it.' },
      unauthorized: { body: { error: 'Missing or wrong bearer token.' }, challenge: 'Bearer' },
      takesBody: true,
    },
    {
      prefix: '/api/v1',
      route: 'gateway',
      check: bearerToken(tokens.gateway),
      // emnify's error body shape (`message`), which the shared client reads.
      off: { message: 'The events gateway is off: set EXPORTER_GATEWAY_TOKEN(_FILE) to enable it.' },
      unauthorized: {
        body: {
          message:
            "Missing or wrong gateway token: send Authorization: Bearer <the exporter's EXPORTER_GATEWAY_TOKEN>.",
        },
        challenge: 'Bearer realm="emnify events gateway"',
      },
      takesBody: false,
    },
  ];
}

/** The own-credential route `path` belongs to, if any. */
export function ownRouteOf(routes: readonly OwnCredentialRoute[], path: string): OwnCredentialRoute | undefined {
  const lower = path.toLowerCase();
  return routes.find((r) => lower === r.prefix || lower.startsWith(`${r.prefix}/`));
}

export interface GuardHooks {
  /** A request refused: 401 (`unauthorized`) or 503 (`busy`: too many bcrypt comparisons waiting). */
  onRefused?(route: GuardedRoute, reason: 'unauthorized' | 'busy'): void;
}

export const BASIC_REALM = 'Basic realm="emnify-events-exporter"';

/** The first middleware: every request passes its route's credential here, or is answered without its body being read. */
export function guardRoutes(
  routes: readonly OwnCredentialRoute[],
  basicAuth: BasicAuthVerifier | undefined,
  hooks: GuardHooks = {}
): RequestHandler {
  return (req, res, next) => {
    const own = ownRouteOf(routes, req.path);
    if (!own?.takesBody && hasBody(req)) {
      // Prometheus' routes, unknown paths and GET-only routes read no body: whatever answers must not
      // drain one either (Node would, to keep the connection alive).
      res.setHeader('Connection', 'close');
    }
    if (own) {
      if (!own.check) {
        refuse(req, res, 404, own.off);
      } else if (own.check(req.headers.authorization)) {
        next();
      } else {
        hooks.onRefused?.(own.route, 'unauthorized');
        refuse(req, res, 401, own.unauthorized.body, { 'WWW-Authenticate': own.unauthorized.challenge });
      }
      return;
    }
    if (!basicAuth?.enabled) {
      next();
      return;
    }
    basicAuth.verify(req.headers.authorization).then(
      (result) => {
        if (result === 'ok') {
          next();
        } else if (result === 'busy') {
          hooks.onRefused?.('prometheus', 'busy');
          refuse(req, res, 503, 'Too many password checks under way; retry shortly.\n', { 'Retry-After': '1' });
        } else {
          hooks.onRefused?.('prometheus', 'unauthorized');
          refuse(req, res, 401, 'Unauthorized\n', { 'WWW-Authenticate': BASIC_REALM });
        }
      },
      (err: unknown) => next(err)
    );
  };
}
