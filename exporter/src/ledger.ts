/**
 * Exactly-once counting. The ledger holds the committed state (watermark, remembered ids, counter
 * values). A batch of events (one API page, or one Data Streamer push) is deduplicated against the
 * remembered ids, its increments are computed, the state that includes them is persisted, and only
 * then are they committed (visible to /metrics). Everything here is synchronous, so batches never
 * interleave, and a crash at any point leaves the last persisted state, which matches what was shown.
 */
import { EmnifyEvent, EventTypeNames } from '@emnify-events/client';
import { CountDelta, Counts, withDelta } from './counts';
import { DedupWindow } from './dedup';
import { eventLabels } from './labels';
import { ExporterState } from './state';

export type EventOrigin = 'poll' | 'push';

export interface IngestResult {
  counted: number;
  duplicates: number;
  late: number;
  /** Push events older than the dedup horizon: a poll has covered their time already, so they are not counted. */
  outsideWindow: number;
  /** Events of types the exporter is configured not to count. */
  filtered: number;
}

export interface LedgerOptions {
  overlapMs: number;
  /** Only these type ids are counted (empty: all). */
  eventTypes: ReadonlySet<number>;
  /** Writes the state durably; throws on failure. */
  persist: (state: ExporterState) => void;
  /** Told each committed delta, right after its state was persisted (publishes it to /metrics). */
  onCommit?: (delta: CountDelta) => void;
}

export function floorSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export class Ledger {
  private watermarkMs: number;
  private readonly dedup: DedupWindow;
  private committed: Counts;
  private lateTotal: number;
  readonly typeNames = new EventTypeNames();

  constructor(
    state: ExporterState,
    private readonly options: LedgerOptions
  ) {
    this.watermarkMs = state.watermark;
    this.dedup = new DedupWindow(state.ids);
    this.committed = state.counts;
    this.lateTotal = state.lateEvents;
  }

  get watermark(): number {
    return this.watermarkMs;
  }

  get counts(): Counts {
    return this.committed;
  }

  get rememberedIds(): number {
    return this.dedup.size;
  }

  get lateEvents(): number {
    return this.lateTotal;
  }

  /**
   * The oldest event time a poll can still return: polls start at floorSecond(watermark - overlap), so
   * every id at or above one second before that is remembered, and nothing a poll serves can be counted twice.
   */
  horizon(): number {
    return floorSecond(this.watermarkMs - this.options.overlapMs) - 1000;
  }

  /** The `from` of the next poll window. */
  windowStart(): number {
    return floorSecond(this.watermarkMs - this.options.overlapMs);
  }

  ingest(events: readonly EmnifyEvent[], origin: EventOrigin): IngestResult {
    const result: IngestResult = { counted: 0, duplicates: 0, late: 0, outsideWindow: 0, filtered: 0 };
    const delta = new CountDelta();
    const fresh = new Map<number, number>();
    const horizon = this.horizon();
    for (const event of events) {
      if (this.options.eventTypes.size > 0 && !this.options.eventTypes.has(event.typeId)) {
        result.filtered++;
        continue;
      }
      if (this.dedup.has(event.id) || fresh.has(event.id)) {
        result.duplicates++;
        continue;
      }
      if (event.time < horizon) {
        result.outsideWindow++;
        continue;
      }
      if (event.time < this.watermarkMs && origin === 'poll') {
        // Shown by the API only after a complete window had covered its timestamp.
        result.late++;
      }
      fresh.set(event.id, event.time);
      const labels = eventLabels(event, this.typeNames);
      delta.addEvent([labels.event_type, labels.event_severity, labels.event_source, labels.country, labels.operator]);
      if (event.volume) {
        delta.addVolume(['rx', labels.country, labels.operator], event.volume.rx);
        delta.addVolume(['tx', labels.country, labels.operator], event.volume.tx);
      }
      result.counted++;
    }
    if (fresh.size > 0) {
      const counts = withDelta(this.committed, delta);
      this.options.persist({
        watermark: this.watermarkMs,
        ids: [...this.dedup.entries(), ...fresh.entries()],
        counts,
        lateEvents: this.lateTotal + result.late,
      });
      // Persisted: now commit.
      for (const [id, time] of fresh) {
        this.dedup.add(id, time);
      }
      this.committed = counts;
      this.lateTotal += result.late;
      this.options.onCommit?.(delta);
    }
    return result;
  }

  /** Every page of a window up to `until` was read: advance the watermark, forget ids below the new horizon. */
  completeWindow(until: number): void {
    if (until <= this.watermarkMs) {
      return;
    }
    const previous = this.watermarkMs;
    this.watermarkMs = until;
    const horizon = this.horizon();
    const kept = this.dedup.entries().filter(([, time]) => time >= horizon);
    try {
      this.options.persist({ watermark: until, ids: kept, counts: this.committed, lateEvents: this.lateTotal });
    } catch (err) {
      this.watermarkMs = previous;
      throw err;
    }
    this.dedup.prune(horizon);
  }

  snapshot(): ExporterState {
    return { watermark: this.watermarkMs, ids: this.dedup.entries(), counts: this.committed, lateEvents: this.lateTotal };
  }
}
