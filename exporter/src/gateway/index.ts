/**
 * The events gateway: emnify's Event API read endpoints, served by the exporter under the same paths
 * (`/api/v1/...`) with emnify's request and response contract, behind a token of its own, upstream
 * through the exporter's one client (one JWT, one budget, the poller first). See exporter/README.md,
 * "Events gateway".
 *
 * Order of every request: the gateway token (401, checked before this handler by the exporter's route
 * guard, http/routeCredentials.ts), the allowlist (404), the method (405), then the
 * answer: the type lookup, an event list assembled from time slices, or one handed to emnify as is.
 * No request body is ever read; no emnify credential is ever in an answer, a header or a log line.
 */
import { EmnifyClient, EmnifyError, EventScope, HttpResponse, redactSecrets } from '@emnify-events/client';
import type { Request, RequestHandler, Response } from 'express';
import { Logger } from '../logger';
import { GatewayMetrics } from '../metrics/gateway';
import { AsIsReader } from './asIs';
import { ByteLruCache } from './byteCache';
import { CACHE_KINDS, CacheKind } from './cacheKinds';
import { ListParams, ListPlan, planList } from './listRequest';
import { SlicedLists } from './lists';
import { OTHER_ROUTE, matchRoute } from './routes';
import { NotSliceable, SliceStore } from './sliceStore';

/** Where the gateway is mounted: emnify's own API prefix, so a client pointed at the exporter works unchanged. */
export const GATEWAY_PREFIX = '/api/v1';

/** The public token of the demo stack (secrets/demo-gateway-token): the exporter warns when it guards a gateway. */
export const DEMO_GATEWAY_TOKEN = 'emnify-events-demo-gateway-token';

/** How long one reading from emnify may take, waiting for the budget included, before the gateway gives up (503). */
export const UPSTREAM_DEADLINE_MS = 25_000;

/** Bytes of cache per event a range may hold: more events than cache size / this are handed on as is. */
export const CACHE_BYTES_PER_EVENT = 4096;

export interface GatewayOptions {
  /** The exporter's client, shared at low priority (EmnifyClient.share). */
  client: EmnifyClient;
  metrics: GatewayMetrics;
  logger: Logger;
  now: () => number;
  /** The late-event horizon: the poller's overlap plus its settle time. */
  horizonMs: number;
  /** How old an answer about time that still changes may be. */
  maxAgeMs: number;
  cacheBytes: number;
  /** Strings never to send on (the application token, the JWT): blanked out of emnify's error texts. */
  secrets: () => Array<string | undefined>;
}

