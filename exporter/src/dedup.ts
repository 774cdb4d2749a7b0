/**
 * The ids already counted, remembered with their event time so memory stays bounded (ids whose event time
 * fell below every window a poll can still read are pruned), and whether a poll has seen them: an id
 * counted from a Data Streamer push that no poll has returned yet is "push-only". The count check of the
 * poller (windowCheck.ts) counts only ids a poll has seen, because a push can precede the API.
 */
export class DedupWindow {
  private readonly ids = new Map<number, number>();
  /** Ids counted from a push that no poll has returned yet. */
  private readonly pushOnly = new Set<number>();

  constructor(entries: Iterable<readonly [number, number]> = [], pushOnly: Iterable<number> = []) {
    for (const [id, time] of entries) {
      this.ids.set(id, time);
    }
    for (const id of pushOnly) {
      if (this.ids.has(id)) {
        this.pushOnly.add(id);
      }
    }
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Whether a poll has returned `id` (false for an unknown id). */
  isPolled(id: number): boolean {
    return this.ids.has(id) && !this.pushOnly.has(id);
  }

  add(id: number, time: number, polled: boolean): void {
    this.ids.set(id, time);
    if (polled) {
      this.pushOnly.delete(id);
    } else {
      this.pushOnly.add(id);
    }
  }

  /** A poll returned `id`, counted earlier from a push. */
  markPolled(id: number): void {
    this.pushOnly.delete(id);
  }

  /** Forgets ids of events older than `horizon` (epoch ms); returns how many were dropped. */
  prune(horizon: number): number {
    let dropped = 0;
    for (const [id, time] of this.ids) {
      if (time < horizon) {
        this.ids.delete(id);
        this.pushOnly.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.ids.size;
  }

  /** The newest event time remembered, or undefined when none is. */
  newestTime(): number | undefined {
    let newest: number | undefined;
    for (const time of this.ids.values()) {
      if (newest === undefined || time > newest) {
        newest = time;
      }
    }
    return newest;
  }

  /** [id, time] of the ids a poll has returned. */
  *polled(): IterableIterator<[number, number]> {
    for (const entry of this.ids) {
      if (!this.pushOnly.has(entry[0])) {
        yield entry;
      }
    }
  }

  entries(): Array<[number, number]> {
    return [...this.ids.entries()];
  }

  pushOnlyIds(): number[] {
    return [...this.pushOnly];
  }
}
