/** The event store (history, live Poisson arrivals, late events, ids in visibility order, retention) and the ground truth. */
import { EventStore, RETENTION_MS, StoreOptions } from './store';
import { groundTruth } from './truth';
import { buildWorld } from './world';

const world = buildWorld(1);
const START = Date.UTC(2026, 0, 10, 12, 0, 0);
const HOUR = 3_600_000;

function store(overrides: Partial<StoreOptions> = {}): EventStore {
  return new EventStore(world, {
    seed: 1,
    start: START,
    historyMs: 24 * HOUR,
    historyEvents: 5000,
    eventsPerSecond: 0,
    lateFraction: 0,
    maxLatenessMs: 20_000,
    ...overrides,
  });
}

const isAscending = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1] < x);

describe('history', () => {
  it('spreads the history events over [start - history, start], all visible at start', () => {
    const s = store();
    expect(s.visible).toHaveLength(5000);
    expect(s.pendingCount).toBe(0);
    const times = s.visible.map((r) => r.time);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(START - 24 * HOUR);
    expect(Math.max(...times)).toBeLessThanOrEqual(START);
    expect(isAscending(times.map((t, i) => t * 10_000 + i))).toBe(true); // time order
    // busier by day than by night (UTC)
    const night = s.visible.filter((r) => new Date(r.time).getUTCHours() < 5).length;
    const day = s.visible.filter((r) => [10, 11, 12, 13, 14].includes(new Date(r.time).getUTCHours())).length;
    expect(night).toBeLessThan(day);
  });

  it('starts ids at 351732524384257 and grows them by irregular positive steps', () => {
    const ids = store().visible.map((r) => r.id);
    expect(ids[0]).toBeGreaterThan(351732524384257);
    expect(ids[0]).toBeLessThanOrEqual(351732524384257 + 65536);
    expect(isAscending(ids)).toBe(true);
    const steps = new Set(ids.slice(1).map((id, i) => id - ids[i]));
    expect(steps.size).toBeGreaterThan(4000);
    expect(ids.every(Number.isSafeInteger)).toBe(true);
  });

  it('is deterministic for a seed and start', () => {
    const [a, b, c] = [store(), store(), store({ seed: 2 })];
    expect(a.visible).toEqual(b.visible);
    expect(c.visible.map((r) => r.id)).not.toEqual(a.visible.map((r) => r.id));
  });

  it('handles an empty history', () => {
    expect(store({ historyEvents: 0 }).visible).toEqual([]);
  });
});

describe('live events', () => {
  it('arrive as a seeded Poisson process at the configured rate, generated lazily up to now', () => {
    const s = store({ historyEvents: 0, eventsPerSecond: 10 });
    s.advance(START + 60_000);
    // 600 expected; a Poisson count stays well within ±15 %.
    expect(s.visible.length).toBeGreaterThan(510);
    expect(s.visible.length).toBeLessThan(690);
    expect(s.visible.every((r) => r.time > START && r.time <= START + 60_000)).toBe(true);
    const again = store({ historyEvents: 0, eventsPerSecond: 10 });
    again.advance(START + 20_000);
    again.advance(START + 60_000);
    expect(again.visible).toEqual(s.visible);
  });

  it('makes a late fraction visible only after a delay up to the maximum, with ids in visibility order', () => {
    const s = store({ historyEvents: 0, eventsPerSecond: 20, lateFraction: 0.3, maxLatenessMs: 10_000 });
    s.advance(START + 60_000);
    const late = s.visible.filter((r) => r.visibleAt > r.time);
    expect(late.length / s.visible.length).toBeGreaterThan(0.2);
    expect(late.length / s.visible.length).toBeLessThan(0.4);
    expect(late.every((r) => r.visibleAt - r.time >= 1000 && r.visibleAt - r.time <= 10_000)).toBe(true);
    expect(s.pendingCount).toBeGreaterThan(0);
    expect(isAscending(s.visible.map((r) => r.id))).toBe(true);
    // ids follow visibility, so some later ids carry earlier timestamps
    const visibleAts = s.visible.map((r) => r.visibleAt);
    expect(visibleAts.every((v, i) => i === 0 || visibleAts[i - 1] <= v)).toBe(true);
    expect(s.visible.some((r, i) => i > 0 && r.time < s.visible[i - 1].time)).toBe(true);
    // 10 s later, everything timestamped up to the first minute is visible, as in a store read much later.
    s.advance(START + 70_000);
    const later = store({ historyEvents: 0, eventsPerSecond: 20, lateFraction: 0.3, maxLatenessMs: 10_000 });
    later.advance(START + 200_000);
    const firstMinute = (x: EventStore) =>
      x.visible
        .filter((r) => r.time <= START + 60_000)
        .map((r) => r.seq)
        .sort((a, b) => a - b);
    expect(firstMinute(s)).toEqual(firstMinute(later));
    expect(s.visible.filter((r) => r.time <= START + 60_000 && r.visibleAt > START + 60_000).length).toBeGreaterThan(0);
  });

  it('with idOrder "timestamp", gives ids as events happen: a late event gets an id below events visible before it', () => {
    const options = { historyEvents: 0, eventsPerSecond: 20, lateFraction: 0.3, maxLatenessMs: 10_000 };
    const s = store({ ...options, idOrder: 'timestamp' });
    s.advance(START + 30_000);
    const seen = new Set(s.visible.map((r) => r.seq));
    s.advance(START + 60_000);
    // Still served in id order, and id order is now time order.
    expect(isAscending(s.visible.map((r) => r.id))).toBe(true);
    expect(s.visible.every((r, i) => i === 0 || s.visible[i - 1].time <= r.time)).toBe(true);
    // Some events that became visible after START + 30 s sit below ids that were visible at START + 30 s.
    const maxIdAt30 = Math.max(...s.visible.filter((r) => seen.has(r.seq)).map((r) => r.id));
    const below = s.visible.filter((r) => !seen.has(r.seq) && r.id < maxIdAt30);
    expect(below.length).toBeGreaterThan(5);
    expect(below.every((r) => r.visibleAt > START + 30_000 && r.visibleAt > r.time)).toBe(true);
    // The same events, times and visibility as in the default order: only the ids differ.
    const byVisibility = store(options);
    byVisibility.advance(START + 60_000);
    const key = (x: EventStore) => x.visible.map((r) => [r.seq, r.time, r.visibleAt]).sort((a, b) => a[0] - b[0]);
    expect(key(s)).toEqual(key(byVisibility));
  });

  it('produces no live events at rate 0', () => {
    const s = store({ historyEvents: 10 });
    s.advance(START + HOUR);
    expect(s.visible).toHaveLength(10);
  });
});

