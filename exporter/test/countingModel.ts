/**
 * A trivial model of exactly-once counting for tests, written from the README's rules and sharing no code
 * with the ledger: the ids ever counted (a Map id → time, never forgotten), counts by label in plain Maps,
 * and a watermark. An event is counted when its type is counted, its id was never counted, and its time
 * is not older than one second before the next window's start (`floorSecond(watermark - overlap)`): a
 * poll never serves older events, so their ids need not be remembered. A completed window forgets ids
 * below that horizon, but not those of the overlap before the newest event counted (the same horizon
 * taken from that event's time); remembered ids are the counted ones at or above the highest such bound.
 * Ids counted from a push are push-only until a poll returns them. Also random events and batches for
 * the tests to feed.
 */
import { EmnifyEvent } from '@emnify-events/client';
import type { ExporterState } from '../src/state';

export interface BatchResult {
  counted: number;
  duplicates: number;
  late: number;
  outsideWindow: number;
  filtered: number;
}

/** Totals as plain data (label values joined with `|`), comparable with toEqual. */
export interface Totals {
  watermark: number;
  events: Record<string, number>;
  volume: Record<string, number>;
  late: number;
  rememberedIds: number;
  /** Remembered ids that only a push has shown. */
  pushOnlyIds: number;
  /** Ids below this time may have been forgotten (null: none was). */
  forgottenBelow: number | null;
}

export class CountingModel {
  /** Every id ever counted, with its event time. */
  private readonly counted = new Map<number, number>();
  private readonly events = new Map<string, number>();
  private readonly volume = new Map<string, number>();
  private late = 0;
  /** Ids counted from a push that no poll has returned. */
  private readonly pushOnly = new Set<number>();
  /** The highest bound below which ids were forgotten. */
  private forgotten = -Infinity;
  private readonly unknownTypes = new Set<string>();

  constructor(
    private watermark: number,
    private readonly overlapMs: number,
    /** Type id → the lookup's spelling (the label value); a type not in it keeps the event's own (see ingest). */
    private readonly lookup: ReadonlyMap<number, string>,
    /** Only these types are counted (empty: all). */
    private readonly onlyTypes: ReadonlySet<number> = new Set()
  ) {}

  private horizonOf(time: number): number {
    return Math.floor((time - this.overlapMs) / 1000) * 1000 - 1000;
  }

  private horizon(): number {
    return this.horizonOf(this.watermark);
  }

  ingest(batch: readonly EmnifyEvent[], origin: 'poll' | 'push'): BatchResult {
    const result: BatchResult = { counted: 0, duplicates: 0, late: 0, outsideWindow: 0, filtered: 0 };
    const horizon = this.horizon();
    for (const e of batch) {
      if (this.onlyTypes.size > 0 && !this.onlyTypes.has(e.typeId)) {
        result.filtered++;
      } else if (this.counted.has(e.id) && e.time >= horizon) {
        result.duplicates++;
        if (origin === 'poll') {
          this.pushOnly.delete(e.id);
        }
      } else if (e.time < horizon) {
        result.outsideWindow++;
      } else {
        this.counted.set(e.id, e.time);
        if (origin === 'push') {
          this.pushOnly.add(e.id);
        }
        // A type the lookup lacks: its own spelling (the first 20 such, then "other"), no country or operator.
        const known = this.lookup.has(e.typeId);
        const type = known ? this.lookup.get(e.typeId)! : this.unknownType(e.typeDescription);
        const country = known ? (e.network?.countryIso ?? '') : '';
        const operator = known ? (e.network?.operatorName ?? '') : '';
        add(this.events, [type, e.severityName, e.sourceName, country, operator].join('|'), 1);
        if (e.volume) {
          add(this.volume, `rx|${country}|${operator}`, e.volume.rx);
          add(this.volume, `tx|${country}|${operator}`, e.volume.tx);
        }
        if (origin === 'poll' && e.time < this.watermark) {
          result.late++;
        }
        result.counted++;
      }
    }
    this.late += result.late;
    return result;
  }

  private unknownType(spelling: string): string {
    if (!this.unknownTypes.has(spelling) && this.unknownTypes.size >= 20) {
      return 'other';
    }
    this.unknownTypes.add(spelling);
    return spelling;
  }

