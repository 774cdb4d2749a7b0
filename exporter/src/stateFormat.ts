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

const isPair = (p: unknown, key: 'number' | 'string'): boolean =>
  Array.isArray(p) &&
  p.length === 2 &&
  typeof p[0] === key &&
  typeof p[1] === 'number' &&
  Number.isFinite(p[1]) &&
  (key === 'string' || Number.isFinite(p[0]));

const isIdList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((id) => typeof id === 'number' && Number.isSafeInteger(id));

/**
 * Parses a base file of version 1 (seq 0), 2 or 3. `legacy`: a version before 3, which did not record
 * which ids a poll had seen (its ids, and those of the journal replayed over it, count as push-only).
 */
export function parseState(text: string, path: string): { state: ExporterState; seq: number; legacy: boolean } {
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
    (file.version !== 1 && file.version !== 2 && file.version !== STATE_VERSION) ||
    typeof file.watermark !== 'number' ||
    !Array.isArray(file.ids)
  ) {
    throw new StateError(`state file ${path} has an unknown format (version ${String(file?.version)}): ${away}`);
  }
  const seq = file.version === 1 ? 0 : file.seq;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new StateError(`state file ${path} has no valid journal sequence number: ${away}`);
  }
  const legacy = file.version < STATE_VERSION;
  if (
    !legacy &&
    ((file.push_ids !== undefined && !isIdList(file.push_ids)) ||
      (file.forgotten_below !== undefined &&
        (typeof file.forgotten_below !== 'number' || !Number.isFinite(file.forgotten_below))))
  ) {
    throw new StateError(`state file ${path} has an invalid push_ids or forgotten_below: ${away}`);
  }
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
    (o.pushed !== undefined && o.pushed !== true) ||
    (o.polled !== undefined && !isIdList(o.polled)) ||
    !finite(o.late) ||
    !finite(o.watermark) ||
    !finite(o.prune)
  ) {
    return undefined;
  }
  const delta: StateDelta = {
    ids: o.ids as Array<[number, number]> | undefined,
    pushed: o.pushed === true ? true : undefined,
    polled: o.polled as number[] | undefined,
    events: o.events ? new Map(o.events as Array<[string, number]>) : undefined,
    volume: o.volume ? new Map(o.volume as Array<[string, number]>) : undefined,
    late: o.late as number | undefined,
    watermark: o.watermark as number | undefined,
    prune: o.prune as number | undefined,
  };
  return { seq: o.seq as number, delta };
}
