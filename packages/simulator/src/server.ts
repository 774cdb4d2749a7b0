/**
 * The simulator's HTTP server: wires the store, authentication, event lists, faults and rate limits to
 * routes. emnify's surface lives under `/api/v1` (../shared/emnify-api.md); the simulator's own under
 * `/_simulator` (control.ts).
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { RawEvent } from '@emnify-events/client';
import { ApiFailure, methodNotAllowed, notFound } from './apiErrors';
import { Authenticator } from './auth';
import { EVENT_TYPE_CATALOGUE } from './catalogue';
import { SimulatorOptions, resolveOptions } from './config';
import { handleControl } from './control';
import { ControlRequestError } from './errors';
import { EVENT_LIST_ROUTE, listEvents } from './events';
import { FaultInjector, Faults } from './faults';
import { clientIp, readBody, sendApi, sendJson } from './http';
import { materialise } from './materialise';
import { RateLimits } from './rateLimit';
import { SelectionCache } from './selection';
import { EventStore } from './store';
import { GroundTruth, groundTruth } from './truth';
import { Organisation, buildWorld } from './world';

export interface RequestLogEntry {
  method: string;
  path: string;
  /** HTTP status answered; 0 when the connection was dropped (fault) or closed before an answer. */
  status: number;
  /** The raw query string, without `?`. */
  query: string;
}

export interface RunningSimulator {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  port: number;
  applicationToken: string;
  /** The organisation the application token sees: every event's `organisation`. */
  organisation: Readonly<Organisation>;
  /** Closes the server, the live timer and keep-alive sockets. */
  close(): Promise<void>;
  setFaults(faults: Partial<Faults>): void;
  setRateLimits(on: boolean): void;
  /** Appends `count` events timestamped `now - lateByMs` (default 0), visible at once; returns them as served without drift. */
  addEvents(count: number, options?: { lateByMs?: number; typeId?: number }): RawEvent[];
  /**
   * Drops the `count` visible events with the lowest ids now, as the 30-day retention does when they age
   * out (a result that shrinks while it is paged); returns how many were dropped.
   */
  expireEvents(count: number): number;
  /** Ground truth over all events visible now, optionally limited by event time (ms, both inclusive). */
  truth(options?: { from?: number; until?: number }): GroundTruth;
  /** API requests (not `/_simulator`), in the order they were answered. */
  requestLog(): RequestLogEntry[];
  resetRequestLog(): void;
  /** Events visible now, and live events generated but not yet visible (late ones in flight). */
  counts(): { visible: number; pending: number };
}

