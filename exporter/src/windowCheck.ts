/**
 * The count check of one poll window (pure; the poller does the requests). A window is the API query
 * `[from, until]` (second precision, the filter's format). Its answers carry `x-total-count`: how many
 * events it holds now. The check compares that count with the events we know the window holds, and the
 * poller reads pages (newest first) only until the two agree. Why it is sound (exporter/README.md, "How
 * exactly-once works", has the whole argument):
 *
 * - Known events are certainly in the window: events an answer of this window returned (or, for the
 *   window's first second, the oldest-first answer of a window with the same `from`), and ids a poll
 *   returned earlier whose time lies in `[from + 1 s, until)`. That interval is inside the window whatever
 *   the API does at its edges (inclusive or exclusive bounds, at millisecond or second precision), so
 *   nothing here rests on how emnify rounds `from`/`until`, on the order of its ids, or on pushes (an id
 *   only a push has shown is never known: the push can precede the API).
 * - Events shown by the API stay (emnify-api.md documents no deletion but the 30-day retention) with their
 *   timestamp and id. So the known events are a subset of what the window holds at the newest answer; if
 *   their number equals that answer's `x-total-count`, they are all of it: no event is missing.
 */
/** What the check needs of an event: its id and time. */
export interface EventKey {
  readonly id: number;
  readonly time: number;
}

/** How the poller sorts a window: newest first for the check's reading, oldest first for its first page. */
export const NEWEST_FIRST = '-timestamp,-id';
export const OLDEST_FIRST = 'timestamp,id';

/** The ids a poll returned earlier, with their event times (the ledger). */
export interface PolledIds {
  isPolled(id: number): boolean;
  polledIds(): Iterable<[number, number]>;
}

/** How a window's check ended. */
export type CheckResult =
  /** The count agreed after the pages of the new events (or at once). */
  | 'agreed'
  /** The count differed; more pages were read until it agreed (late events, or events added while paging). */
  | 'read_more'
  /**
   * Events came into the window while it was read, so its count did not agree; the part of the window that
   * leaves the overlap with this poll was read until its own count agreed, and the next poll checks the rest.
   */
  | 'came_while_read'
  /** The API counted fewer events than we know it showed: events vanished (retention). Window completed. */
  | 'fewer_than_known'
  /** Every page was read and the API still counted more: events added while paging. Window completed. */
  | 'unresolved';

export const CHECK_RESULTS: readonly CheckResult[] = [
  'agreed',
  'read_more',
  'came_while_read',
  'fewer_than_known',
  'unresolved',
];

/** What is known of the events one window holds. */
export class WindowKnowledge {
  /** Ids a poll returned before this window, with a time certainly inside it. */
  private readonly base: number;
  /** Events returned for this window (id → time). */
  private readonly returned = new Map<number, number>();
  /** Of `returned`, those not in `base`. */
  private extra = 0;
  /** Items of pages refused by the client (no valid id or time), by page number: seen, but not as events. */
  private readonly refused = new Map<number, number>();
  private newestTotal?: number;

  /**
   * `certainFrom`: where the events certainly in the window begin; `from + 1 s` unless the API's cut of the
   * first second is known (FromEdge).
   */
  constructor(
    readonly from: number,
    readonly until: number,
    private readonly ids: PolledIds,
    readonly certainFrom: number = from + 1000
  ) {
    let base = 0;
    for (const [, time] of ids.polledIds()) {
      if (this.inside(time)) {
        base++;
      }
    }
    this.base = base;
  }

  /** A time inside the window whatever the API does at its edges. */
  inside(time: number): boolean {
    return time >= this.certainFrom && time < this.until;
  }

  /**
   * Events an answer of this window returned (or any events certainly in it). Call before the ledger
   * ingests them: whether a poll had returned an id decides whether `base` counts it already.
   */
  add(events: readonly EventKey[]): void {
    for (const e of events) {
      if (this.returned.has(e.id)) {
        continue;
      }
      this.returned.set(e.id, e.time);
      if (!(this.inside(e.time) && this.ids.isPolled(e.id))) {
        this.extra++;
      }
    }
  }

  /**
   * The events answers of this window returned whose time is before `end`: they are in the window
   * `[from, end]` too (the same `from`, so the same first second; `end` a whole second).
   */
  returnedBefore(end: number): EventKey[] {
    const keys: EventKey[] = [];
    for (const [id, time] of this.returned) {
      if (time < end) {
        keys.push({ id, time });
      }
    }
    return keys;
  }

  /** Items of page `page` the client refused: in the API's count, never events we can know. */
  refusedOn(page: number, items: number): void {
    this.refused.set(page, Math.max(this.refused.get(page) ?? 0, items));
  }

