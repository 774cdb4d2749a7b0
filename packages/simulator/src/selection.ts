/**
 * Cached query results: the filtered and sorted event list of a (scope, q, sort) is computed once per
 * store version, so paging through a million events with a filter or a sort costs one scan, not one
 * per page.
 */
import type { EventRecord } from './generator';

export class SelectionCache {
  private readonly entries = new Map<string, { version: number; records: readonly EventRecord[] }>();

  constructor(private readonly capacity = 16) {}

  /** The cached result for `key` at `version`, or `compute()` (then cached, least recently used dropped). */
  get(key: string, version: number, compute: () => readonly EventRecord[]): readonly EventRecord[] {
    const hit = this.entries.get(key);
    this.entries.delete(key);
    if (hit && hit.version === version) {
      this.entries.set(key, hit);
      return hit.records;
    }
    const records = compute();
    this.entries.set(key, { version, records });
    while (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    return records;
  }

  get size(): number {
    return this.entries.size;
  }
}
