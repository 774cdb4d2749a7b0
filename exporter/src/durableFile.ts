/** Durable file writes: an atomic replace (temp file, fsync, rename, fsync of the directory). */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
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
