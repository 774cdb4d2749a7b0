/**
 * The persisted state, as two files: a base snapshot (`<state file>`, written atomically: temp file +
 * fsync + rename + fsync of the directory) and an append-only journal of per-page deltas
 * (`<state file>.journal`, one JSON line each, see journal.ts). This module holds the formats and the
 * pure functions; journal.ts the files.
 *
 * Base (version 2): `{version: 2, seq, watermark, ids, events, volume, late_events}`, where `seq` is the
 * sequence number of the last journal delta the base includes (replay skips deltas at or below it).
 * Version 1 (the format before the journal, no `seq`) still loads, as seq 0.
 *
 * Journal line: `{"seq": n, "ids": [[id, time], ...], "events": [[key, n], ...], "volume": [[key, n], ...],
 * "late": n, "watermark": ms, "prune": ms}`, every field but `seq` optional.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CountMap, Counts, emptyCounts } from './counts';
import { DedupWindow } from './dedup';

export const STATE_VERSION = 2;

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

export class StateError extends Error {}

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

/** fsync of a directory (makes a rename or a file creation in it durable); false where the filesystem refuses it. */
export function fsyncDir(dir: string): boolean {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Replaces `path` by `text` atomically: temp file, fsync, rename, fsync of the directory. A crash at
 * any point leaves either the old or the new file. Returns whether the rename is known durable (the
 * directory fsync succeeded). `step` is told each point (tests: crash simulation, fault injection).
 */
export function writeAtomic(
  path: string,
  text: string,
  step: (name: 'base-tmp-written' | 'base-renamed') => void = () => {}
): boolean {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) {
      off += writeSync(fd, buf, off, buf.length - off);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  step('base-tmp-written');
  renameSync(tmp, path);
  step('base-renamed');
  return fsyncDir(dirname(path));
}
