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
  /** The ids of `ids` counted from a Data Streamer push that no poll has returned yet (none if absent). */
  pushIds?: number[];
  /**
   * Ids of events before this time (epoch ms) may have been forgotten; every counted id at or after it is
   * remembered. Undefined for a state of an earlier format (the ledger then takes the old rule).
   */
  forgottenBelow?: number;
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
  /** The delta's ids came from a push, not from a poll. */
  pushed?: boolean;
  /** Ids counted earlier from a push that a poll has now returned. */
  polled?: readonly number[];
  /** Counter increments by count key. */
  events?: ReadonlyMap<string, number>;
  volume?: ReadonlyMap<string, number>;
  late?: number;
  /** The new watermark (a completed window; lower only when it was ahead of the clock). */
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
  forgottenBelow?: number;
  counts: Counts;
  lateEvents: number;
}

export function toReplayState(state: ExporterState): ReplayState {
  return {
    watermark: state.watermark,
    ids: new DedupWindow(state.ids, state.pushIds ?? []),
    forgottenBelow: state.forgottenBelow,
    counts: state.counts,
    lateEvents: state.lateEvents,
  };
}

export function fromReplayState(state: ReplayState): ExporterState {
  return {
    watermark: state.watermark,
    ids: state.ids.entries(),
    pushIds: state.ids.pushOnlyIds(),
    forgottenBelow: state.forgottenBelow,
    counts: state.counts,
    lateEvents: state.lateEvents,
  };
}

export function addCounts(into: CountMap, from: ReadonlyMap<string, number> | undefined): void {
  if (from) {
    for (const [k, v] of from) {
      into.set(k, (into.get(k) ?? 0) + v);
    }
  }
}

/**
 * Applies one delta in place (the ledger's commit, and the journal's replay). `legacy`: the delta was
 * written before the state recorded which ids a poll has seen (a journal over a base of version 1 or 2),
 * so none of its ids counts as seen by a poll.
 */
export function applyDelta(state: ReplayState, delta: StateDelta, legacy = false): void {
  for (const [id, time] of delta.ids ?? []) {
    state.ids.add(id, time, !legacy && !delta.pushed);
  }
  if (!legacy) {
    for (const id of delta.polled ?? []) {
      state.ids.markPolled(id);
    }
  }
  addCounts(state.counts.events, delta.events);
  addCounts(state.counts.volume, delta.volume);
  state.lateEvents += delta.late ?? 0;
  if (delta.watermark !== undefined) {
    state.watermark = delta.watermark;
  }
  if (delta.prune !== undefined) {
    state.ids.prune(delta.prune);
    state.forgottenBelow = Math.max(state.forgottenBelow ?? -Infinity, delta.prune);
  }
}
