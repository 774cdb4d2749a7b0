/**
 * Background polling of the Event API at the floor: a poll requests the pages of the events new to it.
 * Each poll reads windows `[floorSecond(watermark - overlap), floorSecond(now - settle)]` (at most
 * `maxWindow` long, and shortened so that the part past the watermark holds about
 * `maxWindowEvents`), and completes a window (advancing the watermark) once its count check agrees
 * (windowCheck.ts):
 *
 * 1. The window's oldest page (`sort=timestamp,id`): its first second as the API cuts it, and its count.
 *    A steady window (at most two intervals past the watermark) skips it once answers showed how the API
 *    cuts a first second (windowCheck.ts, FromEdge): its newest page gives the count.
 * 2. Newest first (`sort=-timestamp,-id`), the pages that hold as many events as the count exceeds what
 *    we know: the new events, if they are the newest.
 * 3. If the count still differs (late events inside the overlap), the next pages until it agrees; if
 *    events came while the window was read, until the part of the window that leaves the overlap with this
 *    poll is known (the next poll checks the rest).
 *
 * Every page goes to the ledger as it arrives. Scrapes never trigger API calls.
 */
import {
  EmnifyClient,
  EmnifyError,
  EventFilter,
  EventPage,
  EventQuery,
  PagingLimitError,
  ReadPosition,
  clampTimerMs,
  readPositionOf,
} from '@emnify-events/client';
import { Ledger, floorSecond } from './ledger';
import { Logger } from './logger';
import {
  CheckResult,
  EventKey,
  FromEdge,
  NEWEST_FIRST,
  OLDEST_FIRST,
  WindowKnowledge,
  shortenedUntil,
} from './windowCheck';

export interface PollerOptions {
  pollIntervalMs: number;
  settleMs: number;
  maxWindowMs: number;
  /** Events past the watermark one window holds about at most (remembered ids stay bounded). */
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
  /** A window was completed after its count check ended so. */
  onCheck?(result: CheckResult): void;
  /** How far the watermark is ahead of `now - settle` (0 when it is not), at every poll. */
  onClock?(info: { aheadMs: number; stalled: boolean }): void;
}

/** The watermark is ahead of the clock, and moving it back would count events twice: the poll waits. */
export class ClockBehindError extends Error {
  readonly code = 'EXPORTER_CLOCK_BEHIND';
  constructor(message: string) {
    super(message);
    this.name = 'ClockBehindError';
  }
}

/** Shortenings of a window whose reading reached its bound (PagingLimitError) before the poll gives up. */
const MAX_SHORTENINGS = 3;

export class Poller {
  private readonly now: () => number;
  /** What answers showed of how the API cuts a window's first second. */
  private readonly edge = new FromEdge();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private abort = new AbortController();
  private stopped = false;
  private typesLoadedAt = 0;
  /** Why the last poll could not advance (the watermark ahead of the clock), for /-/ready; undefined when it could. */
  private stall?: string;

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

  /** Why the exporter is not ready (no type lookup yet, or polls waiting for the clock), or undefined. */
  get notReadyReason(): string | undefined {
    if (this.ledger.typeNames.size === 0) {
      return 'the event type lookup has not been loaded yet';
    }
    return this.stall;
  }

