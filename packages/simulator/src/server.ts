/**
 * The simulator's HTTP server: emnify's authentication and Event endpoints (../shared/emnify-api.md),
 * with their headers, errors, quirks and rate limits, plus a separate `/_simulator/` surface for the
 * ground truth and runtime fault control (no auth: demo and test use only).
 */
import { randomUUID } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { RawEvent } from '@emnify-events/client';
import { EVENT_TYPE_CATALOGUE } from './catalogue';
import { DEFAULTS, SimulatorOptions } from './config';
import { FaultInjector, Faults } from './faults';
import { EventRecord, materialise } from './generator';
import { JwtIssuer } from './jwt';
import { ApiFailure, badRequest, parsePaging, parseQ, parseSort } from './query';
import { RateLimits } from './rateLimit';
import { EventStore } from './store';
import { GroundTruth, groundTruth } from './truth';
import { ORGANISATION, buildWorld } from './world';

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** The raw query string, without `?`. */
  query: string;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  port: number;
  applicationToken: string;
  close(): Promise<void>;
  setFaults(faults: Partial<Faults>): void;
  setRateLimits(on: boolean): void;
  /** Appends `count` events timestamped `now - lateByMs`, visible at once; returns them as served without drift. */
  addEvents(count: number, options?: { lateByMs?: number; typeId?: number }): RawEvent[];
  /** Ground truth over all events visible now, optionally limited by event time (ms, inclusive). */
  truth(options?: { from?: number; until?: number }): GroundTruth;
  /** API requests served (not `/_simulator`), in order. */
  requestLog(): RequestLogEntry[];
  resetRequestLog(): void;
  /** Events visible now, and events generated but not yet visible (late). */
  counts(): { visible: number; pending: number };
}

const API_HEADERS = {
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-xss-protection': '1; mode=block',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'X-Count-Per-Page, X-Current-Page, X-Sort, X-Total-Count, X-Total-Pages, Location, X-Count, X-Per-Page, X-Pages, X-Page',
};

const DEFAULT_PER_PAGE = 100;
const LOCKOUT_MS = 5 * 60_000;

type Scope = { kind: 'all' } | { kind: 'none' } | { kind: 'endpoint' | 'sim' | 'user'; id: number };

function scopeMatches(scope: Scope): ((r: EventRecord) => boolean) | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'none':
      return () => false;
    case 'endpoint':
      return (r) => r.device?.endpointId === scope.id;
    case 'sim':
      return (r) => r.device?.simId === scope.id;
    case 'user':
      return (r) => r.user?.id === scope.id;
  }
}

