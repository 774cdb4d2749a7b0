/**
 * The one emnify Event API client, shared by the Grafana data source, the exporter and the tests.
 * It owns authentication (auth.ts), pacing (rateLimiter.ts), retries (requester.ts), filters
 * (filter.ts), paging (paging.ts) and normalisation (normalize.ts); the transport is injected.
 */
import { TokenManager } from './auth';
import { EmnifyError, httpError } from './errors';
import { EventListParams, QueryParams, buildEventQuery } from './filter';
import { EmnifyEvent, EventTypeInfo } from './model';
import { normalizeEvent } from './normalize';
import { PagingInfo, parsePaging } from './paging';
import { EVENTS_PACING, TokenBucket } from './rateLimiter';
import { ClientObserver, RequesterDeps, endpointLabel, sendWithRetry } from './requester';
import { DEFAULT_RETRY_POLICY, RetryPolicy, sleep as defaultSleep } from './retry';
import { HttpResponse, Transport } from './transport';

/** Whose events: all of the organisation (`/api/v1/event`), or one organisation, endpoint, SIM or user. */
export type EventScope =
  { kind: 'all' } | { kind: 'organisation' | 'user'; id: number | 'my' } | { kind: 'endpoint' | 'sim'; id: number };

export interface EventQuery extends EventListParams {
  scope?: EventScope;
}

export interface EventPage {
  events: EmnifyEvent[];
  /** Items of the page that lacked an id, timestamp or type, and were skipped. */
  skipped: number;
  paging: PagingInfo;
  /** The page that was requested (the server may answer with another, e.g. past the end). */
  requestedPage: number;
}

export interface PagingOptions {
  /** Stop after this many pages (a notice-worthy truncation); default unlimited. */
  maxPages?: number;
  /** Pages fetched in parallel once the first page told the total; default 4. */
  concurrency?: number;
  /** Page 1, when the caller already read it (it is yielded, not fetched again). */
  firstPage?: EventPage;
  signal?: AbortSignal;
}

export interface EventList {
  events: EmnifyEvent[];
  /** `x-total-count` of the newest answer: how many events match the filter now. */
  totalCount: number;
  /** Pages available (`x-total-pages` of the newest answer). */
  totalPages: number;
  /** Pages read and used (a page past a shrunk result's end is not counted). */
  pagesFetched: number;
  /** True when maxPages stopped the read before the last page. */
  truncated: boolean;
  /**
   * True when `x-total-count` changed between answers: events were added or removed (e.g. aged out of the
   * 30-day retention) while the pages were read. Pages shift then, so `events` may miss some (or hold some
   * that no longer match); read again for a complete list.
   */
  changedWhilePaging: boolean;
  skipped: number;
}

/** What paging saw, beyond the pages themselves (filled in while the pages are read). */
interface PagingReport {
  /** Paging facts of the newest answer, including a page past the end that was not used. */
  newest?: PagingInfo;
  changed: boolean;
}

export interface EmnifyClientOptions {
  transport: Transport;
  /** The application token. Omit when the transport's proxy adds credentials (Grafana route). */
  applicationToken?: string;
  retry?: Partial<RetryPolicy>;
  /** Paces API requests; default `EVENTS_PACING` (under emnify's 10 requests/s, burst 5). `null` disables pacing. */
  rateLimiter?: TokenBucket | null;
  observer?: ClientObserver;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Remember a rejected application token this long before trying it again; default 5 minutes. */
  rejectionCooldownMs?: number;
}

export function scopePath(scope: EventScope = { kind: 'all' }): string {
  if (scope.kind === 'all') {
    return '/api/v1/event';
  }
  const id = scope.id;
  if (id !== 'my' && (!Number.isSafeInteger(id) || id < 0)) {
    throw new EmnifyError('EMNIFY_INVALID_FILTER', `Invalid ${scope.kind} id "${String(id)}": expected a numeric id.`);
  }
  if (id === 'my' && (scope.kind === 'endpoint' || scope.kind === 'sim')) {
    throw new EmnifyError(
      'EMNIFY_INVALID_FILTER',
      `Invalid ${scope.kind} id "my": only organisation and user scopes accept "my".`
    );
  }
  return `/api/v1/${scope.kind}/${id}/event`;
}

