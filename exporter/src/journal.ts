/**
 * The state on disk: a base snapshot plus an append-only journal of deltas, so that committing a page
 * costs O(page), not O(state). Their text in stateFormat.ts; the state and applyDelta in state.ts.
 *
 * - Commit point: a delta is written to the journal and fdatasync'ed before the ledger applies it in
 *   memory and publishes it to /metrics. A delta whose write or sync fails is cut off the journal again
 *   (ftruncate + fdatasync) before anything else is appended; until that succeeds nothing is appended.
 * - Restart: load the base, replay the journal lines whose `seq` is above the base's. The journal is a
 *   strict sequence (each line's seq one above the previous) whose first line is at most base seq + 1.
 * - Torn last line: only one append is ever in flight, so a crash mid-write can damage only the last
 *   line. A last line that is unterminated or does not parse is that append: it was never synced, so
 *   never published, and is dropped (cut off the file at open). A bad line anywhere before the last is
 *   corruption: open fails with the line number (the operator restores or moves the files away).
 * - Compaction: the base is rewritten from the in-memory state with the journal's last seq (temp file,
 *   fsync, rename, fsync of the directory), then the journal is truncated to 0 and synced. A crash before
 *   the rename leaves the old base with the full journal; after it, the new base with stale journal
 *   lines that replay skips (seq at or below the base's). The journal is truncated only once the rename
 *   is known durable (the directory fsync succeeded); where the filesystem refuses a directory fsync
 *   the journal keeps its stale lines, which replay skips.
 */
import { closeSync, constants, fdatasyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDir, removeTemp, writeAtomic } from './durableFile';
import { StateError } from './errors';
import { ExporterState, StateDelta, applyDelta, fromReplayState, toReplayState } from './state';
import { JournalRecord, parseState, readRecord, serializeRecord, serializeState } from './stateFormat';

/** Points of an append or a compaction, in order, where tests simulate a crash or inject a failure. */
export type JournalStep =
  'append-written' | 'base-tmp-written' | 'base-renamed' | 'base-durable' | 'journal-truncated' | 'compacted';

export interface JournalOptions {
  /** Journal growth since the last compaction that triggers one, at least (default 4 MiB; at least the base's size). */
  compactAfterBytes?: number;
  /** Tests only: told each step; throwing there injects a failure at that point. */
  onStep?: (step: JournalStep) => void;
}

export interface OpenedState {
  state: ExporterState;
  journal: StateJournal;
  /** False on the very first start: there was no state, and `initial` was written as the base. */
  loaded: boolean;
  /** Journal deltas replayed on top of the base. */
  replayed: number;
  /** Bytes of a torn last journal line dropped (a crash during an append that was never published). */
  tornBytes: number;
  /** Whether a temp file of a compaction cut short by a crash was found and removed. */
  removedTemp: boolean;
}

const DEFAULT_COMPACT_AFTER_BYTES = 4 * 1024 * 1024;

export const journalPathOf = (statePath: string): string => `${statePath}.journal`;

