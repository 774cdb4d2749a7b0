/**
 * The committed counter values: what `/metrics` shows and what the state file holds. Keys are label
 * value tuples (labels.ts). Increments are computed into a `CountDelta` first and applied only after
 * the state that contains them has been persisted.
 */
import { labelKey } from './labels';

export type CountMap = Map<string, number>;

export interface Counts {
  /** [event_type, event_severity, event_source, country, operator] → events. */
  events: CountMap;
  /** [direction, country, operator] → bytes. */
  volume: CountMap;
}

export function emptyCounts(): Counts {
  return { events: new Map(), volume: new Map() };
}

export class CountDelta {
  readonly events: CountMap = new Map();
  readonly volume: CountMap = new Map();

  addEvent(values: readonly string[]): void {
    const key = labelKey(values);
    this.events.set(key, (this.events.get(key) ?? 0) + 1);
  }

  addVolume(values: readonly string[], bytes: number): void {
    if (bytes <= 0) {
      return;
    }
    const key = labelKey(values);
    this.volume.set(key, (this.volume.get(key) ?? 0) + bytes);
  }

  get empty(): boolean {
    return this.events.size === 0 && this.volume.size === 0;
  }
}

/** `base` plus `delta`, as a new Counts (base untouched). */
export function withDelta(base: Counts, delta: CountDelta): Counts {
  const add = (into: CountMap, from: CountMap) => {
    const out = new Map(into);
    for (const [k, v] of from) {
      out.set(k, (out.get(k) ?? 0) + v);
    }
    return out;
  };
  return { events: add(base.events, delta.events), volume: add(base.volume, delta.volume) };
}
