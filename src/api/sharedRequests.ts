/**
 * Identical requests share one in-flight promise, and results are kept a short while, so repeated
 * refreshes and many panels with the same query cost one API read. A shared request is aborted only
 * when every caller waiting on it has gone.
 */
export class SharedRequests<T> {
  private readonly entries = new Map<
    string,
    { promise: Promise<T>; at?: number; waiters: number; abort: AbortController }
  >();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now
  ) {}

  get(key: string, load: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.prune();
    const cached = this.entries.get(key);
    if (cached && (cached.at === undefined || this.now() - cached.at < this.ttlMs)) {
      return this.wait(key, cached, signal);
    }
    const abort = new AbortController();
    const entry = { promise: load(abort.signal), at: undefined as number | undefined, waiters: 0, abort };
    this.entries.set(key, entry);
    entry.promise.then(
      () => {
        entry.at = this.now();
      },
      () => {
        if (this.entries.get(key) === entry) {
          this.entries.delete(key);
        }
      }
    );
    return this.wait(key, entry, signal);
  }

  /** Forgets results older than the TTL: dashboards with moving time ranges make a new key per refresh. */
  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.at !== undefined && now - entry.at >= this.ttlMs) {
        this.entries.delete(key);
      }
    }
  }

  /** Entries held (in flight or cached). */
  get size(): number {
    return this.entries.size;
  }

  private wait(
    key: string,
    entry: { promise: Promise<T>; waiters: number; abort: AbortController; at?: number },
    signal?: AbortSignal
  ): Promise<T> {
    entry.waiters++;
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        entry.waiters--;
        if (entry.waiters === 0 && entry.at === undefined) {
          entry.abort.abort();
          this.entries.delete(key);
        }
        reject(new DOMException('The query was cancelled', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      entry.promise.then(
        (v) => {
          signal?.removeEventListener('abort', onAbort);
          entry.waiters--;
          resolve(v);
        },
        (e) => {
          signal?.removeEventListener('abort', onAbort);
          entry.waiters--;
          reject(e);
        }
      );
    });
  }
}
