/**
 * Cached query results: the filtered and sorted event list of a (scope, q, sort) is computed once per
 * store version, so paging through a million events with a filter or a sort costs one scan, not one
 * per page. Bounded by entries and by the total number of references held.
 */
import type { EventRecord } from './record';

interface Entry {
  version: number;
  records: readonly EventRecord[];
}

export class SelectionCache {
  private readonly entries = new Map<string, Entry>();
  private held = 0;

  constructor(
    private readonly capacity = 16,
    /** At most this many record references in all entries together (8 bytes each). */
    private readonly budget = 4_000_000
  ) {}

  /** The cached result for `key` at `version`, or `compute()` (then cached; least recently used dropped first). */
  get(key: string, version: number, compute: () => readonly EventRecord[]): readonly EventRecord[] {
    const hit = this.entries.get(key);
    if (hit) {
      this.remove(key, hit);
      if (hit.version === version) {
        this.add(key, hit);
        return hit.records;
      }
    }
    const records = compute();
    this.add(key, { version, records });
    for (const [k, e] of this.entries) {
      if (this.entries.size <= this.capacity && this.held <= this.budget) {
        break;
      }
      if (k !== key) {
        this.remove(k, e);
      }
    }
    return records;
  }

  get size(): number {
    return this.entries.size;
  }

  private add(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.held += entry.records.length;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.held -= entry.records.length;
  }
}
