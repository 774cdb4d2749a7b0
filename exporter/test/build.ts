/**
 * Builds the Node packages (client, simulator, exporter) for the suites that run them as processes from
 * dist/. Jest runs suites in parallel workers: a lock directory makes one build run at a time, so no
 * suite starts a file another build is rewriting. Up to date (after `npm run typecheck`), it writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
const LOCK = join(ROOT, 'node_modules', '.cache', 'emnify-events-node-build.lock');
const STALE_MS = 120_000;

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function buildNodePackages(): void {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_MS) {
          // Left by a run that was killed mid-build.
          rmSync(LOCK, { recursive: true, force: true });
        }
      } catch {
        // Released meanwhile.
      }
      sleep(100);
    }
  }
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/client', 'packages/simulator', 'exporter'],
      { cwd: ROOT, stdio: 'inherit' }
    );
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
