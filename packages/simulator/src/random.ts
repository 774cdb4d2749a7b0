/** Seeded pseudo-random numbers: the simulator is deterministic for a given seed. */

/** mulberry32: small, fast, good enough for simulation; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes several integers into one 32-bit seed (for per-event streams: seed × event sequence). */
export function mix(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const v of values) {
    let x = Math.floor(v) >>> 0;
    const hi = Math.floor(v / 4294967296) >>> 0;
    for (const part of [x, hi]) {
      x = part;
      h ^= x;
      h = Math.imul(h, 0x01000193) >>> 0;
      h ^= h >>> 13;
    }
  }
  return h >>> 0;
}

export class Rng {
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: items are [value, weight]. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, weight] of items) {
      r -= weight;
      if (r < 0) {
        return value;
      }
    }
    return items[items.length - 1][0];
  }

  /** Exponentially distributed interval with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      s += String(this.int(0, 9));
    }
    return s;
  }

  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) {
      s += this.int(0, 15).toString(16);
    }
    return s;
  }
}