function parseJsonArray(response: HttpResponse, path: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    throw new EmnifyError(
      'EMNIFY_RESPONSE_SHAPE',
      `The emnify API answered ${path} with a body that is not JSON (${response.body.length} bytes).`,
      {
        path,
        status: response.status,
        retryable: true,
      }
    );
  }
  if (!Array.isArray(parsed)) {
    throw new EmnifyError('EMNIFY_RESPONSE_SHAPE', `The emnify API answered ${path} with JSON that is not an array.`, {
      path,
      status: response.status,
      retryable: true,
    });
  }
  return parsed;
}

export class EmnifyClient {
  private readonly deps: RequesterDeps;
  private readonly tokens: TokenManager;
  private readonly limiter: TokenBucket | null;

  constructor(options: EmnifyClientOptions) {
    this.deps = {
      transport: options.transport,
      policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      observer: options.observer ?? {},
      now: options.now ?? Date.now,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
    };
    this.tokens = new TokenManager(this.deps, {
      applicationToken: options.applicationToken,
      rejectionCooldownMs: options.rejectionCooldownMs,
    });
    this.limiter =
      options.rateLimiter === undefined
        ? new TokenBucket({ ...EVENTS_PACING, now: this.deps.now, sleep: this.deps.sleep })
        : options.rateLimiter;
  }

  /** Authenticates now (health checks); later calls reuse the token. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    await this.tokens.getToken(signal);
  }

  /** `GET /api/v1/event/type`: the event type lookup. */
  async getEventTypes(signal?: AbortSignal): Promise<EventTypeInfo[]> {
    const path = '/api/v1/event/type';
    const { value } = await this.get(path, {}, signal, (response) => parseJsonArray(response, path));
    return value.flatMap((item) => {
      const t = item as { id?: unknown; description?: unknown; name?: unknown };
      if (typeof t?.id !== 'number') {
        return [];
      }
      const description = typeof t.description === 'string' ? t.description : typeof t.name === 'string' ? t.name : '';
      return [{ id: t.id, description }];
    });
  }

  /** One page of events. Validation errors are thrown before any request. */
  async getEventPage(query: EventQuery, signal?: AbortSignal): Promise<EventPage> {
    const path = scopePath(query.scope);
    const params = buildEventQuery(query);
    const requestedPage = query.page ?? 1;
    const { value: items, headers } = await this.get(path, params, signal, (response) =>
      parseJsonArray(response, path)
    );
    const events: EmnifyEvent[] = [];
    let skipped = 0;
    for (const item of items) {
      try {
        events.push(normalizeEvent(item));
      } catch {
        skipped++;
      }
    }
    return { events, skipped, paging: parsePaging(headers, requestedPage, items.length), requestedPage };
  }

  /**
   * Every page of a query, in page order. The first page tells the total; the rest are fetched with
   * bounded concurrency. The newest answer's `x-total-pages` decides how far to read: a total that grows
   * while paging is followed, one that shrinks stops the reading at its new end (no page past it is
   * requested once an answer has told the new total). A page past the end (the API answers its last page
   * again) ends the reading without being yielded, so a shrinking result can never loop. Stops at `maxPages`.
   */
  iterateEventPages(query: EventQuery, options: PagingOptions = {}): AsyncGenerator<EventPage> {
    return this.readPages(query, options, { changed: false });
  }

