/**
 * The event store: history generated at start, live events arriving as a seeded Poisson process, late
 * events that become visible only after their timestamp, and ids assigned in visibility order (so the
 * API's default `id` ascending order is ingestion order, as on a distributed platform).
 */
import { EventTypeDef, typeById } from './catalogue';
import { drawEvent } from './draw';
import { ControlRequestError } from './errors';
import { Rng, mix } from './random';
import type { EventRecord } from './record';
import { World } from './world';

export interface StoreOptions {
  seed: number;
  start: number;
  historyMs: number;
  historyEvents: number;
  eventsPerSecond: number;
  lateFraction: number;
  maxLatenessMs: number;
  /**
   * When live events get their id: `visibility` (default) as they become visible, so ids grow in
   * visibility order; `timestamp` as they happen, so a late event's id is lower than those of events
   * that became visible before it (emnify-api.md promises neither; this lets tests drop the assumption).
   */
  idOrder?: IdOrder;
}

export type IdOrder = 'visibility' | 'timestamp';

/** Event ids look like the platform's: 64-bit, around 3.5e14, growing by irregular steps. */
const FIRST_ID = 351732524384257;
export const RETENTION_MS = 30 * 86_400_000;

export class EventStore {
  /** Visible events, ascending id. */
  readonly visible: EventRecord[] = [];
  /** Changes whenever `visible` changes (events published or expired): the key of cached query results. */
  version = 0;
  private pending: EventRecord[] = [];
  private seq = 0;
  private nextId = FIRST_ID;
  private readonly idRng: Rng;
  private readonly liveRng: Rng;
  private nextArrival: number;

  constructor(
    private readonly world: World,
    private readonly options: StoreOptions
  ) {
    this.idRng = new Rng(mix(options.seed, 0x1d));
    this.liveRng = new Rng(mix(options.seed, 0x11fe));
    this.generateHistory();
    this.nextArrival =
      options.eventsPerSecond > 0 ? options.start + this.liveRng.exponential(1000 / options.eventsPerSecond) : Infinity;
  }

  private generateHistory(): void {
    const { historyEvents, historyMs, start, seed } = this.options;
    const rng = new Rng(mix(seed, 0x4157));
    const times: number[] = [];
    for (let i = 0; i < historyEvents; i++) {
      // Busier by day than by night (UTC), like a European fleet.
      let t = start - rng.next() * historyMs;
      const hour = new Date(t).getUTCHours();
      if ((hour < 5 || hour > 21) && rng.chance(0.5)) {
        t = start - rng.next() * historyMs;
      }
      times.push(Math.floor(t));
    }
    times.sort((a, b) => a - b);
    for (const time of times) {
      this.publish(drawEvent(rng, this.world, this.seq++, time));
    }
  }

  private assignId(rec: EventRecord): void {
    this.nextId += this.idRng.int(1, 65536);
    rec.id = this.nextId;
  }

  private publish(rec: EventRecord): void {
    if (rec.id === 0) {
      this.assignId(rec);
      this.visible.push(rec);
    } else {
      // An id given when the event happened (idOrder 'timestamp'): its place in id order.
      let lo = this.visible.length;
      while (lo > 0 && this.visible[lo - 1].id > rec.id) {
        lo--;
      }
      this.visible.splice(lo, 0, rec);
    }
    this.version++;
  }

  /** Generates live arrivals up to `now` and publishes what has become visible, in visibility order. */
  advance(now: number): void {
    const { eventsPerSecond, lateFraction, maxLatenessMs } = this.options;
    this.expire(now);
    while (this.nextArrival <= now) {
      const rec = drawEvent(this.liveRng, this.world, this.seq++, Math.floor(this.nextArrival));
      if (lateFraction > 0 && maxLatenessMs > 0 && this.liveRng.chance(lateFraction)) {
        // Late: visible between a tenth of the maximum and the maximum after its timestamp.
        rec.visibleAt = rec.time + this.liveRng.int(Math.ceil(maxLatenessMs / 10), maxLatenessMs);
      }
      if (this.options.idOrder === 'timestamp') {
        this.assignId(rec);
      }
      this.pending.push(rec);
      this.nextArrival += this.liveRng.exponential(1000 / eventsPerSecond);
    }
    if (this.pending.length === 0) {
      return;
    }
    // Published in visibility order (ties in generation order): ids grow with visibility, not timestamps
    // (unless idOrder is 'timestamp': then they were given in generation order, i.e. by timestamp).
    const ready = this.pending
      .filter((r) => r.visibleAt <= now)
      .sort((a, b) => a.visibleAt - b.visibleAt || a.seq - b.seq);
    if (ready.length > 0) {
      this.pending = this.pending.filter((r) => r.visibleAt > now);
      for (const rec of ready) {
        this.publish(rec);
      }
    }
  }

  /** Event history is kept 30 days (emnify-api.md §6.2). */
  private expire(now: number): void {
    const horizon = now - RETENTION_MS;
    let drop = 0;
    while (drop < this.visible.length && this.visible[drop].time < horizon) {
      drop++;
    }
    if (drop > 0) {
      this.visible.splice(0, drop);
      this.version++;
    }
  }

  /** Adds `count` events now (for tests): timestamped `now - lateByMs`, visible at once. */
  add(now: number, count: number, lateByMs = 0, typeId?: number): EventRecord[] {
    this.advance(now);
    const forced: EventTypeDef | undefined = typeId !== undefined ? typeById(typeId) : undefined;
    if (typeId !== undefined && !forced) {
      throw new ControlRequestError(`typeId: unknown event type id ${typeId}`);
    }
    const rng = new Rng(mix(this.options.seed, 0xadd, this.seq));
    const added: EventRecord[] = [];
    for (let i = 0; i < count; i++) {
      const rec = drawEvent(rng, this.world, this.seq++, Math.floor(now - lateByMs), forced);
      rec.visibleAt = now;
      this.publish(rec);
      added.push(rec);
    }
    return added;
  }

  /**
   * Drops the `count` visible events with the lowest ids (the first to have become visible) now, as the
   * 30-day retention does when they age out (for tests: a result that shrinks while it is paged).
   * Returns how many were dropped.
   */
  expireOldest(now: number, count: number): number {
    this.advance(now);
    const dropped = Math.min(count, this.visible.length);
    if (dropped > 0) {
      this.visible.splice(0, dropped);
      this.version++;
    }
    return dropped;
  }

  /** Events not yet visible (late ones in flight). */
  get pendingCount(): number {
    return this.pending.length;
  }
}