  completeWindow(until: number): void {
    if (until <= this.watermark) {
      return;
    }
    this.watermark = until;
    const times = [...this.counted.values()];
    const newest = times.length > 0 ? Math.max(...times) : undefined;
    const bound = newest === undefined ? this.horizon() : Math.min(this.horizon(), this.horizonOf(newest));
    this.forgotten = Math.max(this.forgotten, bound);
  }

  totals(): Totals {
    const remembered = [...this.counted].filter(([, time]) => time >= this.forgotten);
    return {
      watermark: this.watermark,
      events: Object.fromEntries(this.events),
      volume: Object.fromEntries(this.volume),
      late: this.late,
      rememberedIds: remembered.length,
      pushOnlyIds: remembered.filter(([id]) => this.pushOnly.has(id)).length,
      forgottenBelow: this.forgotten === -Infinity ? null : this.forgotten,
    };
  }
}

function add(map: Map<string, number>, key: string, n: number): void {
  if (n > 0) {
    map.set(key, (map.get(key) ?? 0) + n);
  }
}

/** The same totals read off an exporter state (what a ledger holds, or what a restart loaded). */
export function totalsOf(state: ExporterState): Totals {
  const plain = (m: Map<string, number>) =>
    Object.fromEntries([...m].map(([key, n]) => [(JSON.parse(key) as string[]).join('|'), n]));
  return {
    watermark: state.watermark,
    events: plain(state.counts.events),
    volume: plain(state.counts.volume),
    late: state.lateEvents,
    rememberedIds: state.ids.length,
    pushOnlyIds: state.pushIds?.length ?? 0,
    forgottenBelow: state.forgottenBelow ?? null,
  };
}

/** The types the random events use: 1-5 are in the lookup (spelt "Type n"), 9 is not ("type 9"). */
export const MODEL_TYPE_IDS = [1, 2, 3, 4, 5, 9];
export const MODEL_LOOKUP = new Map([1, 2, 3, 4, 5].map((id) => [id, `Type ${id}`]));

/** One event of a fixed world: the same id always has the same time and fields. */
export function modelEvent(id: number, time: number, rand: () => number): EmnifyEvent {
  const typeId = MODEL_TYPE_IDS[Math.floor(rand() * MODEL_TYPE_IDS.length)];
  const network =
    rand() < 0.7
      ? {
          operatorName: `Op ${Math.floor(rand() * 4)}`,
          countryIso: ['DE', 'FR'][Math.floor(rand() * 2)],
          countryName: '',
          mcc: '',
          mnc: [],
          tapcodes: [],
        }
      : undefined;
  // Delete PDP Context carries volume; now and then 0 bytes in one direction.
  const volume =
    typeId === 5 && network
      ? { rx: rand() < 0.2 ? 0 : Math.floor(rand() * 5e6), tx: Math.floor(rand() * 5e6), total: 0 }
      : undefined;
  return {
    id,
    time,
    typeId,
    typeDescription: `type ${typeId}`,
    severityName: rand() < 0.8 ? 'INFO' : 'WARN',
    sourceName: rand() < 0.5 ? 'Network' : 'API',
    network,
    volume,
  } as unknown as EmnifyEvent;
}

/**
 * Random batches over one world of events: new ids, ids delivered before (overlapping polls, push +
 * poll), an event twice in the same batch, and times from below the dedup horizon to past the watermark.
 */
export class EventWorld {
  private readonly known: EmnifyEvent[] = [];
  private nextId = 1;

  constructor(private readonly rand: () => number) {}

  batch(watermark: number, overlapMs: number): EmnifyEvent[] {
    const events: EmnifyEvent[] = [];
    for (let i = 0, n = Math.floor(this.rand() * 30); i < n; i++) {
      const r = this.rand();
      if (r < 0.15 && events.length > 0) {
        events.push(events[Math.floor(this.rand() * events.length)]);
      } else if (r < 0.4 && this.known.length > 0) {
        events.push(this.known[Math.floor(this.rand() * this.known.length)]);
      } else {
        const time = watermark - overlapMs - 15_000 + Math.floor(this.rand() * (overlapMs + 45_000));
        const e = modelEvent(this.nextId++, time, this.rand);
        this.known.push(e);
        events.push(e);
      }
    }
    return events;
  }
}
