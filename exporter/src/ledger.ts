/**
 * Exactly-once counting. The ledger holds the committed state (watermark, remembered ids, counter
 * values). A batch of events (one API page, or one Data Streamer push) is deduplicated against the
 * remembered ids and its increments are computed; the delta (new ids, increments) is made durable by the
 * store (a journal append, see journal.ts), and only then applied in place and published to /metrics.
 * Everything here is synchronous, so batches never interleave, and a crash at any point leaves the
 * durable state, which is what was shown (plus at most the one delta whose append was under way, which
 * the next start replays and shows).
 */
import { EmnifyEvent, EventTypeNames } from '@emnify-events/client';
import { CountDelta, Counts } from './counts';
import { EventLabeler, keyValues } from './labels';
import { NetworkBatch, NetworkOptions, NetworkRecord, recordsOf } from './lastNetwork';
import { ExporterState, ReplayState, StateDelta, applyDelta, fromReplayState, toReplayState } from './state';

export type EventOrigin = 'poll' | 'push';

export interface IngestResult {
  counted: number;
  duplicates: number;
  late: number;
  /** Push events older than the dedup horizon: a poll has covered their time already, so they are not counted. */
  outsideWindow: number;
  /** Events of types the exporter is configured not to count. */
  filtered: number;
  /** Counted events without network that got their endpoint's last known one (`--labels.last-network`). */
  attributed: number;
  /** Counted events of known types without network that kept empty labels (no endpoint, never seen, too old). */
  unattributed: number;
}

/** Changes of the remembered networks, for the self-metrics. */
export interface NetworkChange {
  attributed: number;
  unattributed: number;
  /** Endpoints forgotten: evicted at the bound, past the age, or all when attribution is off. */
  forgotten: number;
  reason: 'bound' | 'age' | 'off';
}

/** Where the committed state lives (journal.ts's StateJournal; MEMORY_STORE for none). */
export interface LedgerStore {
  /** Makes a delta durable before it is applied; throws on failure, leaving none of it. */
  append(delta: StateDelta): void;
  /** Whether the journal has grown enough to be folded into the base (`window`: right after a completed window). */
  compactionDue(window?: boolean): boolean;
  /** Rewrites the base from `state` (which includes every delta appended) and empties the journal. */
  compact(state: ExporterState): void;
}

/** Keeps nothing (benchmarks, tests of the counting alone). */
export const MEMORY_STORE: LedgerStore = { append: () => {}, compactionDue: () => false, compact: () => {} };

export interface LedgerOptions {
  overlapMs: number;
  /** Only these type ids are counted (empty: all). */
  eventTypes: ReadonlySet<number>;
  store: LedgerStore;
  /** Told each committed delta, right after it was made durable (publishes it to /metrics). */
  onCommit?: (delta: CountDelta) => void;
  /** A compaction failed: the delta was committed all the same, and the journal keeps growing until one succeeds. */
  onCompactionError?: (err: Error) => void;
  /** Attribution of events without network to their endpoint's last known one; off when absent (lastNetwork.ts). */
  networks?: NetworkOptions;
  /** Told each committed change of the remembered networks. */
  onNetworks?: (change: NetworkChange) => void;
}

export function floorSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function ceilSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

export class Ledger {
  /** The committed state, changed only by `commit` (the same `applyDelta` a restart replays with). */
  private readonly state: ReplayState;
  readonly typeNames = new EventTypeNames();
  /** Label values of an event, bounded in number for types the lookup lacks (labels.ts). */
  private readonly labeler: EventLabeler;

  constructor(
    state: ExporterState,
    private readonly options: LedgerOptions
  ) {
    this.state = toReplayState(state);
    this.labeler = new EventLabeler(this.typeNames, () =>
      [...this.state.counts.events.keys()].map((key) => keyValues(key)[0])
    );
  }

  get watermark(): number {
    return this.state.watermark;
  }

  get counts(): Counts {
    return this.state.counts;
  }

  get rememberedIds(): number {
    return this.state.ids.size;
  }

  /** Whether a poll has returned `id` (counted from a poll, or from a push that a poll then returned). */
  isPolled(id: number): boolean {
    return this.state.ids.isPolled(id);
  }

