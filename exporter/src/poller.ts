/**
 * Background polling of the Event API. Each poll reads frozen windows
 * `[floorSecond(watermark - overlap), floorSecond(now - settle)]` (at most `maxWindow` long, so a backlog
 * is caught up window by window), pages through each in the API's stable id order, hands every page to
 * the ledger, and advances the watermark only once every page of the window was read. Scrapes never
 * trigger API calls.
 */
import { EmnifyClient, EmnifyError, EventFilter, EventPage } from '@emnify-events/client';
import { Ledger, floorSecond } from './ledger';
import { Logger } from './logger';

export interface PollerOptions {
  pollIntervalMs: number;
  settleMs: number;
  maxWindowMs: number;
  /** A window holding more events than this is shortened (memory of remembered ids stays bounded). */
  maxWindowEvents: number;
  pageSize: number;
  pageConcurrency: number;
  eventTypes: number[];
  now?: () => number;
}

export interface PollerHooks {
  onPoll?(info: { ok: boolean; durationMs: number; windows: number; events: number; error?: Error }): void;
  onPage?(info: { counted: number; duplicates: number; late: number; newestEventTime?: number }): void;
  onTypesLoaded?(count: number): void;
}

export class Poller {
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private abort = new AbortController();
  private stopped = false;
  private typesLoadedAt = 0;

  constructor(
    private readonly client: EmnifyClient,
    private readonly ledger: Ledger,
    private readonly options: PollerOptions,
    private readonly logger: Logger,
    private readonly hooks: PollerHooks = {}
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Whether the type lookup is loaded (counting waits for it, so one type never becomes two series). */
  get ready(): boolean {
    return this.ledger.typeNames.size > 0;
  }

  private async loadTypes(signal: AbortSignal): Promise<void> {
    // Refresh the lookup hourly: new types appear rarely, and the spelling per id must stay stable.
    if (this.ready && this.now() - this.typesLoadedAt < 3_600_000) {
      return;
    }
    const types = await this.client.getEventTypes(signal);
    if (types.length === 0) {
      throw new EmnifyError('EMNIFY_RESPONSE_SHAPE', 'The event type lookup (/api/v1/event/type) is empty.');
    }
    this.ledger.typeNames.addMissing(types);
    this.typesLoadedAt = this.now();
    this.hooks.onTypesLoaded?.(this.ledger.typeNames.size);
  }

  /**
   * Reads page 1 of `[from, until]`; while the part past the watermark holds more than `maxWindowEvents`
   * events (estimated at the window's mean density), shortens that part in proportion (at most 5 times).
   * A sparse backlog is so read in few large windows (requests ≈ pages), a dense one in windows whose ids
   * fit in memory. The overlap before the watermark is read whatever it holds (it is where late events
   * appear) and is never shortened: the window always ends at least one second past the watermark, so
   * every window advances it, even when the overlap alone holds more than `maxWindowEvents` events.
   */
  private async sizeWindow(
    from: number,
    until: number,
    signal: AbortSignal
  ): Promise<{ until: number; first: EventPage; filter: EventFilter }> {
    const watermark = this.ledger.watermark;
    const shortest = floorSecond(watermark) + 1000;
    for (let attempt = 0; ; attempt++) {
      const filter: EventFilter = { from, until };
      if (this.options.eventTypes.length > 0) {
        filter.type = this.options.eventTypes;
      }
      const first = await this.client.getEventPage({ filter, perPage: this.options.pageSize, page: 1 }, signal);
      const total = first.paging.totalCount;
      const span = until - from;
      const pastWatermark = (total * (until - watermark)) / span;
      if (pastWatermark <= this.options.maxWindowEvents || attempt >= 5 || until <= shortest) {
        return { until, first, filter };
      }
      until = Math.max(shortest, floorSecond(watermark + (span * this.options.maxWindowEvents) / total));
    }
  }

  /** One poll: every window from the watermark up to now - settle. */
  async pollOnce(signal: AbortSignal = this.abort.signal): Promise<void> {
    const started = this.now();
    let windows = 0;
    let events = 0;
    try {
      await this.loadTypes(signal);
      for (;;) {
        const from = this.ledger.windowStart();
        const end = floorSecond(this.now() - this.options.settleMs);
        let until = Math.min(end, from + this.options.maxWindowMs);
        if (until <= this.ledger.watermark) {
          break;
        }
        const { until: windowEnd, first, filter } = await this.sizeWindow(from, until, signal);
        until = windowEnd;
        for await (const page of this.client.iterateEventPages(
          { filter, perPage: this.options.pageSize },
          { concurrency: this.options.pageConcurrency, signal, firstPage: first }
        )) {
          const result = this.ledger.ingest(page.events, 'poll');
          events += page.events.length;
          const newest = page.events.reduce((m, e) => Math.max(m, e.time), -Infinity);
          this.hooks.onPage?.({ ...result, newestEventTime: Number.isFinite(newest) ? newest : undefined });
          if (page.skipped > 0) {
            this.logger.warn('skipped events without id, timestamp or type', {
              skipped: page.skipped,
              page: page.requestedPage,
            });
          }
        }
        this.ledger.completeWindow(until);
        windows++;
        if (until >= end || signal.aborted) {
          break;
        }
      }
      this.hooks.onPoll?.({ ok: true, durationMs: this.now() - started, windows, events });
      this.logger.debug('poll done', { windows, events, watermark: new Date(this.ledger.watermark).toISOString() });
    } catch (err) {
      const error = err as Error;
      this.hooks.onPoll?.({ ok: false, durationMs: this.now() - started, windows, events, error });
      if (!signal.aborted) {
        this.logger.error('poll failed; the window is read again next time', {
          error: error.message,
          code: (err as EmnifyError).code,
          watermark: new Date(this.ledger.watermark).toISOString(),
        });
      }
    }
  }

  /** Polls now and then every interval, until stop(). */
  start(): void {
    const loop = () => {
      if (this.stopped) {
        return;
      }
      this.running = this.pollOnce().finally(() => {
        this.running = undefined;
        if (!this.stopped) {
          this.timer = setTimeout(loop, this.options.pollIntervalMs);
        }
      });
    };
    loop();
  }

  /** Abandons a running poll cleanly (its window stays unfinished, so it is read again) and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.abort.abort();
    await this.running;
  }
}
