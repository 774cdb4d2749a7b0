/**
 * A least-recently-used cache bounded by the approximate bytes of what it holds (each entry states its
 * size when it is stored). Storing past the bound evicts from the least recently used end; an entry
 * larger than the whole bound is not stored. Entries carry a kind, for the gateway's metrics.
 */

export interface ByteCacheHooks<K extends string> {
  /** After every change: the bytes and entries (by kind) held now. */
  onChange?(bytes: number, entries: Record<K, number>): void;
  onEvict?(kind: K): void;
}

interface Entry<K> {
  value: unknown;
  bytes: number;
  kind: K;
}

export class ByteLruCache<K extends string> {
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry<K>>();
  private held = 0;
  private readonly counts: Record<K, number>;

  constructor(
    readonly maxBytes: number,
    kinds: readonly K[],
    private readonly hooks: ByteCacheHooks<K> = {}
  ) {
    if (!(maxBytes >= 0)) {
      throw new RangeError(`maxBytes must be 0 or more, not ${maxBytes}`);
    }
    this.counts = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>;
  }

  /** The value under `key` (now the most recently used), or undefined. */
  get<V>(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value as V;
  }

  /** Stores `value` as the most recently used; false when it is larger than the whole bound (not stored). */
  set(key: string, value: unknown, bytes: number, kind: K): boolean {
    this.remove(key);
    if (bytes > this.maxBytes) {
      this.changed();
      return false;
    }
    this.entries.set(key, { value, bytes, kind });
    this.held += bytes;
    this.counts[kind]++;
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.maxBytes) {
        break;
      }
      this.remove(oldest);
      this.hooks.onEvict?.(entry.kind);
    }
    this.changed();
    return true;
  }

  delete(key: string): void {
    if (this.remove(key)) {
      this.changed();
    }
  }

  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) {
      return false;
    }
    this.entries.delete(key);
    this.held -= entry.bytes;
    this.counts[entry.kind]--;
    return true;
  }

  private changed(): void {
    this.hooks.onChange?.(this.held, { ...this.counts });
  }
}
