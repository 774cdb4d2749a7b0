/**
 * The one emnify Event API client, shared by the Grafana data source, the exporter and the tests.
 * It owns authentication (auth.ts), pacing (rateLimiter.ts), retries (requester.ts), filters
 * (filter.ts), paging (paging.ts) and normalisation (normalize.ts); the transport is injected.
 */
import { TokenManager } from './auth';
import { EmnifyError, httpError } from './errors';
import { EventListParams, QueryParams, buildEventQuery } from './filter';
import { EmnifyEvent, EventTypeInfo } from './model';
import {
  NormalizeOptions,
  RejectionCounts,
  addRejectionCounts,
  normalizeEvents,
  truncateLabelValue,
} from './normalize';
import { PagingInfo, parsePaging } from './paging';
import { EVENTS_PACING, RequestPriority, TokenBucket } from './rateLimiter';
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
  /**
   * The page's items as the API sent them (parsed JSON, before normalisation), in the API's order. When
   * `skipped` is 0, `items[i]` is the item `events[i]` was read from.
   */
  items: unknown[];
  /** Items of the page refused by normalizeEvent (no valid id, timestamp or type), and skipped. */
  skipped: number;
  /** The skipped items by rejection code (EventRejectionCode → count; absent codes did not occur). */
  skippedByReason: RejectionCounts;
  /** Events of the page kept with label texts cut to the bound (MAX_LABEL_VALUE_LENGTH). */
  truncatedLabels: number;
  paging: PagingInfo;
  /** The page that was requested (the server may answer with another, e.g. past the end). */
  requestedPage: number;
}

/** Which bound ended a reading early. */
export type PagingLimit = 'maxPages' | 'maxEvents';

/**
 * Pages per reading when the caller sets no `maxPages`: 10,000 (10 million events at 1,000 per page, the
 * exporter's largest window). A server whose page list never ends (or whose `x-total-pages` keeps
 * growing) cannot hold a reader longer than that.
 */
export const DEFAULT_MAX_PAGES_PER_READ = 10_000;

export interface PagingOptions {
  /** Read at most this many pages; default DEFAULT_MAX_PAGES_PER_READ (10,000). */
  maxPages?: number;
  /**
   * Stop once this many items were read (events plus skipped items). The page that reaches the bound is
   * still delivered whole, so a reading holds at most `maxEvents` plus one page. Default unbounded.
   */
  maxEvents?: number;
  /**
   * What reaching `maxPages` or `maxEvents` with pages left does. `throw` (iterateEventPages' default):
   * after the last page within the bound, a PagingLimitError (EMNIFY_PAGING_LIMIT), so a caller that must
   * not lose events cannot mistake the part for the whole. `stop` (listEvents' default): end quietly;
   * listEvents reports `truncated` and `truncatedBy`.
   */
  onLimit?: 'throw' | 'stop';
  /** Pages fetched in parallel once the first page told the total; default 4. */
  concurrency?: number;
  /**
   * The page the reading starts at; default 1. A reading that continues an earlier one of the same query
   * (whose pages 1 to startPage - 1 were read) starts past them. A start past the last page (the API
   * answers its last page again) yields nothing. `maxPages` counts the pages of this reading.
   */
  startPage?: number;
  /**
   * Where an earlier reading of the same query stopped (`readPositionOf` the page the caller read last):
   * this reading continues after that page, which it neither requests nor yields again. It counts as
   * the reading's first page for `maxPages` and `maxEvents`, and its paging facts let the next pages be
   * requested in parallel at once. A position, not the page: the reading never keeps the caller's page
   * (its events and raw items) alive. Takes precedence over `startPage`.
   */
  after?: ReadPosition;
  signal?: AbortSignal;
}

/** Where a reading stopped: the page it read last, as the API answered it (PagingOptions.after). */
export interface ReadPosition {
  /** That page's number (its `requestedPage`). */
  page: number;
  /** Its answer's paging facts: how many pages and events there are, in which page size. */
  paging: PagingInfo;
  /** Its items (events plus skipped items), which count toward `maxEvents`. */
  items: number;
}

/** Where a reading that stopped after `page` continues (PagingOptions.after). */
export function readPositionOf(page: EventPage): ReadPosition {
  return { page: page.requestedPage, paging: page.paging, items: page.events.length + page.skipped };
}