const EVENT_ROUTE = /^\/api\/v1\/(?:(organisation|endpoint|sim|user)\/([^/]+)\/)?event\/?$/;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? DEFAULTS.seed;
  const applicationToken = options.applicationToken ?? DEFAULTS.applicationToken;
  const maxPerPage = options.maxPerPage ?? DEFAULTS.maxPerPage;
  const tokenLifetime = options.tokenLifetimeSeconds ?? DEFAULTS.tokenLifetimeSeconds;
  const drift = options.drift ?? DEFAULTS.drift;
  let rateLimitsOn = options.rateLimits ?? DEFAULTS.rateLimits;
  const eventsPerSecond = options.eventsPerSecond ?? DEFAULTS.eventsPerSecond;

  const world = buildWorld(seed);
  const store = new EventStore(world, {
    seed,
    start: now(),
    historyMs: options.historyMs ?? DEFAULTS.historyMs,
    historyEvents: options.historyEvents ?? DEFAULTS.historyEvents,
    eventsPerSecond,
    lateFraction: options.lateFraction ?? DEFAULTS.lateFraction,
    maxLatenessMs: options.maxLatenessMs ?? DEFAULTS.maxLatenessMs,
  });
  const jwt = new JwtIssuer();
  const faults = new FaultInjector(seed, options.faults);
  let limits = new RateLimits();
  const lockouts = new Map<string, { failures: number; lockedUntil: number }>();
  let log: RequestLogEntry[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      ...API_HEADERS,
      'content-type': 'application/json; charset=utf-8',
      'x-amzn-requestid': randomUUID(),
      'x-amz-apigw-id': randomUUID().replace(/-/g, '').slice(0, 16) + '=',
      via: `1.1 ${randomUUID().replace(/-/g, '')}.cloudfront.net (CloudFront)`,
      ...headers,
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  };

  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      let size = 0;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 65536) {
          reject(badRequest('Request body too large'));
          req.destroy();
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const authenticate = async (req: IncomingMessage, res: ServerResponse, ip: string) => {
    const t = now();
    const lock = lockouts.get(ip);
    if (lock && lock.lockedUntil > t) {
      send(res, 401, { error_code: 1105, error_token: 'TooManyRequests', message: 'Too many failed authentication attempts, try again in 5 minutes' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (err) {
      if (err instanceof ApiFailure) {
        throw err;
      }
      throw badRequest('Malformed request body');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('Malformed request body');
    }
    const given = (body as { application_token?: unknown }).application_token;
    if (typeof given === 'string' && given === applicationToken) {
      lockouts.delete(ip);
      const iat = Math.floor(t / 1000);
      const token = jwt.sign({
        aud: '/api/v1/authentication',
        'esc.app': 9211,
        'esc.org': ORGANISATION.id,
        'esc.orgName': ORGANISATION.name,
        api_key: true,
        iss: 'spc-frontend001@spc-frontend',
        iat,
        exp: iat + tokenLifetime,
      });
      send(res, 200, { auth_token: token });
      return;
    }
    // Wrong token, or credentials this simulator does not hold (user/password, refresh token): 401, empty body.
    const failures = (lock?.failures ?? 0) + 1;
    lockouts.set(ip, { failures, lockedUntil: failures >= 3 ? t + LOCKOUT_MS : 0 });
    send(res, 401, undefined);
  };

  const authorise = (req: IncomingMessage): number => {
    const header = req.headers.authorization;
    if (!header || !/^Bearer\s+/i.test(header)) {
      throw new ApiFailure(401, { message: 'Unauthorized' });
    }
    const verdict = jwt.verify(header.replace(/^Bearer\s+/i, '').trim(), now());
    if (verdict === 'malformed') {
      throw new ApiFailure(401, { message: 'token contains an invalid number of segments' });
    }
    if (verdict === 'invalid') {
      throw new ApiFailure(401, { error_code: 1102, error_token: 'InvalidToken', message: 'Invalid token' });
    }
    if (verdict === 'expired') {
      throw new ApiFailure(401, { error_code: 1103, error_token: 'TokenExpired', message: 'Token expired' });
    }
    return verdict['esc.org'];
  };

  const listEvents = (req: IncomingMessage, res: ServerResponse, url: URL, scopeKind: string | undefined, scopeId: string | undefined) => {
    let scope: Scope = { kind: 'all' };
    if (scopeKind) {
      if (scopeId === 'my' && (scopeKind === 'organisation' || scopeKind === 'user')) {
        // The token's own organisation; an application token has no user of its own.
        scope = scopeKind === 'organisation' ? { kind: 'all' } : { kind: 'none' };
      } else if (!/^\d+$/.test(scopeId ?? '')) {
        throw badRequest(`Cannot parse parameter id as Long: For input string: "${scopeId}"`);
      } else if (scopeKind === 'organisation') {
        scope = Number(scopeId) === ORGANISATION.id ? { kind: 'all' } : { kind: 'none' };
      } else {
        scope = { kind: scopeKind as 'endpoint' | 'sim' | 'user', id: Number(scopeId) };
      }
    }
    const params = url.searchParams;
    const paging = parsePaging(params.get('page') ?? undefined, params.get('per_page') ?? undefined, DEFAULT_PER_PAGE, maxPerPage);
    const sort = parseSort(params.get('sort') ?? undefined);
    const q = params.get('q') ?? undefined;
    const { predicate, filtered } = parseQ(q);

    store.advance(now());
    const inScope = scopeMatches(scope);
    let records: EventRecord[] =
      !filtered && !inScope ? store.visible : store.visible.filter((r) => (!inScope || inScope(r)) && predicate(r));
    if (sort.compare) {
      records = [...records].sort(sort.compare);
    }
    const totalCount = records.length;
    const totalPages = Math.ceil(totalCount / paging.perPage);
    const page = Math.min(Math.max(paging.page, 1), Math.max(totalPages, 1));
    const slice = records.slice((page - 1) * paging.perPage, page * paging.perPage);
    const body = JSON.stringify(slice.map((r) => materialise(r, seed, drift)));

    const base = `http://${req.headers.host ?? '127.0.0.1'}${url.pathname}`;
    const linkTo = (p: number) => {
      const qs = new URLSearchParams();
      if (q !== undefined) {
        qs.set('q', q);
      }
      if (params.get('sort')) {
        qs.set('sort', sort.text);
      }
      qs.set('page', String(p));
      qs.set('per_page', String(paging.perPage));
      return `<${base}?${qs.toString()}>`;
    };
    const links: string[] = [];
    if (totalPages > 1) {
      links.push(`${linkTo(1)};rel="first"`);
      if (page > 1) {
        links.push(`${linkTo(page - 1)};rel="prev"`);
      }
      if (page < totalPages) {
        links.push(`${linkTo(page + 1)};rel="next"`);
      }
      links.push(`${linkTo(totalPages)};rel="last"`);
    }
    const headers: Record<string, string> = {
      link: links.join(', '),
      'x-count-per-page': String(paging.perPage),
      'x-current-page': String(page),
      'x-total-count': String(totalCount),
      'x-total-pages': String(totalPages),
      'x-sort': sort.text,
    };
    if (filtered && q !== undefined) {
      headers['x-filter'] = q;
    }
    const broken = faults.malform(body);
    send(res, 200, broken ?? body, headers);
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const decision = faults.next();
    if (faults.faults.latencyMs > 0) {
      await new Promise((r) => setTimeout(r, faults.faults.latencyMs));
    }
    if (decision.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (decision.kind === 'error') {
      send(res, decision.status, decision.body, { 'content-type': decision.contentType });
      return;
    }
    if (decision.kind === 'rate-limited') {
      const headers: Record<string, string> = decision.retryAfterSeconds !== undefined ? { 'retry-after': String(decision.retryAfterSeconds) } : {};
      send(res, 429, { error_code: 1105, error_token: 'TooManyRequests', message: 'Too Many Requests' }, headers);
      return;
    }
    const path = url.pathname;
    const eventRoute = EVENT_ROUTE.exec(path);
    const isAuth = path === '/api/v1/authenticate';
    if (rateLimitsOn) {
      const kind = isAuth ? 'authenticate' : eventRoute ? 'events' : 'other';
      if (!limits.allow(kind, ip, ORGANISATION.id, now())) {
        // Faithful: no Retry-After (none is documented).
        send(res, 429, { error_code: 1105, error_token: 'TooManyRequests', message: 'Too Many Requests' });
        return;
      }
    }
    if (isAuth) {
      if (req.method !== 'POST') {
        throw new ApiFailure(405, { message: 'Method Not Allowed' });
      }
      await authenticate(req, res, ip);
      return;
    }
    if (req.method !== 'GET') {
      throw new ApiFailure(405, { message: 'Method Not Allowed' });
    }
    if (path === '/api/v1/event/type' || path === '/api/v1/event/type/') {
      authorise(req);
      send(res, 200, EVENT_TYPE_CATALOGUE);
      return;
    }
    if (eventRoute) {
      authorise(req);
      listEvents(req, res, url, eventRoute[1], eventRoute[2]);
      return;
    }
    throw new ApiFailure(404, { message: 'Not Found' });
  };

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const path = url.pathname.replace(/\/$/, '');
    store.advance(now());
    if (path === '/_simulator/health') {
      json(200, { status: 'ok', visible: store.visible.length, pending: store.pendingCount });
    } else if (path === '/_simulator/truth') {
      const time = (name: string) => {
        const v = url.searchParams.get(name);
        if (v === null) {
          return undefined;
        }
        const t = Date.parse(v);
        if (Number.isNaN(t)) {
          throw new ApiFailure(400, { message: `${name} is not an ISO time` });
        }
        return t;
      };
      json(200, running.truth({ from: time('from'), until: time('until') }));
    } else if (path === '/_simulator/faults' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as Partial<Faults>;
      faults.set(body);
      json(200, faults.faults);
    } else if (path === '/_simulator/faults') {
      json(200, faults.faults);
    } else if (path === '/_simulator/events' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { count?: number; lateBySeconds?: number; typeId?: number };
      const added = running.addEvents(body.count ?? 1, { lateByMs: (body.lateBySeconds ?? 0) * 1000, typeId: body.typeId });
      json(200, added);
    } else {
      json(404, { message: 'Not Found' });
    }
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const isControl = url.pathname.startsWith('/_simulator/');
    if (!isControl) {
      res.on('finish', () => {
        log.push({ method: req.method ?? 'GET', path: url.pathname, status: res.statusCode, query: url.search.replace(/^\?/, '') });
      });
    }
    (isControl ? control(req, res, url) : api(req, res, url)).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiFailure) {
        send(res, err.status, err.body);
      } else if (err instanceof SyntaxError || err instanceof RangeError) {
        send(res, 400, { error_code: 1000, error_token: 'BadRequest', message: err.message });
      } else {
        send(res, 500, { message: 'Internal server error' });
      }
    });
  };

  const server: Server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = options.host ?? DEFAULTS.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULTS.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const timer = eventsPerSecond > 0 ? setInterval(() => store.advance(now()), 250) : undefined;
  timer?.unref();

  const running: RunningSimulator = {
    url: `http://${host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    applicationToken,
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) {
          clearInterval(timer);
        }
        server.close(() => resolve());
        for (const s of sockets) {
          s.destroy();
        }
      }),
    setFaults: (f) => faults.set(f),
    setRateLimits: (on) => {
      rateLimitsOn = on;
      limits = new RateLimits();
    },
    addEvents: (count, opts = {}) => store.add(now(), count, opts.lateByMs ?? 0, opts.typeId).map((r) => materialise(r, seed, false)),
    truth: (opts = {}) => {
      store.advance(now());
      const from = opts.from ?? -Infinity;
      const until = opts.until ?? Infinity;
      return groundTruth(store.visible.filter((r) => r.time >= from && r.time <= until));
    },
    requestLog: () => [...log],
    resetRequestLog: () => {
      log = [];
    },
    counts: () => ({ visible: store.visible.length, pending: store.pendingCount }),
  };
  return running;
}
