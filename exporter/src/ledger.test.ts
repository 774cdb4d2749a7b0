/**
 * The ledger against a trivial model (../test/countingModel.ts: a Map of ids ever counted and Maps of
 * counts): random sequences of poll pages, pushes, duplicates inside one batch and across batches,
 * window completions and restarts (from the journal on disk). After every step the batch result, the
 * counters, the watermark, the late events and the number of remembered ids must equal the model's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '@emnify-events/simulator';
import { CountingModel, EventWorld, MODEL_LOOKUP, modelEvent, totalsOf } from '../test/countingModel';
import { emptyCounts } from './counts';
import { OpenedState, openState } from './journal';
import { Ledger, MEMORY_STORE } from './ledger';

const T0 = Date.UTC(2026, 3, 1, 12);
const OVERLAP = 30_000;

const lookupTypes = [...MODEL_LOOKUP].map(([id, description]) => ({ id, description }));

function ledgerOn(opened: OpenedState, eventTypes: number[]): Ledger {
  const ledger = new Ledger(opened.state, {
    overlapMs: OVERLAP,
    eventTypes: new Set(eventTypes),
    store: opened.journal,
  });
  ledger.typeNames.addMissing(lookupTypes);
  return ledger;
}

describe('ledger against a trivial model', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'emnify-ledger-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [1, []],
    [2, []],
    [3, [1, 2, 5]],
    [4, []],
    [5, [5, 9]],
  ])('seed %d (counted types %j): every step equals the model', (seed, eventTypes) => {
    const rand = mulberry32(seed);
    const path = join(dir, `seed-${seed}.json`);
    const initial = () => ({ watermark: T0, ids: [], counts: emptyCounts(), lateEvents: 0 });
    let opened = openState(path, initial, { compactAfterBytes: 2000 });
    let ledger = ledgerOn(opened, eventTypes);
    const model = new CountingModel(T0, OVERLAP, MODEL_LOOKUP, new Set(eventTypes));
    const world = new EventWorld(rand);
    const seen = { inBatchDuplicates: 0, duplicates: 0, outside: 0, late: 0, restarts: 0, windows: 0, filtered: 0 };
    for (let step = 0; step < 400; step++) {
      const r = rand();
      if (r < 0.7) {
        const batch = world.batch(ledger.watermark, OVERLAP);
        seen.inBatchDuplicates += batch.length - new Set(batch.map((e) => e.id)).size;
        const origin = rand() < 0.75 ? 'poll' : 'push';
        const expected = model.ingest(batch, origin);
        expect(ledger.ingest(batch, origin)).toEqual(expected);
        seen.duplicates += expected.duplicates;
        seen.outside += expected.outsideWindow;
        seen.late += expected.late;
        seen.filtered += expected.filtered;
      } else if (r < 0.9) {
        // Mostly forward, now and then not (a window that ends at or before the watermark changes nothing).
        const until = ledger.watermark - 2000 + Math.floor(rand() * 20_000);
        ledger.completeWindow(until);
        model.completeWindow(until);
        seen.windows++;
      } else {
        // A restart: nothing survives but what the journal made durable.
        opened.journal.close();
        opened = openState(path, initial, { compactAfterBytes: 2000 });
        expect(totalsOf(opened.state)).toEqual(model.totals());
        ledger = ledgerOn(opened, eventTypes);
        seen.restarts++;
      }
      expect(totalsOf(ledger.snapshot())).toEqual(model.totals());
      expect(ledger.rememberedIds).toBe(model.totals().rememberedIds);
    }
    opened.journal.close();
    // The sequence met every case the model distinguishes.
    expect(seen.inBatchDuplicates).toBeGreaterThan(20);
    expect(seen.duplicates).toBeGreaterThan(50);
    expect(seen.outside).toBeGreaterThan(20);
    expect(seen.late).toBeGreaterThan(5);
    expect(seen.restarts).toBeGreaterThan(20);
    expect(seen.windows).toBeGreaterThan(40);
    expect(seen.filtered > 0).toBe(eventTypes.length > 0);
    expect(Object.keys(model.totals().volume).length).toBeGreaterThan(2);
  });

  it('counts an event twice in one page once (literal case)', () => {
    const ledger = new Ledger(
      { watermark: T0, ids: [], counts: emptyCounts(), lateEvents: 0 },
      { overlapMs: OVERLAP, eventTypes: new Set(), store: MEMORY_STORE }
    );
    ledger.typeNames.addMissing(lookupTypes);
    const rand = mulberry32(1);
    const a = modelEvent(1, T0 + 1000, rand);
    const b = modelEvent(2, T0 + 2000, rand);
    expect(ledger.ingest([a, b, a, a], 'poll')).toEqual({
      counted: 2,
      duplicates: 2,
      late: 0,
      outsideWindow: 0,
      filtered: 0,
    });
    expect([...ledger.counts.events.values()].reduce((x, y) => x + y, 0)).toBe(2);
    expect(ledger.rememberedIds).toBe(2);
  });

  it('remembers ids from one second before the next window start, and forgets older ones (literal case)', () => {
    const ledger = new Ledger(
      { watermark: T0, ids: [], counts: emptyCounts(), lateEvents: 0 },
      { overlapMs: OVERLAP, eventTypes: new Set(), store: MEMORY_STORE }
    );
    const rand = mulberry32(2);
    // T0 = 12:00:00; overlap 30 s: the next window starts 11:59:30, ids are kept from 11:59:29.
    const events = [
      modelEvent(1, Date.UTC(2026, 3, 1, 11, 59, 28, 999), rand),
      modelEvent(2, Date.UTC(2026, 3, 1, 11, 59, 29, 0), rand),
      modelEvent(3, Date.UTC(2026, 3, 1, 12, 0, 10), rand),
    ];
    expect(ledger.ingest(events, 'push')).toMatchObject({ counted: 2, outsideWindow: 1 });
    // Watermark 12:00:40: window start 12:00:10, ids kept from 12:00:09; id 2 is forgotten.
    ledger.completeWindow(Date.UTC(2026, 3, 1, 12, 0, 40));
    expect(ledger.rememberedIds).toBe(1);
    expect(ledger.ingest([events[1], events[2]], 'poll')).toMatchObject({
      counted: 0,
      duplicates: 1,
      outsideWindow: 1,
    });
  });
});
