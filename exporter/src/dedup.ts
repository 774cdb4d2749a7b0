/**
 * The ids already counted, remembered with their event time so memory stays bounded: ids whose event
 * time fell below the polling window can never be served again by a poll, and are pruned.
 */
export class DedupWindow {
  private readonly ids = new Map<number, number>();

  constructor(entries: Iterable<readonly [number, number]> = []) {
    for (const [id, time] of entries) {
      this.ids.set(id, time);
    }
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  add(id: number, time: number): void {
    this.ids.set(id, time);
  }

  /** Forgets ids of events older than `horizon` (epoch ms); returns how many were dropped. */
  prune(horizon: number): number {
    let dropped = 0;
    for (const [id, time] of this.ids) {
      if (time < horizon) {
        this.ids.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.ids.size;
  }

  entries(): Array<[number, number]> {
    return [...this.ids.entries()];
  }
}