  private async loadTypes(signal: AbortSignal): Promise<void> {
    // Refresh the lookup hourly: new types appear rarely, and the spelling per id must stay stable.
    if (this.ledger.typeNames.size > 0 && Math.abs(this.now() - this.typesLoadedAt) < 3_600_000) {
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
   * The watermark against the clock. Ahead of `end` (= floorSecond(now - settle)) means the clock jumped
   * back, or the watermark was set by a clock that ran ahead (or comes from such a state file). The ids of
   * the overlap before the newest event are never forgotten (Ledger.completeWindow), so the watermark can
   * move back to the lowest one whose windows are still deduplicated completely: then everything after it
   * is read again, nothing is lost and nothing counted twice. If that is still ahead of the clock, the
   * poll waits (and fails, so that health says so) until the clock gets there.
   */
  private checkClock(end: number): void {
    const watermark = this.ledger.watermark;
    if (watermark <= end) {
      if (this.stall !== undefined) {
        this.logger.info('the clock has reached the watermark again: counting goes on', {
          watermark: new Date(watermark).toISOString(),
        });
      }
      this.stall = undefined;
      this.hooks.onClock?.({ aheadMs: 0, stalled: false });
      return;
    }
    const target = Math.min(watermark, this.ledger.lowestSafeWatermark());
    const ahead = { watermark: new Date(watermark).toISOString(), clock: new Date(end).toISOString() };
    if (target > end && watermark - end <= this.options.pollIntervalMs) {
      // A step back smaller than one interval: nothing new to read yet; the next poll is past it.
      this.stall = undefined;
      this.hooks.onClock?.({ aheadMs: watermark - end, stalled: false });
      return;
    }
    if (target <= end) {
      this.ledger.rewind(target);
      this.logger.warn(
        'the watermark was ahead of the clock (now - settle): moved it back to where the remembered ids begin, so the events since are read again without counting any twice',
        { ...ahead, moved_to: new Date(target).toISOString(), ahead_seconds: (watermark - end) / 1000 }
      );
      this.stall = undefined;
      this.hooks.onClock?.({ aheadMs: 0, stalled: false });
      return;
    }
    const aheadSeconds = (watermark - end) / 1000;
    this.stall = `the watermark ${ahead.watermark} is ${aheadSeconds} s ahead of the clock (now - settle = ${ahead.clock}): the clock jumped back, or the state comes from a clock that ran ahead; counting waits until the clock reaches ${new Date(target).toISOString()}, then reads every event since (nothing is lost)`;
    this.hooks.onClock?.({ aheadMs: watermark - end, stalled: true });
    throw new ClockBehindError(this.stall);
  }

  /** One poll: every window from the watermark up to now - settle. */
  async pollOnce(signal: AbortSignal = this.abort.signal): Promise<void> {
    const started = this.now();
    let windows = 0;
    let events = 0;
    const count = (n: number) => (events += n);
    try {
      await this.loadTypes(signal);
      for (;;) {
        const end = floorSecond(this.now() - this.options.settleMs);
        this.checkClock(end);
        const from = this.ledger.windowStart();
        const longest = Math.min(end, from + this.options.maxWindowMs);
        if (longest <= this.ledger.watermark) {
          break;
        }
        const until = await this.readWindow(from, longest, signal, count);
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
        this.logger.error(
          err instanceof ClockBehindError
            ? 'poll waits for the clock'
            : 'poll failed; the window is read again next time',
          {
            error: error.message,
            code: (err as EmnifyError).code,
            watermark: new Date(this.ledger.watermark).toISOString(),
          }
        );
      }
    }
  }

  private filter(from: number, until: number): EventFilter {
    const filter: EventFilter = { from, until };
    if (this.options.eventTypes.length > 0) {
      filter.type = this.options.eventTypes;
    }
    return filter;
  }

  /** Hands a page to the ledger (after `knowledge` saw it, when it belongs to the window). */
  private ingest(page: EventPage, count: (n: number) => void): void {
    const result = this.ledger.ingest(page.events, 'poll');
    count(page.events.length);
    const newest = page.events.reduce((m, e) => Math.max(m, e.time), -Infinity);
    this.hooks.onPage?.({ ...result, newestEventTime: Number.isFinite(newest) ? newest : undefined });
    if (page.skipped > 0) {
      this.logger.warn('skipped events without a valid id, timestamp or type', {
        skipped: page.skipped,
        page: page.requestedPage,
        reasons: page.skippedByReason,
      });
    }
  }

  /**
   * Reads the window `[from, longest]` (or a shorter one) until its count check ends; returns the end of
   * the window read, which the caller completes.
   */
  private async readWindow(
    from: number,
    longest: number,
    signal: AbortSignal,
    count: (n: number) => void
  ): Promise<number> {
    if (
      longest - this.ledger.watermark <= 2 * this.options.pollIntervalMs &&
      this.edge.skipsOldestPage(from, this.ledger)
    ) {
      const result = await this.readSteadyWindow(from, longest, signal, count);
      if (result !== undefined) {
        this.hooks.onCheck?.(result);
        return longest;
      }
    }
    let page: EventPage | undefined = await this.client.getEventPage(
      { filter: this.filter(from, longest), perPage: this.options.pageSize, page: 1, sort: OLDEST_FIRST },
      signal
    );
    const firstSecondWhole =
      page.events.length + page.skipped < page.paging.perPage || page.events.some((e) => e.time >= from + 1000);
    if (this.edge.check(from, page.events, firstSecondWhole, this.ledger)) {
      this.logger.warn(
        "the API left out of a window's first second an event it had shown at a later offset into its second: windows read their oldest page again",
        { from: new Date(from).toISOString() }
      );
    }
    const { totalCount } = page.paging;
    const refused = page.skipped;
    if (totalCount <= page.events.length + refused) {
      // One answer held the whole window.
      this.ingest(page, count);
      this.hooks.onCheck?.('agreed');
      return longest;
    }
    // The window's reading needs only the ids and times of its oldest page: the page itself (its events and
    // raw items, megabytes) goes once the ledger has it.
    const oldestKeys = page.events.map(({ id, time }): EventKey => ({ id, time }));
    // Events past the watermark, at most: the count minus the ids known below it.
    const watermark = this.ledger.watermark;
    let knownBelow = 0;
    for (const [, time] of this.ledger.polledIds()) {
      if (time >= from + 1000 && time < watermark) {
        knownBelow++;
      }
    }
    let until = shortenedUntil(watermark, longest, totalCount - knownBelow, this.options.maxWindowEvents);
    for (let attempt = 0; ; attempt++) {
      const knowledge = new WindowKnowledge(from, until, this.ledger, this.edge.certainFrom(from));
      // The oldest page belongs to this window up to `until` (same `from`, so the same first second).
      knowledge.add(oldestKeys.filter((e) => e.time < until));
      if (until === longest) {
        knowledge.total(totalCount);
        knowledge.refusedOn(0, refused);
      }
      if (page !== undefined) {
        this.ingest(page, count);
        page = undefined;
      }
      try {
        this.hooks.onCheck?.(await this.readNewestFirst(knowledge, signal, count));
        return until;
      } catch (err) {
        const shorter = shortenedUntil(watermark, until, 2, 1);
        if (!(err instanceof PagingLimitError) || attempt >= MAX_SHORTENINGS) {
          throw err;
        }
        if (shorter >= until) {
          throw err;
        }
        this.logger.warn('a window held more events than its reading may take: shortened', {
          from: new Date(from).toISOString(),
          until: new Date(until).toISOString(),
          shortened_to: new Date(shorter).toISOString(),
          bound: err.bound,
          announced: err.totalCount,
        });
        until = shorter;
      }
    }
  }

  /**
   * A steady window (at most two intervals past the watermark) whose first second is known from the API's
   * cut (FromEdge): no oldest page, the newest first page gives the count. Returns how its check ended, or
   * undefined when the window must be read with its oldest page after all: it holds more events than a
   * window may take (it is then shortened), or the API counts fewer events than we know there (events
   * vanished, or the cut is not what it seemed: the edge is distrusted).
   */
  private async readSteadyWindow(
    from: number,
    until: number,
    signal: AbortSignal,
    count: (n: number) => void
  ): Promise<CheckResult | undefined> {
    const knowledge = new WindowKnowledge(from, until, this.ledger, this.edge.certainFrom(from));
    // Handed on in a holder that the reading empties, so that the page is not kept while it reads on.
    const first: { page?: EventPage } = {
      page: await this.client.getEventPage(
        { filter: this.filter(from, until), perPage: this.options.pageSize, page: 1, sort: NEWEST_FIRST },
        signal
      ),
    };
    knowledge.add(first.page!.events);
    knowledge.total(first.page!.paging.totalCount);
    knowledge.refusedOn(1, first.page!.skipped);
    if (knowledge.unseen > this.options.maxWindowEvents) {
      this.ingest(first.page!, count);
      return undefined;
    }
    let result: CheckResult;
    try {
      result = await this.readNewestFirst(knowledge, signal, count, first);
    } catch (err) {
      if (err instanceof PagingLimitError) {
        return undefined;
      }
      throw err;
    }
    if (result === 'fewer_than_known') {
      this.edge.distrust();
      this.logger.warn(
        "a window's count fell below the events known in it: events vanished, or the API cuts a window's first second other than it seemed; windows read their oldest page again",
        { from: new Date(from).toISOString(), until: new Date(until).toISOString(), unseen: knowledge.unseen }
      );
      return undefined;
    }
    return result;
  }

  /**
   * The check's reading of one window, newest first, until its count agrees:
   *
   * 1. The pages that hold as many events as the count exceeds the known ones (the new events, if they
   *    are the newest), in parallel.
   * 2. If the count differs but never changed while the window was read (its pages stood still): the
   *    next pages, one at a time, until it agrees (late events inside the overlap, just below the new ones).
   * 3. If events came while the window was read (its count changed: pages may have shifted, and while
   *    late events keep coming the count may never agree): only the part that leaves the overlap with
   *    this poll, `[from, leaving)`, must be certain now, as the rest lies inside the next poll's window.
   *    The part below what was read (at least the leaving part; `[from, s]`, s one second above the oldest
   *    event read), as a window of its own with its own count, newest first until that count agrees or
   *    changes; if it changed, the leaving part alone. Known, the window is completed ('came_while_read').
   * 4. Still not: every page of the window, once more. Then the window is completed all the same
   *    ('unresolved'; only events that came during this poll can be missing, and the next poll's check
   *    covers them while they are inside its overlap).
   *
   * Throws PagingLimitError when the reading exceeds its bound (the caller shortens the window): three
   * times the known events plus `--poll.max-window-events`, and two pages. Steps 1-4 read the window at
   * most three times over, so only a window that keeps growing while it is read reaches it.
   */
  private async readNewestFirst(
    knowledge: WindowKnowledge,
    signal: AbortSignal,
    count: (n: number) => void,
    given: { page?: EventPage } = {}
  ): Promise<CheckResult> {
    const queryOf = (k: WindowKnowledge): EventQuery => ({
      filter: this.filter(k.from, k.until),
      perPage: this.options.pageSize,
      sort: NEWEST_FIRST,
    });
    const bound = 3 * (knowledge.known + this.options.maxWindowEvents) + 2 * this.options.pageSize;
    let budget = bound;
    let perPage = this.options.pageSize;
    let pagesRead = 0;
    /** The oldest event read newest first in the window (where the part below begins). */
    let oldestRead: number | undefined;
    /** The window's newest-first reading: the last page read and how many pages it has. */
    let last: { number: number; totalPages: number } | undefined;
    const take = (page: EventPage, knowledges: WindowKnowledge[]) => {
      for (const k of knowledges) {
        k.add(page.events);
      }
      knowledges[0].total(page.paging.totalCount);
      knowledges[0].refusedOn(page.requestedPage, page.skipped);
      this.edge.learn(knowledges[0].from, page.events);
      this.ingest(page, count);
      perPage = Math.max(1, page.paging.perPage);
      budget -= page.events.length + page.skipped;
      pagesRead++;
      for (const e of page.events) {
        oldestRead = oldestRead === undefined ? e.time : Math.min(oldestRead, e.time);
      }
    };
    /**
     * Reads the newest-first pages of `k`'s window from `startPage` (or after `first`, where the reading of
     * its first page stopped), the events going to `k` and `also`, stopping when `enough` says so after a
     * page or at `maxPages` pages. Each page is taken in a call of its own, so none stays alive while the
     * next is awaited (a `for await` would keep the last one).
     */
    const read = async (
      k: WindowKnowledge,
      also: WindowKnowledge[],
      options: { startPage?: number; first?: ReadPosition; maxPages?: number; concurrency: number },
      enough: () => boolean
    ): Promise<void> => {
      const boundPages = Math.ceil(Math.max(budget, 0) / perPage) + 1;
      if (budget <= 0) {
        throw new PagingLimitError('/api/v1/event', {
          limit: 'maxEvents',
          bound,
          pagesRead,
          eventsRead: bound - budget,
          totalPages: last?.totalPages ?? 0,
          totalCount: 0,
        });
      }
      const planned = options.maxPages !== undefined && options.maxPages < boundPages;
      const pages = this.client.iterateEventPages(queryOf(k), {
        startPage: options.startPage,
        after: options.first,
        maxPages: planned ? options.maxPages : boundPages,
        maxEvents: budget,
        concurrency: options.concurrency,
        signal,
      });
      /** Takes the next page; whether the reading goes on. */
      const next = async (): Promise<boolean> => {
        const step = await pages.next();
        if (step.done) {
          return false;
        }
        const page = step.value;
        take(page, [k, ...also]);
        if (k === knowledge) {
          last = { number: page.requestedPage, totalPages: page.paging.totalPages };
        }
        return !enough();
      };
      try {
        while (await next()) {
          // each page taken by next()
        }
      } catch (err) {
        if (!(planned && err instanceof PagingLimitError && err.limit === 'maxPages')) {
          throw err;
        }
        // The pages asked for were read; the window has more.
      } finally {
        // Ends the reading (its pages in flight are abandoned), as leaving a `for await` would.
        await pages.return(undefined);
      }
    };
    const agreed = (k: WindowKnowledge) => !k.shrank && k.unseen <= 0;
    /**
     * Events vanished while the window was read (retention, at its oldest end): counts prove nothing now,
     * so it is read to its end. Newest first, the vanished events were behind every page read, so none
     * shifted past the reading.
     */
    const vanished = async (): Promise<CheckResult> => {
      if (last && last.number < last.totalPages) {
        await read(knowledge, [], { startPage: last.number + 1, concurrency: 1 }, () => false);
      }
      return 'fewer_than_known';
    };

    /** Where the reading of the window's first page stopped (the page itself is not kept). */
    let first: ReadPosition | undefined;
    if (given.page !== undefined || !knowledge.hasTotal) {
      // A steady window's newest page (the caller read it), or a shortened window's own first page: its count.
      first = await (async () => {
        const page = given.page ?? (await this.client.getEventPage({ ...queryOf(knowledge), page: 1 }, signal));
        given.page = undefined;
        take(page, [knowledge]);
        return readPositionOf(page);
      })();
      last = { number: 1, totalPages: first.paging.totalPages };
    }
    if (agreed(knowledge)) {
      return knowledge.unseen === 0 ? 'agreed' : 'fewer_than_known';
    }
    // 1. The pages that hold the unseen events if they are the newest.
    if (!knowledge.shrank) {
      const pages = (first ? 1 : 0) + Math.ceil(knowledge.unseen / perPage);
      await read(knowledge, [], { first, maxPages: pages, concurrency: this.options.pageConcurrency }, () =>
        agreed(knowledge)
      );
      first = undefined;
      if (agreed(knowledge)) {
        return knowledge.unseen === 0 ? 'agreed' : 'fewer_than_known';
      }
    }
    if (knowledge.shrank) {
      return vanished();
    }
    // 2. The count did not change while the window was read, so its pages stood still: the next pages,
    //    newest first, hold the unknown events that are not among the newest (late events inside the
    //    overlap, just below what was read). One at a time, until the count agrees or changes.
    if (!knowledge.changed && last && last.number < last.totalPages) {
      await read(
        knowledge,
        [],
        { startPage: last.number + 1, concurrency: 1 },
        () => agreed(knowledge) || knowledge.changed
      );
    }
    if (knowledge.shrank) {
      return vanished();
    }
    if (agreed(knowledge)) {
      return knowledge.unseen === 0 ? 'read_more' : 'fewer_than_known';
    }
    // 3. Events came while the window was read (its count changed), so its pages may have shifted, and
    //    while late events keep coming its count may never agree. What must be certain now is only the
    //    part that leaves the overlap with this poll, `[from, leaving)`: the rest lies inside the next
    //    poll's window, whose check covers it. So the part below what was read (at least the leaving
    //    part), as a window of its own with its own count, newest first until that count agrees; if
    //    events come into that part too, the leaving part alone.
    const leaving = this.ledger.windowStartAt(knowledge.until) + 1000;
    const belowRead = oldestRead === undefined ? undefined : floorSecond(oldestRead) + 1000;
    /** The end of the part whose count agreed, if one did. */
    let knownUpTo: number | undefined;
    for (const end of belowRead !== undefined && belowRead > leaving ? [belowRead, leaving] : [leaving]) {
      if (end >= knowledge.until) {
        continue;
      }
      const part = new WindowKnowledge(knowledge.from, end, this.ledger, knowledge.certainFrom);
      // Events an answer with the same `from` returned before `end` are in the part (the same first second).
      part.add(knowledge.returnedBefore(end));
      await read(part, [knowledge], { startPage: 1, concurrency: 1 }, () => agreed(part) || part.changed);
      if (part.shrank || part.unseen < 0) {
        return vanished();
      }
      if (agreed(part)) {
        knownUpTo = end;
        break;
      }
    }
    // The window's own count proves nothing here: the part's events came after its newest answer. But if
    // that count never changed, its pages read stood still and held every event above the oldest one
    // read; with the part below it known, so is the window.
    if (knownUpTo !== undefined && !knowledge.changed && belowRead !== undefined && knownUpTo >= belowRead) {
      return 'read_more';
    }
    if (knownUpTo !== undefined && knowledge.changed) {
      this.logger.debug(
        'events came into the window while it was read: its part below them is known, the next poll checks the rest',
        {
          from: new Date(knowledge.from).toISOString(),
          until: new Date(knowledge.until).toISOString(),
          known_up_to: new Date(knownUpTo).toISOString(),
        }
      );
      return 'came_while_read';
    }
    // 4. Every page once more.
    await read(knowledge, [], { startPage: 1, concurrency: 1 }, () => agreed(knowledge));
    if (knowledge.shrank || knowledge.unseen < 0) {
      return 'fewer_than_known';
    }
    if (knowledge.unseen === 0) {
      return 'read_more';
    }
    this.logger.warn(
      'the API still counts events in the window that no page showed (events that came during this poll); completing it, the next poll checks its overlap again',
      {
        from: new Date(knowledge.from).toISOString(),
        until: new Date(knowledge.until).toISOString(),
        unseen: knowledge.unseen,
      }
    );
    return 'unresolved';
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
          this.timer = setTimeout(loop, clampTimerMs(this.options.pollIntervalMs));
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
