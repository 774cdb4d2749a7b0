/**
 * The text of the state files (pure; journal.ts reads and writes them). Two files: a base snapshot
 * (`<state file>`) and an append-only journal of per-page deltas (`<state file>.journal`, one JSON line
 * each).
 *
 * Base (version 2): `{version: 2, seq, watermark, ids, events, volume, late_events}`, where `seq` is the
 * sequence number of the last journal delta the base includes (replay skips deltas at or below it).
 * Version 1 (the format before the journal, no `seq`) still loads, as seq 0.
 *
 * Journal line: `{"seq": n, "ids": [[id, time], ...], "events": [[key, n], ...], "volume": [[key, n], ...],
 * "late": n, "watermark": ms, "prune": ms}`, every field but `seq` optional.
 */
import { emptyCounts } from './counts';
import { StateError } from './errors';
import { ExporterState, StateDelta } from './state';
import { BASE_FIELDS, RECORD_FIELDS, objectProblem } from './stateShape';

export const STATE_VERSION = 2;

/** A journal line: a delta and its sequence number (1, 2, ... continuing across compactions). */
export interface JournalRecord {
  seq: number;
  delta: StateDelta;
}

interface StateFile {
  version: number;
  /** Version 2: the last journal sequence number this base includes. */
  seq?: number;
  watermark: number;
  ids: Array<[number, number]>;
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
    events: [...state.counts.events.entries()],
    volume: [...state.counts.volume.entries()],
    late_events: state.lateEvents,
  };
  return JSON.stringify(file);
}

/** Parses a base file of version 1 (seq 0) or 2, checking its whole shape (stateShape.ts). */
export function parseState(text: string, path: string): { state: ExporterState; seq: number } {
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
  const counts = emptyCounts();
  for (const [k, v] of file.events ?? []) {
    counts.events.set(k, v);
  }
  for (const [k, v] of file.volume ?? []) {
    counts.volume.set(k, v);
  }
  const state = { watermark: file.watermark, ids: file.ids, counts, lateEvents: file.late_events ?? 0 };
  return { state, seq: file.version === 1 ? 0 : file.seq! };
}

/** A journal line (without its newline). */
export function serializeRecord(seq: number, delta: StateDelta): string {
  const line: Record<string, unknown> = { seq };
  if (delta.ids && delta.ids.length > 0) {
    line.ids = delta.ids;
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