function readIfExists(path: string, what: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new StateError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

export interface JournalScan {
  records: JournalRecord[];
  /** Bytes up to the end of the last valid line. */
  goodLength: number;
  /** Start offset of each record's line. */
  offsets: number[];
}

/** Parses the journal's lines; a bad last line is torn (left out of goodLength), a bad line before it an error. */
export function scanJournal(buf: Buffer, path: string): JournalScan {
  const records: JournalRecord[] = [];
  const offsets: number[] = [];
  let pos = 0;
  let line = 0;
  while (pos < buf.length) {
    line++;
    const nl = buf.indexOf(10, pos);
    // An unterminated line is torn even if it parses: the newline is part of the write that was synced.
    const record = nl === -1 ? 'unterminated' : readRecord(buf.toString('utf8', pos, nl));
    if (typeof record === 'string') {
      if (nl === -1 || nl + 1 === buf.length) {
        break;
      }
      throw new StateError(
        `state journal ${path} is corrupt at line ${line} (byte ${pos}), before its last line (${record}): restore it, or move it and the state file away to start counting afresh`
      );
    }
    const previous = records[records.length - 1];
    if (previous && record.seq !== previous.seq + 1) {
      throw new StateError(
        `state journal ${path} line ${line} has delta ${record.seq} after delta ${previous.seq}: restore it, or move it and the state file away to start counting afresh`
      );
    }
    records.push(record);
    offsets.push(pos);
    pos = nl + 1;
  }
  return { records, goodLength: pos, offsets };
}

function openJournalFd(path: string): number {
  try {
    return openSync(path, constants.O_RDWR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL, 0o600);
  // The new directory entry must be durable before any delta in it is published.
  fsyncDir(dirname(path));
  return fd;
}

/** The state files as they are on disk, read and replayed without changing them. */
export interface StoredState {
  /** Base + journal; undefined when there is no state file yet (the very first start). */
  state?: ExporterState;
  /** The sequence number of the last delta in the base or the journal. */
  seq: number;
  baseBytes: number;
  /** Journal deltas replayed on top of the base. */
  replayed: number;
  /** Bytes of the journal's valid lines; bytes past them are a torn last line. */
  goodLength: number;
  /** Bytes of journal lines at or below the base's seq (left by a compaction cut short). */
  staleBytes: number;
  journalBytes: number;
}

/** Reads the base and replays the journal on it, changing no file (a start, and `--config.check`). */
export function readState(path: string): StoredState {
  const jpath = journalPathOf(path);
  const baseText = readIfExists(path, 'state file');
  const journalBuf = readIfExists(jpath, 'state journal') ?? Buffer.alloc(0);
  if (!baseText) {
    if (journalBuf.length > 0) {
      throw new StateError(
        `state journal ${jpath} exists but the state file ${path} does not: restore the state file, or move the journal away to start counting afresh`
      );
    }
    return { seq: 0, baseBytes: 0, replayed: 0, goodLength: 0, staleBytes: 0, journalBytes: 0 };
  }
  const base = parseState(baseText.toString('utf8'), path);
  const scan = scanJournal(journalBuf, jpath);
  const first = scan.records[0];
  if (first && first.seq > base.seq + 1) {
    throw new StateError(
      `state journal ${jpath} starts at delta ${first.seq} but the state file ${path} includes deltas up to ${base.seq} only: deltas are missing; restore the files, or move both away to start counting afresh`
    );
  }
  const replay = toReplayState(base.state);
  let replayed = 0;
  let staleBytes = scan.goodLength;
  scan.records.forEach((record, i) => {
    if (record.seq > base.seq) {
      if (replayed === 0) {
        staleBytes = scan.offsets[i];
      }
      // Over a base of an earlier format the journal may hold lines of that format too: no id counts as polled.
      applyDelta(replay, record.delta, base.legacy);
      replayed++;
    }
  });
  return {
    state: fromReplayState(replay),
    seq: Math.max(base.seq, scan.records[scan.records.length - 1]?.seq ?? 0),
    baseBytes: baseText.length,
    replayed,
    goodLength: scan.goodLength,
    staleBytes,
    journalBytes: journalBuf.length,
  };
}

/**
 * Loads the state (base + journal replay) or, on the very first start, writes `initial()` as the base;
 * opens the journal for appending (cutting off a torn last line).
 */
export function openState(path: string, initial: () => ExporterState, options: JournalOptions = {}): OpenedState {
  const jpath = journalPathOf(path);
  const stored = readState(path);
  // A compaction's temp file is never read (the rename publishes it): one left by a crash is garbage.
  const removedTemp = removeTemp(path);
  let state = stored.state;
  let baseBytes = stored.baseBytes;
  if (!state) {
    state = initial();
    const text = serializeState(state, 0);
    try {
      writeAtomic(path, text);
    } catch (err) {
      throw new StateError(`cannot write state file ${path}: ${(err as Error).message}`);
    }
    baseBytes = text.length;
  }
  let fd: number;
  try {
    fd = openJournalFd(jpath);
    if (stored.journalBytes > stored.goodLength) {
      ftruncateSync(fd, stored.goodLength);
      fdatasyncSync(fd);
    }
  } catch (err) {
    throw new StateError(`cannot open state journal ${jpath}: ${(err as Error).message}`);
  }
  const journal = new StateJournal(
    path,
    fd,
    { seq: stored.seq, size: stored.goodLength, sizeAtCompaction: stored.staleBytes, baseBytes },
    options
  );
  return {
    state,
    journal,
    loaded: stored.state !== undefined,
    replayed: stored.replayed,
    tornBytes: stored.journalBytes - stored.goodLength,
    removedTemp,
  };
}

export class StateJournal {
  private fd: number | undefined;
  private seq: number;
  /** Bytes of valid lines in the journal file. */
  private size: number;
  private sizeAtCompaction: number;
  private baseBytes: number;
  /** A failed append or truncation may have left bytes past `size`: cut them off before the next append. */
  private dirty = false;
  private readonly compactAfterBytes: number;
  private readonly step: (step: JournalStep) => void;

  constructor(
    readonly path: string,
    fd: number,
    at: { seq: number; size: number; sizeAtCompaction: number; baseBytes: number },
    options: JournalOptions = {}
  ) {
    this.fd = fd;
    this.seq = at.seq;
    this.size = at.size;
    this.sizeAtCompaction = at.sizeAtCompaction;
    this.baseBytes = at.baseBytes;
    this.compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    this.step = options.onStep ?? (() => {});
  }

  get journalPath(): string {
    return journalPathOf(this.path);
  }

  /** The sequence number of the last delta appended. */
  get sequence(): number {
    return this.seq;
  }

  /** Bytes of the journal file (valid lines). */
  get journalBytes(): number {
    return this.size;
  }

  private openFd(): number {
    if (this.fd === undefined) {
      throw new StateError(`state journal ${this.journalPath} is closed`);
    }
    return this.fd;
  }

  private cutOff(fd: number): void {
    ftruncateSync(fd, this.size);
    fdatasyncSync(fd);
    this.dirty = false;
  }

  /** Makes `delta` durable (written and synced) as the next journal line; throws on failure, leaving none of it. */
  append(delta: StateDelta): void {
    const fd = this.openFd();
    if (this.dirty) {
      this.cutOff(fd);
    }
    const buf = Buffer.from(serializeRecord(this.seq + 1, delta) + '\n');
    try {
      let off = 0;
      while (off < buf.length) {
        off += writeSync(fd, buf, off, buf.length - off, this.size + off);
      }
      this.step('append-written');
      fdatasyncSync(fd);
    } catch (err) {
      this.dirty = true;
      try {
        this.cutOff(fd);
      } catch {
        // Still dirty: the next append cuts off first, and fails if it cannot.
      }
      throw err;
    }
    this.seq++;
    this.size += buf.length;
  }

  /** Whether the journal grew enough since the last compaction (at least the base's size, so compaction stays O(1) per byte appended). */
  compactionDue(): boolean {
    return this.size - this.sizeAtCompaction > Math.max(this.compactAfterBytes, this.baseBytes);
  }

  /** Rewrites the base from `state`, which must include every delta appended, and empties the journal. */
  compact(state: ExporterState): void {
    const fd = this.openFd();
    try {
      const text = serializeState(state, this.seq);
      const durable = writeAtomic(this.path, text, this.step);
      this.baseBytes = text.length;
      if (durable) {
        this.step('base-durable');
        // Every journal line is at or below the base's seq now: stale.
        this.size = 0;
        this.dirty = true;
        ftruncateSync(fd, 0);
        this.step('journal-truncated');
        fdatasyncSync(fd);
        this.dirty = false;
      }
      this.step('compacted');
    } finally {
      // Failed or not, the next size-triggered attempt waits for another bound's worth of journal.
      this.sizeAtCompaction = this.size;
    }
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
