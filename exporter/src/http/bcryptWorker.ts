/**
 * bcrypt comparisons off the event loop: one worker thread runs them one at a time (as exporter-toolkit
 * serialises them behind a mutex), so a flood of wrong passwords costs that thread, never the scrapes.
 * The worker is plain JavaScript given as text (it runs the same from dist/ and under Jest), using the
 * bcryptjs the exporter depends on. A user that does not exist is compared against a dummy hash of the
 * same cost, so answers do not tell which users exist.
 */
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const bcrypt = require(workerData.bcryptjs);
const dummies = new Map();
const dummyHash = (cost) => {
  if (!dummies.has(cost)) {
    dummies.set(cost, bcrypt.hashSync(randomBytes(18).toString('base64'), cost));
  }
  return dummies.get(cost);
};
parentPort.on('message', ({ id, password, hash, cost }) => {
  let ok = false;
  try {
    ok = bcrypt.compareSync(password, hash === null ? dummyHash(cost) : hash) && hash !== null;
  } catch {
    ok = false;
  }
  parentPort.postMessage({ id, ok });
});
`;

/** The cost factor of a bcrypt hash (`$2y$10$...` → 10). */
export function bcryptCost(hash: string): number {
  return Number(/^\$2[aby]?\$(\d\d)\$/.exec(hash)?.[1] ?? 10);
}

export class BcryptWorker {
  private worker?: Worker;
  private readonly waiting = new Map<number, (ok: boolean) => void>();
  private nextId = 1;

  /** Comparisons sent to the worker and not answered yet. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Whether `password` matches `hash`; `hash` null: compare against a dummy of `cost` and answer false. */
  compare(password: string, hash: string | null, cost: number): Promise<boolean> {
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      worker.postMessage({ id, password, hash, cost });
    });
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptjs: require.resolve('bcryptjs') } });
    worker.unref();
    worker.on('message', ({ id, ok }: { id: number; ok: boolean }) => {
      this.waiting.get(id)?.(ok);
      this.waiting.delete(id);
    });
    // A worker that dies denies what it had (nobody is let in by a crash); the next comparison starts another.
    const fail = () => {
      if (this.worker === worker) {
        this.worker = undefined;
      }
      for (const resolve of this.waiting.values()) {
        resolve(false);
      }
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