  private async *readPages(query: EventQuery, options: PagingOptions, report: PagingReport): AsyncGenerator<EventPage> {
    const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
    const concurrency = Math.max(1, options.concurrency ?? 4);
    const first = options.firstPage ?? (await this.getEventPage({ ...query, page: 1 }, options.signal));
    report.newest = first.paging;
    yield first;
    // Ask for the page size in effect (the server may have clamped what we asked for).
    const perPage = query.perPage !== undefined ? first.paging.perPage : undefined;
    let totalPages = first.paging.totalPages;
    let next = 2;
    const inflight = new Map<number, Promise<EventPage>>();
    // Pages still in flight when the reading ends (past a shrunk result's end, an error, the consumer
    // stopping) are abandoned: their requests are aborted rather than left to finish unread.
    const abandon = new AbortController();
    const stop = () => abandon.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stop, { once: true });
    const launch = () => {
      while (inflight.size < concurrency && next <= Math.min(totalPages, maxPages)) {
        const page = next++;
        const promise = this.getEventPage({ ...query, page, perPage }, abandon.signal);
        // Avoid unhandled rejections while the page waits its turn; awaited below in order.
        promise.catch(() => undefined);
        inflight.set(page, promise);
      }
    };
    try {
      if (options.signal?.aborted) {
        stop();
      }
      launch();
      for (let page = 2; inflight.has(page); page++) {
        const result = await inflight.get(page)!;
        inflight.delete(page);
        if (result.paging.totalCount !== report.newest.totalCount) {
          report.changed = true;
        }
        report.newest = result.paging;
        // The newest answer tells how many pages there are now, up or down.
        totalPages = result.paging.totalPages;
        if (result.paging.currentPage < page) {
          // Past the end of a result that shrank: the API served its last page again. Nothing more to read.
          break;
        }
        yield result;
        launch();
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
      abandon.abort();
    }
  }

  /** All events of a query (up to `maxPages`), de-duplicated by id, in the order served. */
  async listEvents(query: EventQuery, options: PagingOptions = {}): Promise<EventList> {
    const seen = new Set<number>();
    const events: EmnifyEvent[] = [];
    const report: PagingReport = { changed: false };
    let pagesFetched = 0;
    let skipped = 0;
    for await (const page of this.readPages(query, options, report)) {
      pagesFetched++;
      skipped += page.skipped;
      for (const event of page.events) {
        if (!seen.has(event.id)) {
          seen.add(event.id);
          events.push(event);
        }
      }
    }
    const totalPages = report.newest?.totalPages ?? 0;
    const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
    return {
      events,
      totalCount: report.newest?.totalCount ?? 0,
      totalPages,
      pagesFetched,
      truncated: totalPages > pagesFetched && pagesFetched >= maxPages,
      changedWhilePaging: report.changed,
      skipped,
    };
  }

  /**
   * An authenticated GET with pacing, retries and one re-authentication on 401. `parse` runs inside
   * the retry loop, so a malformed 2xx body is retried like a failed request.
   */
  private async get<T>(
    path: string,
    query: QueryParams,
    signal: AbortSignal | undefined,
    parse: (response: HttpResponse) => T
  ): Promise<{ value: T; headers: Record<string, string> }> {
    for (let authAttempt = 0; ; authAttempt++) {
      const token = await this.tokens.getToken(signal);
      if (this.limiter) {
        const waitedMs = await this.limiter.take(signal);
        if (waitedMs > 0) {
          this.deps.observer.onRateLimitWait?.({ endpoint: endpointLabel(path), waitedMs, cause: 'client' });
        }
      }
      let refused = false;
      try {
        return await sendWithRetry(
          this.deps,
          { method: 'GET', path, query, headers: { authorization: `Bearer ${token}` }, kind: 'api', signal },
          (response) => ({ value: parse(response), headers: response.headers }),
          (response) => {
            if (response.status === 401 && authAttempt === 0) {
              refused = true;
            }
            throw httpError(response.status, response.body, path, this.tokens.secrets());
          }
        );
      } catch (err) {
        if (!refused) {
          throw err;
        }
      }
      // The JWT was refused (expired early, revoked, rotated secret): authenticate again, retry once.
      this.tokens.invalidate(token);
    }
  }
}