export interface Gateway {
  handler: RequestHandler;
  /** Abandons readings in flight (shutdown). */
  close(): void;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

const NOT_FOUND = json(404, {
  message:
    'Not Found: the events gateway serves GET /api/v1/event, /api/v1/event/type and /api/v1/{endpoint|sim|user}/{id}/event.',
});
const METHOD_NOT_ALLOWED = json(
  405,
  { message: 'Method Not Allowed: the events gateway is read-only (GET).' },
  { allow: 'GET' }
);

/** emnify's answer to a non-numeric id in the path (../shared/emnify-api.md §2.6). */
const badId = (id: string) =>
  json(400, {
    error_code: 1000,
    error_token: 'BadRequest',
    message: `Cannot parse parameter id as Long: For input string: "${id}"`,
  });

/** `<https://cdn.emnify.net/api/v1/...>` → `<origin/api/v1/...>`: links lead back to the gateway. */
function relink(link: string, origin: string): string {
  return link.replace(/<[a-z][a-z0-9+.-]*:\/\/[^/>]*/gi, `<${origin}`);
}

/**
 * The request's path (raw: not decoded, case kept, as emnify routes it; express's mount matched it
 * case-insensitively) and query; undefined for a request target no URL parser takes.
 */
function requestUrl(target: string): URL | undefined {
  try {
    return new URL(target, 'http://gateway');
  } catch {
    return undefined;
  }
}

export function createGateway(options: GatewayOptions): Gateway {
  const { metrics, logger, now } = options;
  const closing = new AbortController();
  const signal = () => AbortSignal.any([closing.signal, AbortSignal.timeout(UPSTREAM_DEADLINE_MS)]);
  const cache = new ByteLruCache<CacheKind>(options.cacheBytes, CACHE_KINDS, {
    onChange: (bytes, entries) => metrics.cacheState(bytes, entries),
    onEvict: (kind) => metrics.cacheEvicted(kind),
  });
  const maxEvents = Math.max(1000, Math.floor(options.cacheBytes / CACHE_BYTES_PER_EVENT));
  const store = new SliceStore({
    client: options.client,
    cache,
    now,
    horizonMs: options.horizonMs,
    maxAgeMs: options.maxAgeMs,
    maxEvents,
    signal,
    onLookup: (hit) => metrics.cacheLookup('slice', hit),
    onShared: () => metrics.shared(),
  });
  const lists = new SlicedLists({
    store,
    cache,
    now,
    maxAgeMs: options.maxAgeMs,
    maxEvents,
    onLookup: (kind, hit) => metrics.cacheLookup(kind, hit),
    onShared: () => metrics.shared(),
  });
  const asIs = new AsIsReader({
    client: options.client,
    cache,
    now,
    maxAgeMs: options.maxAgeMs,
    signal,
    onLookup: (kind, hit) => metrics.cacheLookup(kind, hit),
    onShared: () => metrics.shared(),
  });

  /** emnify's answer as the gateway sends it on: its links lead back here, no credential in its text. */
  const handedOn = (response: HttpResponse, origin: string): Answer => {
    if (response.status === 401 || response.status === 403) {
      // The exporter's own credential was refused: not the caller's problem, and not its token's.
      return json(502, {
        message: `emnify refused the exporter's credentials (${response.status}): check the exporter's application token and its role.`,
      });
    }
    const headers = { ...response.headers };
    if (headers.link) {
      headers.link = relink(headers.link, origin);
    }
    const body = response.status >= 400 ? redactSecrets(response.body, options.secrets()) : response.body;
    return { status: response.status, headers, body };
  };

  /** A reading that failed without an HTTP answer to hand on. */
  const failure = (err: unknown, route: string): Answer => {
    const text = redactSecrets(err instanceof Error ? err.message : String(err), options.secrets());
    const code = (err as EmnifyError).code;
    if (closing.signal.aborted) {
      return json(503, { message: 'The exporter is shutting down.' });
    }
    if (code === 'EMNIFY_ABORTED' || (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError') {
      logger.warn('gateway: a reading from emnify took longer than its deadline', { route });
      return json(
        503,
        {
          message: `The emnify API budget is busy: no answer within ${UPSTREAM_DEADLINE_MS / 1000} s (the exporter's poller goes first). Try again shortly.`,
        },
        { 'retry-after': '5' }
      );
    }
    logger.warn('gateway: reading from emnify failed', { route, error: text, code });
    if (err instanceof EmnifyError && err.status === 429) {
      // emnify kept answering 429 through every retry: say so as emnify does.
      return json(429, { error_code: 1105, error_token: 'TooManyRequests', message: 'Too Many Requests' });
    }
    if (code === 'EMNIFY_TIMEOUT') {
      return json(504, { message: text });
    }
    if (err instanceof EmnifyError) {
      return json(502, { message: text });
    }
    logger.error('gateway: request failed', { route, error: text });
    return json(500, { message: 'Internal error of the events gateway.' });
  };

  /** An event list: assembled from slices when the plan allows (`scope` known), else emnify's own answer. */
  const listAnswer = async (req: Request, url: URL, scope: EventScope | undefined): Promise<Answer> => {
    const origin = `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    const params: ListParams = {};
    for (const name of ['q', 'sort', 'page', 'per_page'] as const) {
      const value = url.searchParams.get(name);
      if (value !== null) {
        params[name] = value;
      }
    }
    const plan: ListPlan = scope ? planList(params, now()) : { kind: 'as-is', reason: 'scope' };
    if (plan.kind === 'as-is' || !scope) {
      metrics.handedOn(plan.kind === 'as-is' ? plan.reason : 'scope');
      return handedOn(await asIs.list(url.pathname, params), origin);
    }
    try {
      const page = await lists.page(plan, scope, { origin, path: url.pathname, q: params.q, sort: params.sort });
      return { status: 200, headers: page.headers, body: page.body };
    } catch (err) {
      // What slices cannot answer exactly (an event without id or timestamp, a range past the cache,
      // emnify refusing a slice reading) is asked of emnify as it is: its answer is the truth.
      if (err instanceof NotSliceable) {
        metrics.handedOn(err.reason);
      } else if (err instanceof EmnifyError && err.status !== undefined && err.status < 500 && err.status !== 429) {
        metrics.handedOn('refused');
      } else {
        throw err;
      }
    }
    return handedOn(await asIs.list(url.pathname, params), origin);
  };

  const answer = async (req: Request, url: URL | undefined): Promise<{ route: string; answer: Answer }> => {
    const match = url && matchRoute(url.pathname);
    const route = match?.route ?? OTHER_ROUTE;
    if (!match || !url) {
      return { route, answer: NOT_FOUND };
    }
    if (req.method !== 'GET') {
      return { route, answer: METHOD_NOT_ALLOWED };
    }
    try {
      switch (match.kind) {
        case 'types':
          return { route, answer: handedOn(await asIs.types(), '') };
        case 'bad-id':
          return { route, answer: badId(match.id) };
        case 'list':
          return { route, answer: await listAnswer(req, url, match.scope) };
        case 'list-as-is':
          return { route, answer: await listAnswer(req, url, undefined) };
      }
    } catch (err) {
      return { route, answer: failure(err, route) };
    }
  };

  const send = (res: Response, { status, headers, body }: Answer) => {
    res.writeHead(status, { ...headers, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handler: RequestHandler = (req, res) => {
    const started = process.hrtime.bigint();
    answer(req, requestUrl(req.originalUrl)).then(
      ({ route, answer: result }) => {
        send(res, result);
        metrics.requestDone(route, result.status, Number(process.hrtime.bigint() - started) / 1e9);
      },
      (err: unknown) => {
        logger.error('gateway: request failed', { error: redactSecrets(String(err), options.secrets()) });
        send(res, json(500, { message: 'Internal error of the events gateway.' }));
        metrics.requestDone(OTHER_ROUTE, 500, Number(process.hrtime.bigint() - started) / 1e9);
      }
    );
  };

  return { handler, close: () => closing.abort() };
}