export interface EventList {
  events: EmnifyEvent[];
  /** `x-total-count` of the newest answer: how many events match the filter now. */
  totalCount: number;
  /** Pages available (`x-total-pages` of the newest answer). */
  totalPages: number;
  /** Pages read and used (a page past a shrunk result's end is not counted). */
  pagesFetched: number;
  /** True when maxPages or maxEvents stopped the read before the last page. */
  truncated: boolean;
  /** The bound that stopped it, when truncated. */
  truncatedBy?: PagingLimit;
  /**
   * True when `x-total-count` changed between answers: events were added or removed (e.g. aged out of the
   * 30-day retention) while the pages were read. Pages shift then, so `events` may miss some (or hold some
   * that no longer match); read again for a complete list.
   */
  changedWhilePaging: boolean;
  skipped: number;
  /** Skipped items by rejection code, over all pages. */
  skippedByReason: RejectionCounts;
  /** Events kept with label texts cut to the bound, over all pages. */
  truncatedLabels: number;
}

/**
 * A reading stopped at `maxPages` or `maxEvents` while the API announced more (iterateEventPages with
 * `onLimit: 'throw'`). The pages within the bound were delivered; the rest were not read. Not retryable:
 * the same reading would stop at the same bound; narrow it (a shorter time window) or raise the bound.
 */
export class PagingLimitError extends EmnifyError {
  readonly limit: PagingLimit;
  /** The bound's value. */
  readonly bound: number;
  readonly pagesRead: number;
  /** Items read (events plus skipped items). */
  readonly eventsRead: number;
  /** `x-total-pages` and `x-total-count` of the newest answer. */
  readonly totalPages: number;
  readonly totalCount: number;

  constructor(
    path: string,
    facts: {
      limit: PagingLimit;
      bound: number;
      pagesRead: number;
      eventsRead: number;
      totalPages: number;
      totalCount: number;
    }
  ) {
    super(
      'EMNIFY_PAGING_LIMIT',
      `Stopped reading ${path} at ${facts.limit}=${facts.bound} after ${facts.pagesRead} page(s) and ${facts.eventsRead} event(s), while the API announced ${facts.totalPages} page(s) and ${facts.totalCount} event(s). The events read so far were delivered, the rest were not read: narrow the reading (a shorter time window, more filters) or raise ${facts.limit}.`,
      { path, retryable: false }
    );
    this.name = 'PagingLimitError';
    this.limit = facts.limit;
    this.bound = facts.bound;
    this.pagesRead = facts.pagesRead;
    this.eventsRead = facts.eventsRead;
    this.totalPages = facts.totalPages;
    this.totalCount = facts.totalCount;
  }
}

/** What paging saw, beyond the pages themselves (filled in while the pages are read). */
interface PagingReport {
  /** Paging facts of the newest answer, including a page past the end that was not used. */
  newest?: PagingInfo;
  changed: boolean;
  /** The bound that ended the reading with pages left. */
  stoppedBy?: PagingLimit;
}

