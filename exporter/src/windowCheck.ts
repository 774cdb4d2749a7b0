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
import { EmnifyEvent } from '@emnify-events/client';

/** How the poller sorts a window: newest first for the check's reading, oldest first for its first page. */
export const NEWEST_FIRST = '-timestamp,-id';
export const OLDEST_FIRST = 'timestamp,id';

/** What the check needs of an event: its id and time (a page's events, or only these of them). */
export type EventKey = Pick<EmnifyEvent, 'id' | 'time'>;

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
  /** The API counted fewer events than we know it showed: events vanished (retention). Window completed. */
  | 'fewer_than_known'
  /** Every page was read and the API still counted more: events added while paging. Window completed. */
  | 'unresolved';

export const CHECK_RESULTS: readonly CheckResult[] = ['agreed', 'read_more', 'fewer_than_known', 'unresolved'];

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

  constructor(
    readonly from: number,
    readonly until: number,
    private readonly ids: PolledIds
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
    return time >= this.from + 1000 && time < this.until;
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