  /** [id, time] of the remembered ids a poll has returned. */
  polledIds(): IterableIterator<[number, number]> {
    return this.state.ids.polled();
  }

  /**
   * Ids of events before this time may have been forgotten; every counted id at or after it is remembered.
   * A state of an earlier format did not record it: its windows forgot ids below the horizon of its watermark.
   */
  get forgottenBelow(): number {
    return this.state.forgottenBelow ?? this.horizonAt(this.state.watermark);
  }

  /**
   * The lowest watermark whose windows are still deduplicated completely: their horizon is at or above
   * `forgottenBelow`. A watermark found ahead of the clock can move back to it without counting twice.
   */
  lowestSafeWatermark(): number {
    return ceilSecond(this.forgottenBelow + 1000) + this.options.overlapMs;
  }

  get lateEvents(): number {
    return this.state.lateEvents;
  }

  /** Endpoints whose last known network is remembered. */
  get rememberedEndpoints(): number {
    return this.state.networks.size;
  }

  /**
   * Brings the remembered networks within the options, as a committed delta: all forgotten when
   * attribution is off, the least recently used ones past `maxEndpoints` evicted. Returns how many were
   * forgotten (a start calls it once, after loading the state).
   */
  boundNetworks(): number {
    const memory = this.state.networks;
    const keep = this.options.networks ? this.options.networks.maxEndpoints : 0;
    const excess = memory.size - keep;
    if (excess <= 0) {
      return 0;
    }
    const forget: number[] = [];
    for (const endpoint of memory.keys()) {
      if (forget.length >= excess) {
        break;
      }
      forget.push(endpoint);
    }
    this.commit({ networksForget: forget });
    this.options.onNetworks?.({
      attributed: 0,
      unattributed: 0,
      forgotten: forget.length,
      reason: this.options.networks ? 'bound' : 'off',
    });
    this.tryCompact();
    return forget.length;
  }

  /**
   * The oldest event time a poll can still return: polls start at floorSecond(watermark - overlap), so
   * every id at or above one second before that is remembered, and nothing a poll serves can be counted twice.
   */
  horizon(): number {
    return this.horizonAt(this.state.watermark);
  }

  private horizonAt(watermark: number): number {
    return this.windowStartAt(watermark) - 1000;
  }

  /** The `from` of the next poll window. */
  windowStart(): number {
    return this.windowStartAt(this.state.watermark);
  }

  /** The `from` of the poll window after a window that ends at `watermark`. */
  windowStartAt(watermark: number): number {
    return floorSecond(watermark - this.options.overlapMs);
  }

  ingest(events: readonly EmnifyEvent[], origin: EventOrigin): IngestResult {
    const result: IngestResult = {
      counted: 0,
      duplicates: 0,
      late: 0,
      outsideWindow: 0,
      filtered: 0,
      attributed: 0,
      unattributed: 0,
    };
    const delta = new CountDelta();
    const counted: EmnifyEvent[] = [];
    const fresh = new Map<number, number>();
    const polled = new Set<number>();
    const horizon = this.horizon();
    for (const event of events) {
      if (this.options.eventTypes.size > 0 && !this.options.eventTypes.has(event.typeId)) {
        result.filtered++;
        continue;
      }
      if (event.time < horizon) {
        // Older than any window a poll still reads: counted by one before, or never countable once.
        result.outsideWindow++;
        continue;
      }
      if (this.state.ids.has(event.id) || fresh.has(event.id)) {
        result.duplicates++;
        if (origin === 'poll' && this.state.ids.has(event.id) && !this.state.ids.isPolled(event.id)) {
          // Counted from a push; the API shows it now (the count check may count it from here on).
          polled.add(event.id);
        }
        continue;
      }
      if (event.time < this.state.watermark && origin === 'poll') {
        // Shown by the API only after a complete window had covered its timestamp.
        result.late++;
      }
      fresh.set(event.id, event.time);
      counted.push(event);
      result.counted++;
    }
    // Labels in the order counted (the first unknown types keep their spelling), then the networks in
    // (time, id) order: the batch's own order never decides which network is the last known one.
    const labelled = counted.map((event) => ({ event, labels: this.labeler.labels(event) }));
    const networks = this.options.networks ? new NetworkBatch(this.state.networks, this.options.networks) : undefined;
    if (networks) {
      labelled.sort((a, b) => a.event.time - b.event.time || a.event.id - b.event.id);
    }
    for (const { event, labels } of labelled) {
      if (networks && this.typeNames.has(event.typeId)) {
        const network = networks.place(event);
        labels.country = network?.country ?? '';
        labels.operator = network?.operator ?? '';
      }
      delta.addEvent([labels.event_type, labels.event_severity, labels.event_source, labels.country, labels.operator]);
      if (event.volume) {
        delta.addVolume(['rx', labels.country, labels.operator], event.volume.rx);
        delta.addVolume(['tx', labels.country, labels.operator], event.volume.tx);
      }
    }
    const networkDelta = networks?.delta();
    if (fresh.size > 0 || polled.size > 0) {
      this.commit({
        ids: [...fresh],
        pushed: origin === 'push' ? true : undefined,
        polled: [...polled],
        events: delta.events,
        volume: delta.volume,
        late: result.late,
        networksForget: networkDelta?.forget,
        networks: networkDelta?.set,
      });
      this.options.onCommit?.(delta);
      if (networks) {
        result.attributed = networks.attributed;
        result.unattributed = networks.unattributed;
        this.options.onNetworks?.({
          attributed: networks.attributed,
          unattributed: networks.unattributed,
          forgotten: networks.evictions,
          reason: 'bound',
        });
      }
      if (this.options.store.compactionDue()) {
        this.tryCompact();
      }
    }
    return result;
  }

