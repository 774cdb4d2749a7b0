/**
 * The text of the state files (pure; journal.ts reads and writes them). Two files: a base snapshot
 * (`<state file>`) and an append-only journal of per-page deltas (`<state file>.journal`, one JSON line
 * each).
 *
 * Base (version 3): `{version: 3, seq, watermark, ids, push_ids, forgotten_below, events, volume,
 * late_events}`, where `seq` is the sequence number of the last journal delta the base includes (replay
 * skips deltas at or below it), `push_ids` the ids of `ids` that only a push has shown (no poll yet), and
 * `forgotten_below` the time below which ids may have been forgotten.
 * Version 2 (no `push_ids`, `forgotten_below`) and version 1 (the format before the journal, no `seq`,
 * loaded as seq 0) still load: they did not record which ids a poll had seen, so every id they hold, and
 * every id of the journal replayed over them, is taken as push-only (the poller's count check then reads
 * the overlap once); `forgotten_below` is left undefined (the ledger applies the rule of those versions).
 *
 * Journal line: `{"seq": n, "ids": [[id, time], ...], "pushed": true, "polled": [id, ...], "events": [[key,
 * n], ...], "volume": [[key, n], ...], "late": n, "watermark": ms, "prune": ms}`, every field but `seq`
 * optional (`pushed`: the ids came from a push; `polled`: push-only ids a poll has now returned).
 */
import { emptyCounts } from './counts';
import { StateError } from './errors';
import { ExporterState, StateDelta } from './state';
import { BASE_FIELDS, RECORD_FIELDS, objectProblem } from './stateShape';

export const STATE_VERSION = 3;

/** A journal line: a delta and its sequence number (1, 2, ... continuing across compactions). */
export interface JournalRecord {
  seq: number;
  delta: StateDelta;
}

interface StateFile {
  version: number;
  /** Version 2 and 3: the last journal sequence number this base includes. */
  seq?: number;
  watermark: number;
  ids: Array<[number, number]>;
  /** Version 3: ids of `ids` no poll has returned yet. */
  push_ids?: number[];
  /** Version 3: ids of events before this time may have been forgotten. */
  forgotten_below?: number;
  events: Array<[string, number]>;
  volume: Array<[string, number]>;
  late_events: number;
}

/** The base file's text: `state` including every journal delta up to `seq`. */
export function serializeState(state: ExporterState, seq = 0): string {
  const file: StateFile = {
    version: STATE_VERSION,
    seq,
    watermark: state.watermark,
    ids: state.ids,
    push_ids: state.pushIds,
    forgotten_below: state.forgottenBelow,
    events: [...state.counts.events.entries()],
    volume: [...state.counts.volume.entries()],
    late_events: state.lateEvents,
  };
  return JSON.stringify(file);
}

/**
 * Parses a base file of version 1 (seq 0), 2 or 3, checking its whole shape (stateShape.ts). `legacy`: a version before 3, which did not record
 * which ids a poll had seen (its ids, and those of the journal replayed over it, count as push-only).
 */
export function parseState(text: string, path: string): { state: ExporterState; seq: number; legacy: boolean } {
  const away = `move it and its journal (${path}.journal) away to start counting afresh`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StateError(`state file ${path} is not valid JSON: ${away}`);
  }
  const problem = objectProblem(parsed, BASE_FIELDS);
  if (problem !== undefined) {
    throw new StateError(`state file ${path} is not a state of this exporter: ${problem}: restore it, or ${away}`);
  }
  const file = parsed as StateFile;
  const seq = file.version === 1 ? 0 : file.seq!;
  const legacy = file.version < STATE_VERSION;
  const counts = emptyCounts();
  for (const [k, v] of file.events ?? []) {
    counts.events.set(k, v);
  }
  for (const [k, v] of file.volume ?? []) {
    counts.volume.set(k, v);
  }
  const state: ExporterState = {
    watermark: file.watermark,
    ids: file.ids,
    // Earlier versions did not record which ids a poll had seen: none counts as seen.
    pushIds: legacy ? file.ids.map(([id]) => id) : (file.push_ids ?? []),
    forgottenBelow: legacy ? undefined : file.forgotten_below,
    counts,
    lateEvents: file.late_events ?? 0,
  };
  return { state, seq, legacy };
}

/** A journal line (without its newline). */
export function serializeRecord(seq: number, delta: StateDelta): string {
  const line: Record<string, unknown> = { seq };
  if (delta.ids && delta.ids.length > 0) {
    line.ids = delta.ids;
    if (delta.pushed) {
      line.pushed = true;
    }
  }
  if (delta.polled && delta.polled.length > 0) {
    line.polled = delta.polled;
  }
  if (delta.events && delta.events.size > 0) {
    line.events = [...delta.events];
  }
  if (delta.volume && delta.volume.size > 0) {
    line.volume = [...delta.volume];
  }
  if (delta.late) {
    line.late = delta.late;
  }
  if (delta.watermark !== undefined) {
    line.watermark = delta.watermark;
  }
  if (delta.prune !== undefined) {
    line.prune = delta.prune;
  }
  return JSON.stringify(line);
}

/** A journal line, or what is wrong with it (torn, corrupt): every field's shape is checked (stateShape.ts). */
export function readRecord(text: string): JournalRecord | string {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const problem = objectProblem(o, RECORD_FIELDS);
  if (problem !== undefined) {
    return problem;
  }
  const line = o as Record<string, unknown>;
  const delta: StateDelta = {
    ids: line.ids as Array<[number, number]> | undefined,
    pushed: line.pushed === true ? true : undefined,
    polled: line.polled as number[] | undefined,
    events: line.events ? new Map(line.events as Array<[string, number]>) : undefined,
    volume: line.volume ? new Map(line.volume as Array<[string, number]>) : undefined,
    late: line.late as number | undefined,
    watermark: line.watermark as number | undefined,
    prune: line.prune as number | undefined,
  };
  return { seq: line.seq as number, delta };
}

/** A journal line, or `undefined` when it is not one. */
export function parseRecord(text: string): JournalRecord | undefined {
  const record = readRecord(text);
  return typeof record === 'string' ? undefined : record;
}
