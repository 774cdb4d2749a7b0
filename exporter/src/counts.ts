/**
 * The committed counter values: what `/metrics` shows and what the state (base + journal) holds. Keys
 * are label value tuples (labels.ts). Increments are computed into a `CountDelta` first and applied (in
 * place) only after the journal delta that contains them has been made durable.
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