  /**
   * An answer's `x-total-count`. Events only come, so the largest is the newest (answers read in parallel
   * may arrive out of order). One below an earlier one means events vanished (the 30-day retention): then
   * counts prove nothing, and the window is read to its end (`shrank`).
   */
  total(count: number): void {
    if (this.newestTotal !== undefined && count !== this.newestTotal) {
      this.changed = true;
      if (count < this.newestTotal) {
        this.shrank = true;
      }
    }
    this.newestTotal = Math.max(this.newestTotal ?? 0, count);
  }

  /** Whether the answers counted different numbers of events (events came or went while it was read). */
  changed = false;

  /** Whether an answer counted fewer events than an earlier one: events vanished while the window was read. */
  shrank = false;

  get hasTotal(): boolean {
    return this.newestTotal !== undefined;
  }

  get known(): number {
    let refused = 0;
    for (const n of this.refused.values()) {
      refused += n;
    }
    return this.base + this.extra + refused;
  }

  /** Events the API counts in the window that we do not know: 0 when the check agrees, < 0 when events vanished. */
  get unseen(): number {
    return (this.newestTotal ?? 0) - this.known;
  }
}

/**
 * The end of a window shortened so that its part past the watermark holds about `maxEvents` events, given
 * that `[from, until]` holds `pastWatermark` of them (at most) at an even density; never before one second
 * past the watermark, so every window advances it.
 */
export function shortenedUntil(watermark: number, until: number, pastWatermark: number, maxEvents: number): number {
  const shortest = Math.floor(watermark / 1000) * 1000 + 1000;
  if (pastWatermark <= maxEvents || until <= shortest) {
    return until;
  }
  const end = Math.floor((watermark + ((until - watermark) * maxEvents) / pastWatermark) / 1000) * 1000;
  return Math.min(until, Math.max(shortest, end));
}

/**
 * How the API cuts a window's first second. emnify-api.md gives `from` only as `YYYY-MM-DDTHH:mm:ssZ` and
 * does not say whether it is inclusive, or compared at millisecond or second precision. Whatever it does,
 * we assume it does it the same way for every window: an event `o` milliseconds into `from`'s second is
 * in the window exactly when `o >= c`, for one cut `c` from 0 to 1000. An answer that returned such an
 * event proves `c <= o`; so after one did, events at or after the smallest such offset are certainly in
 * every window, and a window's first second needs no oldest-first page to be known (as long as no polled
 * id lies before that offset, where the API may or may not count it).
 *
 * The assumption is checked wherever an answer shows a first second whole (the oldest-first page of a
 * window, which the poller still reads when a window is not steady): a polled id at or after the offset
 * that the page does not hold, or a check that knows more events than the API counts, contradicts it, and
 * the edge is distrusted for good (every window reads its oldest page again).
 */
export class FromEdge {
  /** The smallest offset into `from`'s second of an event an answer returned. */
  private offset?: number;
  private distrusted = false;

  /** Events an answer of a window starting at `from` returned. */
  learn(from: number, events: readonly EventKey[]): void {
    for (const e of events) {
      const o = e.time - from;
      if (o >= 0 && o < 1000 && (this.offset === undefined || o < this.offset)) {
        this.offset = o;
      }
    }
  }

  /** Whether windows can rely on it. */
  get trusted(): boolean {
    return this.offset !== undefined && !this.distrusted;
  }

  /** Where the events certainly in a window `[from, ...]` begin. */
  certainFrom(from: number): number {
    return this.trusted ? from + (this.offset ?? 1000) : from + 1000;
  }

  /**
   * Whether a window from `from` is known without its oldest page: the cut is trusted, and no polled id lies
   * in the first second before the certain part (the API may count it or not).
   */
  skipsOldestPage(from: number, ids: PolledIds): boolean {
    if (!this.trusted) {
      return false;
    }
    const certain = this.certainFrom(from);
    for (const [, time] of ids.polledIds()) {
      if (time >= from && time < certain) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks the rule against the oldest-first first page of a window from `from` (`complete`: it holds the
   * whole first second, as it ends after it or holds fewer events than a page); then learns from it.
   * Returns whether it contradicted the rule (a polled id in the certain part of the first second that the
   * page does not hold); the edge is then distrusted.
   */
  check(from: number, page: readonly EventKey[], complete: boolean, ids: PolledIds): boolean {
    if (complete && this.trusted) {
      const held = new Set(page.map((e) => e.id));
      const certain = this.certainFrom(from);
      for (const [id, time] of ids.polledIds()) {
        if (time >= certain && time < from + 1000 && !held.has(id)) {
          this.distrust();
          return true;
        }
      }
    }
    this.learn(from, page);
    return false;
  }

  /** Stops relying on the cut (a check found it contradicted). */
  distrust(): void {
    this.distrusted = true;
  }
}
