/**
 * The persisted state: watermark, ids still inside the overlap, and the counter values. Written
 * atomically (temp file + fsync + rename + fsync of the directory), so a SIGKILL at any moment leaves
 * either the old or the new state, never a torn one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Counts, emptyCounts } from './counts';

export const STATE_VERSION = 1;

export interface ExporterState {
  /** Every event with a timestamp before this (epoch ms) has been read by a complete poll window. */
  watermark: number;
  /** [event id, event time] of counted events still inside the overlap. */
  ids: Array<[number, number]>;
  counts: Counts;
  /** Self-metric totals worth keeping across restarts. */
  lateEvents: number;
}

interface StateFile {
  version: number;
  watermark: number;
  ids: Array<[number, number]>;
  events: Array<[string, number]>;
  volume: Array<[string, number]>;
  late_events: number;
}

export class StateError extends Error {}

export function serializeState(state: ExporterState): string {
  const file: StateFile = {
    version: STATE_VERSION,
    watermark: state.watermark,
    ids: state.ids,
    events: [...state.counts.events.entries()],
    volume: [...state.counts.volume.entries()],
    late_events: state.lateEvents,
  };
  return JSON.stringify(file);
}

export function parseState(text: string, path: string): ExporterState {
  let file: StateFile;
  try {
    file = JSON.parse(text) as StateFile;
  } catch {
    throw new StateError(`state file ${path} is not valid JSON: move it away to start counting afresh`);
  }
  if (file.version !== STATE_VERSION || typeof file.watermark !== 'number' || !Array.isArray(file.ids)) {
    throw new StateError(`state file ${path} has an unknown format (version ${String(file.version)}): move it away to start counting afresh`);
  }
  const counts = emptyCounts();
  for (const [k, v] of file.events ?? []) {
    counts.events.set(k, v);
  }
  for (const [k, v] of file.volume ?? []) {
    counts.volume.set(k, v);
  }
  return { watermark: file.watermark, ids: file.ids, counts, lateEvents: file.late_events ?? 0 };
}

/** Reads the state, or `undefined` when there is none yet (first start). */
export function loadState(path: string): ExporterState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new StateError(`cannot read state file ${path}: ${(err as Error).message}`);
  }
  return parseState(text, path);
}

export function saveState(path: string, state: ExporterState): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, serializeState(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  try {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // Some filesystems do not allow fsync on a directory; the rename itself is still atomic.
  }
}
