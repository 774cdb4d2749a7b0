/**
 * The exporter's state and the one way it changes: `applyDelta`, used by the ledger as it commits and
 * by a start replaying the journal (so memory and replay cannot drift apart). Pure: the files are
 * stateFormat.ts (their text) and journal.ts (their I/O).
 */
import { CountMap, Counts } from './counts';
import { DedupWindow } from './dedup';

export interface ExporterState {
  /** Every event with a timestamp before this (epoch ms) has been read by a complete poll window. */
  watermark: number;
  /** [event id, event time] of counted events still inside the overlap. */
  ids: Array<[number, number]>;
  counts: Counts;
  /** Self-metric totals worth keeping across restarts. */
  lateEvents: number;
}

/**
 * One committed change of the state: what one page (or push) added, or a window's completion. Applied
 * in this order: ids added, counters incremented, late events added, then the watermark set and the ids
 * with a time below `prune` forgotten.
 */
export interface StateDelta {
  /** [id, time] of the events this delta counted. */
  ids?: ReadonlyArray<readonly [number, number]>;
  /** Counter increments by count key. */
  events?: ReadonlyMap<string, number>;
  volume?: ReadonlyMap<string, number>;
  late?: number;
  /** The new watermark (a completed window). */
  watermark?: number;
  /** Ids with a time below this are forgotten (with a new watermark). */
  prune?: number;
}

/**
 * The state as deltas are applied to it in place: by the ledger as it commits, and by a start replaying
 * the journal (one `applyDelta` for both, so memory and replay cannot drift apart).
 */
export interface ReplayState {
  watermark: number;
  ids: DedupWindow;
  counts: Counts;
  lateEvents: number;
}

export function toReplayState(state: ExporterState): ReplayState {
  return {
    watermark: state.watermark,
    ids: new DedupWindow(state.ids),
    counts: state.counts,
    lateEvents: state.lateEvents,
  };
}

export function fromReplayState(state: ReplayState): ExporterState {
  return { watermark: state.watermark, ids: state.ids.entries(), counts: state.counts, lateEvents: state.lateEvents };
}

export function addCounts(into: CountMap, from: ReadonlyMap<string, number> | undefined): void {
  if (from) {
    for (const [k, v] of from) {
      into.set(k, (into.get(k) ?? 0) + v);
    }
  }
}

/** Applies one delta in place (the ledger's commit, and the journal's replay). */
export function applyDelta(state: ReplayState, delta: StateDelta): void {
  for (const [id, time] of delta.ids ?? []) {
    state.ids.add(id, time);
  }
  addCounts(state.counts.events, delta.events);
  addCounts(state.counts.volume, delta.volume);
  state.lateEvents += delta.late ?? 0;
  if (delta.watermark !== undefined) {
    state.watermark = delta.watermark;
  }
  if (delta.prune !== undefined) {
    state.ids.prune(delta.prune);
  }
}