const TOO_MANY_REQUESTS = { error_code: 1105, error_token: 'TooManyRequests', message: 'Too Many Requests' };
/** How often live arrivals are generated without requests (they are also generated on each request). */
const LIVE_TICK_MS = 250;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const o = resolveOptions(options);
  const { now, seed, applicationToken, drift, eventsPerSecond } = o;
  let rateLimitsOn = o.rateLimits;

  const organisation: Readonly<Organisation> = { id: o.organisationId, name: o.organisationName };
  const faults = new FaultInjector(seed, o.faults);
  const store = new EventStore(buildWorld(seed, organisation), {
    seed,
    start: now(),
    historyMs: o.historyMs,
    historyEvents: o.historyEvents,
    eventsPerSecond,
    lateFraction: o.lateFraction,
    maxLatenessMs: o.maxLatenessMs,
    idOrder: o.idOrder,
  });
  const listContext = {
    store,
    cache: new SelectionCache(),
    seed,
    drift,
    maxPerPage: o.maxPerPage,
    organisationId: organisation.id,
  };
  const auth = new Authenticator({ applicationToken, tokenLifetimeSeconds: o.tokenLifetimeSeconds, now, organisation });
  let limits = new RateLimits();
  let log: RequestLogEntry[] = [];

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const ip = clientIp(req);
    const decision = faults.next();
    if (faults.faults.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, faults.faults.latencyMs));
    }
    switch (decision.kind) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'error':
        sendApi(res, decision.status, decision.body, { 'content-type': decision.contentType });
        return;
      case 'rate-limited':
        // Injected bursts may carry Retry-After (a test knob); the real limits below never do.
        sendApi(
          res,
          429,
          TOO_MANY_REQUESTS,
          decision.retryAfterSeconds !== undefined ? { 'retry-after': String(decision.retryAfterSeconds) } : {}
        );
        return;
      case 'none':
        break;
    }
    const path = url.pathname;
    const isAuthenticate = path === '/api/v1/authenticate' || path === '/api/v1/authenticate/';
    const isEventList = EVENT_LIST_ROUTE.test(path);
    if (
      rateLimitsOn &&
      !limits.allow(isAuthenticate ? 'authenticate' : isEventList ? 'events' : 'other', ip, organisation.id, now())
    ) {
      sendApi(res, 429, TOO_MANY_REQUESTS);
      return;
    }
    if (isAuthenticate) {
      if (req.method !== 'POST') {
        throw methodNotAllowed();
      }
      const outcome = auth.authenticate(await readBody(req), ip);
      // The recorded authenticate answer spells the charset in upper case (§1.1).
      sendApi(res, outcome.status, outcome.body, { 'content-type': 'application/json; charset=UTF-8' });
      return;
    }
    const isTypeLookup = path === '/api/v1/event/type' || path === '/api/v1/event/type/';
    if (!isEventList && !isTypeLookup) {
      throw notFound();
    }
    if (req.method !== 'GET') {
      throw methodNotAllowed();
    }
    auth.authorise(req.headers.authorization);
    if (isTypeLookup) {
      sendApi(res, 200, EVENT_TYPE_CATALOGUE);
      return;
    }
    store.advance(now());
    const answer = listEvents(listContext, path, url.searchParams, `http://${req.headers.host ?? 'localhost'}`);
    sendApi(res, 200, faults.malform(answer.body) ?? answer.body, answer.headers);
  };

  const running: RunningSimulator = {
    url: '',
    port: 0,
    applicationToken,
    organisation,
    close: () => Promise.resolve(),
    setFaults: (f) => faults.set(f),
    setRateLimits: (on) => {
      rateLimitsOn = on;
      limits = new RateLimits();
    },
    addEvents: (count, opts = {}) =>
      store.add(now(), count, opts.lateByMs ?? 0, opts.typeId).map((r) => materialise(r, seed, false)),
    expireEvents: (count) => {
      if (!Number.isSafeInteger(count) || count < 0) {
        throw new ControlRequestError('count: expected a whole number of 0 or more');
      }
      return store.expireOldest(now(), count);
    },
    truth: (opts = {}) => {
      store.advance(now());
      const from = opts.from ?? -Infinity;
      const until = opts.until ?? Infinity;
      return groundTruth(
        opts.from === undefined && opts.until === undefined
          ? store.visible
          : store.visible.filter((r) => r.time >= from && r.time <= until)
      );
    },
    requestLog: () => [...log],
    resetRequestLog: () => {
      log = [];
    },
    counts: () => {
      store.advance(now());
      return { visible: store.visible.length, pending: store.pendingCount };
    },
  };

  const controlTarget = {
    health: () => {
      const { visible, pending } = running.counts();
      return {
        status: 'ok' as const,
        visible,
        pending,
        newestId: store.visible.length > 0 ? store.visible[store.visible.length - 1].id : null,
      };
    },
    truth: (o: { from?: number; until?: number }) => running.truth(o),
    faults: () => ({ ...faults.faults }),
    setFaults: (f: Partial<Faults>) => faults.set(f),
    addEvents: (count: number, o: { lateByMs?: number; typeId?: number }) => running.addEvents(count, o),
    expireEvents: (count: number) => running.expireEvents(count),
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith('/_simulator/') || url.pathname === '/_simulator') {
      handleControl(controlTarget, req, res, url).catch(() => {
        if (!res.headersSent) {
          sendJson(res, 500, { message: 'Internal simulator error' });
        }
      });
      return;
    }
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 0,
      query: url.search.replace(/^\?/, ''),
    };
    res.on('finish', () => {
      entry.status = res.statusCode;
      log.push(entry);
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        log.push(entry); // dropped: status 0
      }
    });
    api(req, res, url).catch((err: unknown) => {
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      if (err instanceof ApiFailure) {
        sendApi(res, err.status, err.body, err.headers);
      } else {
        sendApi(res, 500, { message: 'Internal Server Error' });
      }
    });
  };

  const server: Server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = o.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const timer = eventsPerSecond > 0 ? setInterval(() => store.advance(now()), LIVE_TICK_MS) : undefined;
  timer?.unref();

  const urlHost = host.includes(':') ? `[${host === '::' ? '::1' : host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  running.url = `http://${urlHost}:${port}`;
  running.port = port;
  running.close = () =>
    new Promise<void>((resolve) => {
      if (timer) {
        clearInterval(timer);
      }
      server.close(() => resolve());
      for (const s of sockets) {
        s.destroy();
      }
    });
  return running;
}