  /**
   * Every event of a window up to `until` was read: advance the watermark and forget ids below the new
   * horizon, but never those of the overlap before the newest event remembered: while no event comes (or
   * the clock ran ahead), the ids of the last events stay, so a watermark found ahead of the clock can move
   * back to them (`lowestSafeWatermark`) and nothing is counted twice.
   */
  completeWindow(until: number): void {
    if (until <= this.state.watermark) {
      return;
    }
    const newest = this.state.ids.newestTime();
    const horizon = this.horizonAt(until);
    const prune = newest === undefined ? horizon : Math.min(horizon, this.horizonAt(newest));
    // Every event still countable is at or after `prune` (polls and pushes stop at the horizon, which never
    // goes below it again): a network older than it by more than the age can never be used again.
    const networksBelow =
      this.options.networks && this.state.networks.size > 0 ? prune - this.options.networks.maxAgeMs : undefined;
    const before = this.state.networks.size;
    this.commit({ watermark: until, prune, networksBelow });
    if (networksBelow !== undefined && this.state.networks.size < before) {
      this.options.onNetworks?.({
        attributed: 0,
        unattributed: 0,
        forgotten: before - this.state.networks.size,
        reason: 'age',
      });
    }
    // Ids were forgotten: fold the journal into a smaller base (unless the base is large and the journal
    // still small next to it: remembered endpoints are not rewritten at every poll).
    if (this.options.store.compactionDue(true)) {
      this.tryCompact();
    }
  }

  /** Moves a watermark that is ahead of the clock back to `to` (at least `lowestSafeWatermark()`). */
  rewind(to: number): void {
    if (to >= this.state.watermark || to < this.lowestSafeWatermark()) {
      throw new RangeError(
        `cannot move the watermark from ${this.state.watermark} to ${to} (lowest safe: ${this.lowestSafeWatermark()})`
      );
    }
    this.commit({ watermark: to });
    this.tryCompact();
  }

  /** The commit point: the delta is made durable (throws, changing nothing, if it cannot be), then applied. */
  private commit(delta: StateDelta): void {
    this.options.store.append(delta);
    applyDelta(this.state, delta);
  }

  /** Rewrites the base from the committed state and empties the journal; throws on failure. */
  compact(): void {
    this.options.store.compact(this.snapshot());
  }

  private tryCompact(): void {
    try {
      this.compact();
    } catch (err) {
      this.options.onCompactionError?.(err as Error);
    }
  }

  /** The remembered networks as records, least recently used first (tests, benchmarks). */
  networkRecords(): NetworkRecord[] {
    return recordsOf(this.state.networks);
  }

  /** A copy of the committed state. */
  snapshot(): ExporterState {
    const { events, volume } = this.state.counts;
    return { ...fromReplayState(this.state), counts: { events: new Map(events), volume: new Map(volume) } };
  }
}
