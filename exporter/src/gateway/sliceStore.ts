/**
 * The gateway's time slices of event lists, per scope and filter (a "series"), held in the byte cache.
 * Reads what a range needs: the usable copies it holds (sealed ones, or unsealed ones younger than
 * max-age), the slices another request is reading right now (shared, not read twice), and the rest in
 * runs of consecutive slices, one query each (paged through the shared client at the gateway's
 * priority). A copy is sealed when it was read after its slice became sealable, by a reading that
 * covered only sealable time and whose total did not change while it was paged.
 */
import { EmnifyClient, EmnifyEvent, EventFilter, EventScope, PagingLimitError } from '@emnify-events/client';
import { StoredEvent } from './answer';
import { ByteLruCache } from './byteCache';
import { CacheKind } from './cacheKinds';
import { SliceRun, isSealable, runsOf, sliceOf, sliceStart } from './slices';

/** One slice of one series: its events in the API's order, when they were read, whether that is final. */
export interface Slice {
  events: StoredEvent[];
  readAt: number;
  sealed: boolean;
}

export interface Series {
  scope: EventScope;
  /** The filter without from/until, and its canonical `q`. */
  rest: EventFilter;
  restKey: string;
}

export interface SliceStoreOptions {
  client: EmnifyClient;
  cache: ByteLruCache<CacheKind>;
  now: () => number;
  /** The late-event horizon: a slice is sealable this long after its end. */
  horizonMs: number;
  /** How long an unsealed copy may be served. */
  maxAgeMs: number;
  /** The most events one reading may hold; more makes the request go to emnify as it is. */
  maxEvents: number;
  /** Abandons readings (the gateway closing, or a reading past its deadline). */
  signal: () => AbortSignal;
  onLookup?(hit: boolean): void;
  onShared?(): void;
}

/** The range holds events the gateway cannot place or order (no valid id or timestamp), or too many. */
export class NotSliceable extends Error {
  constructor(readonly reason: 'unreadable' | 'too-large') {
    super(reason === 'unreadable' ? 'an event without a valid id or timestamp' : 'too many events for the cache');
    this.name = 'NotSliceable';
  }
}

/** Bytes a slice is accounted for: its JSON text plus the per-event and per-entry overhead of its objects. */
export function sliceBytes(events: readonly StoredEvent[]): number {
  let bytes = 256;
  for (const e of events) {
    bytes += e.json.length + 64;
  }
  return bytes;
}

/** The per_page of slice readings: the most the API serves (§2.2 infers 1,000); learnt down if it clamps. */
const READ_PAGE_SIZE = 1000;

export class SliceStore {
  private readonly pending = new Map<string, Promise<Slice>>();
  /** The page size the API actually served to READ_PAGE_SIZE (its maximum, learnt from the answers). */
  maxPerPage = READ_PAGE_SIZE;

  constructor(private readonly options: SliceStoreOptions) {}

  /** Every slice covering `[from, until]` of `series`, in time order (read where needed). */
  async slices(series: Series, from: number, until: number): Promise<Slice[]> {
    const { cache, now, maxAgeMs } = this.options;
    const at = now();
    const seriesKey = JSON.stringify([series.scope, series.restKey]);
    const key = (slice: number) => `slice ${seriesKey} ${slice}`;
    const first = sliceOf(from);
    const last = sliceOf(until + 999);
    const found: Array<Promise<Slice> | undefined> = [];
    const missing: number[] = [];
    for (let slice = first; slice <= last; slice++) {
      const copy = cache.get<Slice>(key(slice));
      if (copy && (copy.sealed || at - copy.readAt < maxAgeMs)) {
        this.options.onLookup?.(true);
        found.push(Promise.resolve(copy));
        continue;
      }
      this.options.onLookup?.(false);
      const reading = this.pending.get(key(slice));
      if (reading) {
        this.options.onShared?.();
        found.push(reading);
        continue;
      }
      found.push(undefined);
      missing.push(slice);
    }
    for (const run of runsOf(missing, at, this.options.horizonMs)) {
      const reading = this.readRun(series, run, key);
      reading.catch(() => undefined);
      for (let slice = run.first; slice <= run.last; slice++) {
        const one = reading.then((slices) => slices.get(slice)!);
        one.catch(() => undefined);
        this.pending.set(key(slice), one);
        found[slice - first] = one;
        void one.then(
          () => this.pending.delete(key(slice)),
          () => this.pending.delete(key(slice))
        );
      }
    }
    return Promise.all(found as Array<Promise<Slice>>);
  }

  /** Reads one run with one query (all its pages), splits it into slices and keeps them in the cache. */
  private async readRun(series: Series, run: SliceRun, key: (slice: number) => string): Promise<Map<number, Slice>> {
    const { client, cache, maxEvents } = this.options;
    const readAt = this.options.now();
    const from = sliceStart(run.first);
    const end = sliceStart(run.last + 1);
    const slices = new Map<number, Slice>();
    for (let slice = run.first; slice <= run.last; slice++) {
      slices.set(slice, { events: [], readAt, sealed: false });
    }
    // `until` is the run's end itself: events there belong to the next slice and are dropped below, so
    // the slices do not depend on whether emnify's `until` covers its whole second.
    const query = {
      scope: series.scope.kind === 'all' ? undefined : series.scope,
      filter: { ...series.rest, from, until: end },
      perPage: READ_PAGE_SIZE,
    };
    let firstTotal: number | undefined;
    let changed = false;
    try {
      for await (const page of client.iterateEventPages(query, {
        maxEvents,
        onLimit: 'throw',
        concurrency: 2,
        signal: this.options.signal(),
      })) {
        if (firstTotal === undefined) {
          firstTotal = page.paging.totalCount;
          if (firstTotal > maxEvents) {
            throw new NotSliceable('too-large');
          }
          if (page.paging.perPage >= 1 && page.paging.perPage < this.maxPerPage) {
            this.maxPerPage = page.paging.perPage;
          }
        } else if (page.paging.totalCount !== firstTotal) {
          changed = true;
        }
        if (page.skipped > 0) {
          throw new NotSliceable('unreadable');
        }
        page.events.forEach((event: EmnifyEvent, i) => {
          if (event.time >= from && event.time < end) {
            slices
              .get(sliceOf(event.time))!
              .events.push({ id: event.id, time: event.time, json: JSON.stringify(page.items[i]) });
          }
        });
      }
    } catch (err) {
      throw err instanceof PagingLimitError ? new NotSliceable('too-large') : err;
    }
    const sealed = run.sealable && !changed;
    for (const [slice, copy] of slices) {
      copy.sealed = sealed && isSealable(slice, readAt, this.options.horizonMs);
      cache.set(key(slice), copy, sliceBytes(copy.events), 'slice');
    }
    return slices;
  }
}