describe('add and retention', () => {
  it('adds events now (or late by some ms), visible at once, with the next ids', () => {
    const s = store({ historyEvents: 3 });
    const lastId = s.visible[2].id;
    const added = s.add(START + 5000, 4, 3000, 18);
    expect(added).toHaveLength(4);
    expect(added.every((r) => r.type.id === 18 && r.time === START + 2000)).toBe(true);
    expect(added[0].id).toBeGreaterThan(lastId);
    expect(s.visible).toHaveLength(7);
    expect(() => s.add(START, 1, 0, 66)).toThrow('unknown event type id 66');
  });

  it('drops events older than the 30-day retention (§6.2)', () => {
    const s = store({ historyEvents: 100, historyMs: 2 * 86_400_000 });
    const v0 = s.version;
    s.advance(START + RETENTION_MS - 86_400_000);
    expect(s.visible.length).toBeGreaterThan(20);
    expect(s.visible.length).toBeLessThan(80);
    expect(s.version).toBeGreaterThan(v0);
    s.advance(START + RETENTION_MS + 1);
    expect(s.visible).toHaveLength(0);
  });
});

describe('ground truth', () => {
  it('counts by type, severity, source, country and operator, and sums Delete PDP volumes in bytes', () => {
    const s = store();
    const truth = groundTruth(s.visible);
    expect(truth.total).toBe(5000);
    expect(truth.newestId).toBe(s.visible[4999].id);
    expect(truth.byLabels.reduce((n, l) => n + l.count, 0)).toBe(5000);
    const telekomUl = s.visible.filter((r) => r.type.id === 1 && r.operator?.name === 'Telekom').length;
    expect(truth.byLabels.find((l) => l.typeId === 1 && l.operator === 'Telekom')).toEqual({
      typeId: 1,
      severityId: 0,
      sourceId: 0,
      countryIso: 'DE',
      operator: 'Telekom',
      count: telekomUl,
    });
    expect(truth.byLabels.filter((l) => l.typeId === 15).every((l) => l.countryIso === '' && l.operator === '')).toBe(
      true
    );
    const deletes = s.visible.filter((r) => r.type.id === 5 && r.operator?.name === 'Vodafone');
    expect(truth.volumeBytes.find((v) => v.operator === 'Vodafone')).toEqual({
      countryIso: 'DE',
      operator: 'Vodafone',
      rx: deletes.reduce((n, r) => n + r.rxBytes, 0),
      tx: deletes.reduce((n, r) => n + r.txBytes, 0),
    });
    expect(truth.volumeBytes.every((v) => Number.isInteger(v.rx) && Number.isInteger(v.tx))).toBe(true);
    expect(groundTruth([])).toEqual({ total: 0, newestId: null, byLabels: [], volumeBytes: [] });
  });
});