export interface EmnifyClientOptions {
  transport: Transport;
  /** The application token. Omit when the transport's proxy adds credentials (Grafana route). */
  applicationToken?: string;
  /**
   * Send `Authorization: Bearer <bearerToken>` and never authenticate: for a server that takes its own
   * token instead of emnify's JWT (the exporter's events gateway). A 401 is then final (nothing to
   * refresh); `applicationToken` is not used.
   */
  bearerToken?: string;
  /**
   * The transport adds the credential to every call (a proxy holding it, e.g. the Grafana plugin's route
   * to the events gateway): send no Authorization header and never authenticate. A 401 is then final.
   */
  credentialByTransport?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Paces API requests; default `EVENTS_PACING` (under emnify's 10 requests/s, burst 5). `null` disables pacing. */
  rateLimiter?: TokenBucket | null;
  observer?: ClientObserver;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Remember a rejected application token this long before trying it again; default 5 minutes. */
  rejectionCooldownMs?: number;
  /**
   * Event checks for pages (normalizeEvent's options). With `maxFutureSkewMs` set, events more than that
   * ahead of `now()` are refused (EVENT_TIME_IN_FUTURE); without it, no clock check (the default: a
   * browser's clock is unknown, and a reading of a past window holds no future events).
   */
  eventChecks?: { maxFutureSkewMs?: number; maxLabelLength?: number };
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

/** A 401 to a static bearer: the server (the events gateway) refused its token; re-authenticating cannot help. */
function staticBearerRefused(response: HttpResponse, path: string, secrets: Array<string | undefined>): EmnifyError {
  const generic = httpError(response.status, response.body, path, secrets);
  const quoted = generic.apiMessage ? `: "${generic.apiMessage}"` : '';
  return new EmnifyError(
    'EMNIFY_UNAUTHORIZED',
    `${path} answered 401${quoted}. The server refused the bearer token: check the events gateway token (the exporter's EXPORTER_GATEWAY_TOKEN and the token this client sends).`,
    { status: 401, apiMessage: generic.apiMessage, apiErrorToken: generic.apiErrorToken, path }
  );
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

/** A paging bound as given: a positive number (Infinity for none). */
function pagingBound(name: PagingLimit, value: number): number {
  if (!(value >= 1)) {
    throw new RangeError(`${name} must be at least 1, not ${value}.`);
  }
  return value;
}

/** What a view made by `EmnifyClient.share` changes: its priority in the shared pacing, an observer of its own. */
export interface SharedClientOptions {
  /** Its place in the shared rate limiter: `low` yields to the owner's `high` (TokenBucket). */
  priority?: RequestPriority;
  /** Sees the view's own requests (the owner's observer sees them too). */
  observer?: ClientObserver;
}

/** Both observers, each called for every event. */
function bothObservers(a: ClientObserver, b: ClientObserver): ClientObserver {
  return {
    onRequest: (info) => (a.onRequest?.(info), b.onRequest?.(info)),
    onRetry: (info) => (a.onRetry?.(info), b.onRetry?.(info)),
    onRateLimitWait: (info) => (a.onRateLimitWait?.(info), b.onRateLimitWait?.(info)),
    onAuthenticate: (info) => (a.onAuthenticate?.(info), b.onAuthenticate?.(info)),
  };
}

export class EmnifyClient {
  private readonly deps: RequesterDeps;
  private readonly tokens: TokenManager;
  private readonly limiter: TokenBucket | null;
  private readonly eventChecks: EmnifyClientOptions['eventChecks'];
  private readonly priority: RequestPriority;

  /** `shared` is for `share()` only: the owner's token manager, limiter and request dependencies. */
  constructor(
    options: EmnifyClientOptions,
    shared?: { tokens: TokenManager; limiter: TokenBucket | null; deps: RequesterDeps; priority: RequestPriority }
  ) {
    this.eventChecks = options.eventChecks;
    this.priority = shared?.priority ?? 'high';
    this.deps = shared?.deps ?? {
      transport: options.transport,
      policy: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      observer: options.observer ?? {},
      now: options.now ?? Date.now,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
    };
    this.tokens =
      shared?.tokens ??
      new TokenManager(this.deps, {
        applicationToken: options.applicationToken,
        staticBearer: options.bearerToken,
        credentialByTransport: options.credentialByTransport,
        rejectionCooldownMs: options.rejectionCooldownMs,
      });
    this.limiter =
      shared !== undefined
        ? shared.limiter
        : options.rateLimiter === undefined
          ? new TokenBucket({ ...EVENTS_PACING, now: this.deps.now, sleep: this.deps.sleep })
          : options.rateLimiter;
  }

  /**
   * A view of this client for another caller of the same organisation: the same JWT (one authentication),
   * the same pacing (one budget), its own priority in that pacing and its own observer. The exporter's
   * events gateway reads through `share({ priority: 'low' })`, so the poller's requests go first.
   */
  share(options: SharedClientOptions): EmnifyClient {
    const deps = options.observer
      ? { ...this.deps, observer: bothObservers(this.deps.observer, options.observer) }
      : this.deps;
    return new EmnifyClient(
      { transport: this.deps.transport, eventChecks: this.eventChecks },
      { tokens: this.tokens, limiter: this.limiter, deps, priority: options.priority ?? this.priority }
    );
  }

  /**
   * The credentials this client holds now (application token, current JWT, static bearer): strings a
   * caller that hands API answers on must never send on or log (redactSecrets).
   */
  secrets(): Array<string | undefined> {
    return this.tokens.secrets();
  }

  /** Authenticates now (health checks); later calls reuse the token. Nothing to do with a static bearer. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    await this.tokens.getToken(signal);
  }

  /** `GET /api/v1/event/type`: the event type lookup. */
  async getEventTypes(signal?: AbortSignal): Promise<EventTypeInfo[]> {
    const path = '/api/v1/event/type';
    const { value } = await this.get(path, {}, signal, (response) => parseJsonArray(response, path));
    const maxLabelLength = this.eventChecks?.maxLabelLength;
    return value.flatMap((item) => {
      const t = item as { id?: unknown; description?: unknown; name?: unknown };
      if (typeof t?.id !== 'number' || !Number.isSafeInteger(t.id) || t.id < 0) {
        return [];
      }
      const description = typeof t.description === 'string' ? t.description : typeof t.name === 'string' ? t.name : '';
      // The lookup's spelling becomes the event_type label: bounded like the events' own texts.
      return [{ id: t.id, description: truncateLabelValue(description, maxLabelLength) }];
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
    const { events, skipped, skippedByReason, truncatedLabels, firstRejection } = normalizeEvents(
      items,
      this.normalizeOptions()
    );
    if (skipped > 0 || truncatedLabels > 0) {
      this.deps.observer.onEventsRefused?.({
        endpoint: endpointLabel(path),
        byReason: skippedByReason,
        truncatedLabels,
        firstRejection,
      });
    }
    return {
      events,
      items,
      skipped,
      skippedByReason,
      truncatedLabels,
      paging: parsePaging(headers, requestedPage, items.length),
      requestedPage,
    };
  }

  private normalizeOptions(): NormalizeOptions {
    const checks = this.eventChecks;
    if (!checks) {
      return {};
    }
    return {
      now: checks.maxFutureSkewMs !== undefined ? this.deps.now() : undefined,
      maxFutureSkewMs: checks.maxFutureSkewMs,
      maxLabelLength: checks.maxLabelLength,
    };
  }

  /**
   * Every page of a query, in page order. The first page tells the total; the rest are fetched with
   * bounded concurrency. The newest answer's `x-total-pages` decides how far to read: a total that grows
   * while paging is followed, one that shrinks stops the reading at its new end (no page past it is
   * requested once an answer has told the new total). A page past the end (the API answers its last page
   * again) ends the reading without being yielded, so a shrinking result can never loop. Bounded by
   * `maxPages` (default 10,000) and `maxEvents`: reaching one with pages left throws a PagingLimitError after
   * the last page within it (or ends quietly with `onLimit: 'stop'`).
   */
  iterateEventPages(query: EventQuery, options: PagingOptions = {}): AsyncGenerator<EventPage> {
    return this.readPages(query, { onLimit: 'throw', ...options }, { changed: false });
  }

  private async *readPages(query: EventQuery, options: PagingOptions, report: PagingReport): AsyncGenerator<EventPage> {
    const maxPages = pagingBound('maxPages', options.maxPages ?? DEFAULT_MAX_PAGES_PER_READ);
    const maxEvents = pagingBound('maxEvents', options.maxEvents ?? Number.POSITIVE_INFINITY);
    const concurrency = Math.max(1, options.concurrency ?? 4);
    const start = options.after?.page ?? options.startPage ?? 1;
    if (!Number.isSafeInteger(start) || start < 1) {
      throw new RangeError(`startPage must be a whole number from 1, not ${start}.`);
    }
    // No page is held past its yield (only its position and paging facts): a consumer that is done with a
    // page lets it go, whatever the reading still has to do (a window's pages are megabytes each).
    let first: EventPage | undefined;
    let at = options.after;
    if (at === undefined) {
      first = await this.getEventPage({ ...query, page: start }, options.signal);
      at = readPositionOf(first);
    }
    report.newest = at.paging;
    if (at.paging.currentPage < start) {
      // Started past the end: the API answered its last page again, which an earlier reading had.
      return;
    }
    if (first !== undefined) {
      yield first;
      first = undefined;
    }
    // Ask for the page size in effect (the server may have clamped what we asked for).
    const perPage = query.perPage !== undefined ? at.paging.perPage : undefined;
    const expectedPerPage = Math.max(1, at.paging.perPage);
    let totalPages = at.paging.totalPages;
    let pagesRead = 1;
    /** The number of the last page this reading may request, and of the last one read. */
    const lastAllowed = start - 1 + maxPages;
    const lastRead = () => start - 1 + pagesRead;
    let itemsRead = at.items;
    // At a bound with pages left: say so (report), and throw unless told to stop quietly.
    const atBound = (): boolean => {
      const limit: PagingLimit | undefined =
        itemsRead >= maxEvents ? 'maxEvents' : pagesRead >= maxPages ? 'maxPages' : undefined;
      if (limit === undefined || lastRead() >= totalPages) {
        return false;
      }
      report.stoppedBy = limit;
      if (options.onLimit === 'throw') {
        throw new PagingLimitError(scopePath(query.scope), {
          limit,
          bound: limit === 'maxEvents' ? maxEvents : maxPages,
          pagesRead,
          eventsRead: itemsRead,
          totalPages,
          totalCount: report.newest?.totalCount ?? 0,
        });
      }
      return true;
    };
    let next = start + 1;
    const inflight = new Map<number, Promise<EventPage>>();
    // Pages still in flight when the reading ends (past a shrunk result's end, a bound, an error, the
    // consumer stopping) are abandoned: their requests are aborted rather than left to finish unread.
    const abandon = new AbortController();
    const stop = () => abandon.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stop, { once: true });
    // No page past maxPages, and none that maxEvents would not need if the pages in flight come full.
    const launch = () => {
      while (
        inflight.size < concurrency &&
        next <= Math.min(totalPages, lastAllowed) &&
        itemsRead + inflight.size * expectedPerPage < maxEvents
      ) {
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
      if (atBound()) {
        return;
      }
      launch();
      for (let page = start + 1; inflight.has(page); page++) {
        let result: EventPage | undefined = await inflight.get(page)!;
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
        pagesRead++;
        itemsRead += result.events.length + result.skipped;
        yield result;
        result = undefined;
        if (atBound()) {
          return;
        }
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
    const skippedByReason: RejectionCounts = {};
    let pagesFetched = 0;
    let skipped = 0;
    let truncatedLabels = 0;
    for await (const page of this.readPages(query, { onLimit: 'stop', ...options }, report)) {
      pagesFetched++;
      skipped += page.skipped;
      addRejectionCounts(skippedByReason, page.skippedByReason);
      truncatedLabels += page.truncatedLabels;
      for (const event of page.events) {
        if (!seen.has(event.id)) {
          seen.add(event.id);
          events.push(event);
        }
      }
    }
    return {
      events,
      totalCount: report.newest?.totalCount ?? 0,
      totalPages: report.newest?.totalPages ?? 0,
      pagesFetched,
      truncated: report.stoppedBy !== undefined,
      truncatedBy: report.stoppedBy,
      changedWhilePaging: report.changed,
      skipped,
      skippedByReason,
      truncatedLabels,
    };
  }

  /**
   * One authenticated GET of any API path, answered as the API answered it: the 2xx answer, or the
   * non-2xx one that is final (not retryable, or retries exhausted), with its status, headers and body
   * (a 401 first re-authenticates once, as every call does). Paced and retried like every call; network
   * failures and timeouts still throw. For callers that hand the API's answer on (the exporter's events
   * gateway); everything else uses the typed methods.
   */
  async request(path: string, query: QueryParams, signal?: AbortSignal): Promise<HttpResponse> {
    let failure: HttpResponse | undefined;
    try {
      const { value } = await this.get(
        path,
        query,
        signal,
        (response) => response,
        (response) => {
          failure = response;
        }
      );
      return value;
    } catch (err) {
      if (failure) {
        return failure;
      }
      throw err;
    }
  }

  /**
   * An authenticated GET with pacing, retries and one re-authentication on 401. `parse` runs inside
   * the retry loop, so a malformed 2xx body is retried like a failed request. `onFinalFailure` sees a
   * final non-2xx answer before it is thrown as an EmnifyError.
   */
  private async get<T>(
    path: string,
    query: QueryParams,
    signal: AbortSignal | undefined,
    parse: (response: HttpResponse) => T,
    onFinalFailure?: (response: HttpResponse) => void
  ): Promise<{ value: T; headers: Record<string, string> }> {
    for (let authAttempt = 0; ; authAttempt++) {
      const token = await this.tokens.getToken(signal);
      if (this.limiter) {
        const waitedMs = await this.limiter.take(signal, this.priority);
        if (waitedMs > 0) {
          this.deps.observer.onRateLimitWait?.({ endpoint: endpointLabel(path), waitedMs, cause: 'client' });
        }
      }
      let refused = false;
      try {
        return await sendWithRetry(
          this.deps,
          {
            method: 'GET',
            path,
            query,
            headers: token === '' ? {} : { authorization: `Bearer ${token}` },
            kind: 'api',
            signal,
          },
          (response) => ({ value: parse(response), headers: response.headers }),
          (response) => {
            if (response.status === 401 && authAttempt === 0 && !this.tokens.isStatic) {
              refused = true;
            } else {
              onFinalFailure?.(response);
            }
            if (response.status === 401 && this.tokens.isStatic) {
              throw staticBearerRefused(response, path, this.tokens.secrets());
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
