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

const isPair = (p: unknown, key: 'number' | 'string'): boolean =>
  Array.isArray(p) &&
  p.length === 2 &&
  typeof p[0] === key &&
  typeof p[1] === 'number' &&
  Number.isFinite(p[1]) &&
  (key === 'string' || Number.isFinite(p[0]));

/** Parses a base file of version 1 (seq 0) or 2. */
export function parseState(text: string, path: string): { state: ExporterState; seq: number } {
  const away = `move it and its journal (${path}.journal) away to start counting afresh`;
  let file: StateFile;
  try {
    file = JSON.parse(text) as StateFile;
  } catch {
    throw new StateError(`state file ${path} is not valid JSON: ${away}`);
  }
  if (
    !file ||
    typeof file !== 'object' ||
    (file.version !== 1 && file.version !== STATE_VERSION) ||
    typeof file.watermark !== 'number' ||
    !Array.isArray(file.ids)
  ) {
    throw new StateError(`state file ${path} has an unknown format (version ${String(file?.version)}): ${away}`);
  }
  const seq = file.version === 1 ? 0 : file.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new StateError(`state file ${path} has no valid journal sequence number: ${away}`);
  }
  const counts = emptyCounts();
  for (const [k, v] of file.events ?? []) {
    counts.events.set(k, v);
  }
  for (const [k, v] of file.volume ?? []) {
    counts.volume.set(k, v);
  }
  return { state: { watermark: file.watermark, ids: file.ids, counts, lateEvents: file.late_events ?? 0 }, seq };
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

/** A journal line, or `undefined` when it is not one (torn, corrupt). Checks every field's shape. */
export function parseRecord(text: string): JournalRecord | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o) || !Number.isSafeInteger(o.seq) || (o.seq as number) < 1) {
    return undefined;
  }
  const finite = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
  const pairs = (v: unknown, key: 'number' | 'string') =>
    v === undefined || (Array.isArray(v) && v.every((p) => isPair(p, key)));
  if (
    !pairs(o.ids, 'number') ||
    !pairs(o.events, 'string') ||
    !pairs(o.volume, 'string') ||
    !finite(o.late) ||
    !finite(o.watermark) ||
    !finite(o.prune)
  ) {
    return undefined;
  }
  const delta: StateDelta = {
    ids: o.ids as Array<[number, number]> | undefined,
    events: o.events ? new Map(o.events as Array<[string, number]>) : undefined,
    volume: o.volume ? new Map(o.volume as Array<[string, number]>) : undefined,
    late: o.late as number | undefined,
    watermark: o.watermark as number | undefined,
    prune: o.prune as number | undefined,
  };
  return { seq: o.seq as number, delta };
}
