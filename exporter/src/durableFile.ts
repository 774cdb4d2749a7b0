/** Durable file writes: an atomic replace (temp file, fsync, rename, fsync of the directory). */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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

/** The temp file of an atomic replace of `path` (one per path: each attempt starts it afresh). */
export const tempPathOf = (path: string): string => `${path}.tmp`;

/** Removes the temp file of `path` left by a crash or a failed replace; false when there was none. */
export function removeTemp(path: string): boolean {
  try {
    rmSync(tempPathOf(path));
    return true;
  } catch {
    return false;
  }
}

/**
 * Replaces `path` by `text` atomically: temp file, fsync, rename, fsync of the directory. A crash at
 * any point leaves either the old or the new file. A failure before the rename (a full disk) removes
 * the partial temp file, so it does not hold the space the journal needs. Returns whether the rename
 * is known durable (the directory fsync succeeded). `step` is told each point (tests: crash simulation,
 * fault injection).
 */
export function writeAtomic(
  path: string,
  text: string,
  step: (name: 'base-tmp-written' | 'base-renamed') => void = () => {}
): boolean {
  const tmp = tempPathOf(path);
  try {
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
  } catch (err) {
    removeTemp(path);
    throw err;
  }
  step('base-renamed');
  return fsyncDir(dirname(path));
}
