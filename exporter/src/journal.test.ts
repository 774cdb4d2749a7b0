/**
 * The state on disk (base + journal): the upgrade from the single-file format, torn and corrupt journal
 * lines, a crash (or a failure) at every step of an append and of a compaction, and replay: for random
 * sequences of pages, pushes, window completions, compactions and restarts, what a restart loads equals
 * totals computed independently, in the test, from the deltas appended (DeltaTotals) or from the events
 * ingested (../test/countingModel.ts), never through the code's own applyDelta.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '@emnify-events/simulator';
import { CountingModel, EventWorld, MODEL_LOOKUP, modelEvent, totalsOf } from '../test/countingModel';
import { loadConfig } from './config';
import { emptyCounts } from './counts';
import { createExporter } from './exporter';
import { JournalOptions, JournalStep, OpenedState, journalPathOf, openState } from './journal';
import { labelKey } from './labels';
import { Ledger, LedgerStore } from './ledger';
import { silentLogger } from './logger';
import { StateError } from './errors';
import { ExporterState, StateDelta } from './state';

/** A state as plain sorted data, for toEqual. */
function plain(state: ExporterState) {
  const sorted = <K>(entries: Iterable<[K, number]>) =>
    [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    watermark: state.watermark,
    ids: sorted(state.ids),
    events: sorted(state.counts.events),
    volume: sorted(state.counts.volume),
    lateEvents: state.lateEvents,
  };
}

const T0 = Date.UTC(2026, 3, 1, 12);
const fresh = (): ExporterState => ({ watermark: T0, ids: [], counts: emptyCounts(), lateEvents: 0 });

/** A random delta: a page (ids, increments, late) or, now and then, a window completion. */
function randomDelta(rand: () => number, model: { watermark: number }, nextId: () => number): StateDelta {
  if (rand() < 0.15) {
    const watermark = model.watermark + Math.floor(rand() * 20_000);
    return { watermark, prune: watermark - 30_000 };
  }
  const ids: Array<[number, number]> = [];
  const events = new Map<string, number>();
  const volume = new Map<string, number>();
  const n = 1 + Math.floor(rand() * 20);
  for (let i = 0; i < n; i++) {
    ids.push([nextId(), model.watermark - 30_000 + Math.floor(rand() * 60_000)]);
    const key = labelKey([
      `type ${Math.floor(rand() * 5)}`,
      'INFO',
      'Network',
      'DE',
      `op "${Math.floor(rand() * 3)}"\n`,
    ]);
    events.set(key, (events.get(key) ?? 0) + 1);
    if (rand() < 0.3) {
      const v = labelKey(['rx', 'DE', 'op']);
      volume.set(v, (volume.get(v) ?? 0) + Math.floor(rand() * 1e9));
    }
  }
  return { ids, events, volume, late: rand() < 0.2 ? 1 : 0 };
}

const lastCompactedWatermark = (path: string): number =>
  (JSON.parse(readFileSync(path, 'utf8')) as { watermark: number }).watermark;

/**
 * What a sequence of journal deltas adds up to, computed plainly in the test (not with applyDelta, the
 * code under test): every increment summed, the last watermark, the ids added and not pruned since.
 */
class DeltaTotals {
  watermark = T0;
  private ids = new Map<number, number>();
  private events = new Map<string, number>();
  private volume = new Map<string, number>();
  private late = 0;

  add(delta: StateDelta): this {
    for (const [id, time] of delta.ids ?? []) {
      this.ids.set(id, time);
    }
    for (const [key, n] of delta.events ?? []) {
      this.events.set(key, (this.events.get(key) ?? 0) + n);
    }
    for (const [key, n] of delta.volume ?? []) {
      this.volume.set(key, (this.volume.get(key) ?? 0) + n);
    }
    this.late += delta.late ?? 0;
    if (delta.watermark !== undefined) {
      this.watermark = delta.watermark;
    }
    if (delta.prune !== undefined) {
      const below = delta.prune;
      this.ids = new Map([...this.ids].filter(([, time]) => time >= below));
    }
    return this;
  }

  copy(): DeltaTotals {
    return Object.assign(new DeltaTotals(), structuredClone({ ...this }));
  }

  /** As an exporter state (what a compaction writes). */
  state(): ExporterState {
    return {
      watermark: this.watermark,
      ids: [...this.ids],
      counts: { events: new Map(this.events), volume: new Map(this.volume) },
      lateEvents: this.late,
    };
  }

  plain() {
    return plain(this.state());
  }
}

describe('state journal', () => {
  let dir: string;
  let n = 0;
  const newPath = () => {
    const d = join(dir, `case-${++n}`);
    mkdirSync(d);
    return join(d, 'state.json');
  };
  const open = (path: string, options?: JournalOptions): OpenedState => openState(path, fresh, options);
  const reload = (path: string) => {
    const o = open(path);
    o.journal.close();
    return o;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'emnify-journal-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the initial state as the base on the first start, then appends deltas a restart replays', () => {
    const path = newPath();
    const first = open(path);
    expect(first.loaded).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 3, seq: 0, watermark: T0 });
    expect(statSync(journalPathOf(path)).size).toBe(0);
    const model = new DeltaTotals();
    let id = 1;
    const rand = mulberry32(1);
    for (let i = 0; i < 10; i++) {
      const d = randomDelta(rand, model, () => id++);
      first.journal.append(d);
      model.add(d);
    }
    first.journal.close();
    const second = reload(path);
    expect(second.loaded).toBe(true);
    expect(second.replayed).toBe(10);
    expect(plain(second.state)).toEqual(model.plain());
  });

  it('loads a state file of the format before the journal (version 1), and continues it', () => {
    const path = newPath();
    const key = labelKey(['Update location', 'INFO', 'Network', 'DE', 'Telekom']);
    const vkey = labelKey(['rx', 'DE', 'Telekom']);
    // Byte for byte what the single-file exporter wrote.
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        watermark: T0,
        ids: [
          [1001, T0 - 5000],
          [1002, T0 - 1000],
        ],
        events: [[key, 7]],
        volume: [[vkey, 3_000_000]],
        late_events: 2,
      })
    );
    const o = open(path);
    expect(o.loaded).toBe(true);
    expect(plain(o.state)).toEqual({
      watermark: T0,
      ids: [
        [1001, T0 - 5000],
        [1002, T0 - 1000],
      ],
      events: [[key, 7]],
      volume: [[vkey, 3_000_000]],
      lateEvents: 2,
    });
    o.journal.append({ ids: [[1003, T0]], events: new Map([[key, 1]]) });
    o.journal.close();
    expect(plain(reload(path).state).events).toEqual([[key, 8]]);
    // The first compaction writes version 3.
    const again = open(path);
    again.journal.compact(again.state);
    again.journal.close();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 3, seq: 1, late_events: 2 });
    expect(plain(reload(path).state).events).toEqual([[key, 8]]);
  });

  it('version 3 keeps which ids only a push showed and where ids were forgotten; over a base of version 2 no id counts as polled', () => {
    const path = newPath();
    const key = labelKey(['Update location', 'INFO', 'Network', 'DE', 'Telekom']);
    const o = open(path);
    o.journal.append({ ids: [[1, T0]], events: new Map([[key, 1]]) });
    o.journal.append({ ids: [[2, T0 + 1000]], pushed: true, events: new Map([[key, 1]]) });
    o.journal.append({ ids: [[3, T0 + 2000]], pushed: true, events: new Map([[key, 1]]) });
    o.journal.append({ polled: [3] });
    o.journal.append({ watermark: T0 + 60_000, prune: T0 - 31_000 });
    o.journal.close();
    const replayed = reload(path).state;
    expect({ push: replayed.pushIds, forgotten: replayed.forgottenBelow }).toEqual({
      push: [2],
      forgotten: T0 - 31_000,
    });
    // Compacted into the base (version 3) and loaded again: the same.
    const again = open(path);
    again.journal.compact(again.state);
    again.journal.close();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      version: 3,
      push_ids: [2],
      forgotten_below: T0 - 31_000,
    });
    expect(reload(path).state).toMatchObject({ pushIds: [2], forgottenBelow: T0 - 31_000 });

    // A version 2 base with a journal: its ids, and the journal's (whatever they say), are push-only.
    const v2 = newPath();
    writeFileSync(
      v2,
      JSON.stringify({
        version: 2,
        seq: 0,
        watermark: T0,
        ids: [[10, T0 - 1000]],
        events: [],
        volume: [],
        late_events: 0,
      })
    );
    writeFileSync(`${v2}.journal`, `${JSON.stringify({ seq: 1, ids: [[11, T0]], polled: [10] })}\n`);
    const legacy = reload(v2).state;
    expect({ ids: legacy.ids.map(([id]) => id).sort(), push: legacy.pushIds?.sort() }).toEqual({
      ids: [10, 11],
      push: [10, 11],
    });
    expect(legacy.forgottenBelow).toBeUndefined();
  });

  it('the exporter starts from a version 1 state file: counters continue from its values', async () => {
    const path = newPath();
    const key = labelKey(['Update location', 'INFO', 'Network', 'DE', 'Telekom']);
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        watermark: T0,
        ids: [[1001, T0 - 5000]],
        events: [[key, 7]],
        volume: [],
        late_events: 0,
      })
    );
    const exporter = createExporter(
      loadConfig(['--emnify.url', 'http://127.0.0.1:1', '--state.file', path], { EMNIFY_APPLICATION_TOKEN: 'unused' }),
      { logger: silentLogger, now: () => T0 }
    );
    try {
      expect(exporter.ledger.watermark).toBe(T0);
      expect(exporter.ledger.rememberedIds).toBe(1);
      const text = await exporter.metrics.registry.metrics();
      expect(text).toContain(
        'emnify_events_total{event_type="Update location",event_severity="INFO",event_source="Network",country="DE",operator="Telekom"} 7'
      );
    } finally {
      await exporter.stop();
    }
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 3, events: [[key, 7]] });
  });

  describe('a torn last line (crash during an append) is dropped: it was never published', () => {
    const setUp = () => {
      const path = newPath();
      const o = open(path);
      const model = new DeltaTotals();
      const rand = mulberry32(7);
      let id = 1;
      for (let i = 0; i < 5; i++) {
        const d = randomDelta(rand, model, () => id++);
        o.journal.append(d);
        model.add(d);
      }
      const good = statSync(journalPathOf(path)).size;
      const before = model.copy();
      const last = randomDelta(rand, model, () => id++);
      o.journal.append(last);
      o.journal.close();
      const full = readFileSync(journalPathOf(path));
      return { path, good, before, full };
    };

    it('at every byte of the last line', () => {
      const { path, good, before, full } = setUp();
      for (let cut = good; cut < full.length; cut++) {
        writeFileSync(journalPathOf(path), full.subarray(0, cut));
        const o = reload(path);
        expect(plain(o.state)).toEqual(before.plain());
        expect(o.tornBytes).toBe(cut - good);
        // Cut off the file, so that the next append does not land behind the torn bytes.
        expect(statSync(journalPathOf(path)).size).toBe(good);
      }
    });

    it('when the last line is garbage (zeros a filesystem left, a complete but damaged line)', () => {
      const { path, good, before, full } = setUp();
      for (const tail of [
        Buffer.alloc(300),
        Buffer.from('{"seq":6,"ids":[[1,\u0000\u0000]]}\n'),
        Buffer.from('not json\n'),
      ]) {
        writeFileSync(journalPathOf(path), Buffer.concat([full.subarray(0, good), tail]));
        const o = open(path);
        expect(plain(o.state)).toEqual(before.plain());
        expect(o.tornBytes).toBe(tail.length);
        // Appending after the cut-off makes a journal that loads.
        o.journal.append({ late: 1 });
        o.journal.close();
        expect(reload(path).state.lateEvents).toBe(before.state().lateEvents + 1);
      }
    });
  });

  describe('a damaged journal elsewhere is an error naming it', () => {
    const setUp = () => {
      const path = newPath();
      const o = open(path);
      for (let i = 1; i <= 3; i++) {
        o.journal.append({ ids: [[i, T0]], late: 1 });
      }
      o.journal.close();
      return { path, lines: readFileSync(journalPathOf(path), 'utf8').split('\n') };
    };

    it('a corrupt line before the last', () => {
      const { path, lines } = setUp();
      lines[1] = lines[1].slice(0, 10);
      writeFileSync(journalPathOf(path), lines.join('\n'));
      expect(() => open(path)).toThrow(StateError);
      expect(() => open(path)).toThrow(/is corrupt at line 2 \(byte \d+\), before its last line/);
    });

    it.each([
      ['pushed that is not true', '{"seq":2,"ids":[[2,1]],"pushed":false}', '"pushed": false is not true'],
      ['a polled id listed twice', '{"seq":2,"polled":[2,2]}', '"polled"[1]: the event id 2 is listed twice'],
      ['a polled id that is a text', '{"seq":2,"polled":["2"]}', '"polled"[0]: "2" is not an event id'],
    ])('a line with %s', (_what, line, problem) => {
      const { path, lines } = setUp();
      lines[1] = line;
      writeFileSync(journalPathOf(path), lines.join('\n'));
      expect(() => open(path)).toThrow(`is corrupt at line 2`);
      expect(() => open(path)).toThrow(problem);
    });

    it('a missing delta (sequence gap)', () => {
      const { path, lines } = setUp();
      writeFileSync(journalPathOf(path), [lines[0], lines[2], ''].join('\n'));
      expect(() => open(path)).toThrow(/line 2 has delta 3 after delta 1/);
    });

    it('deltas missing between the base and the journal', () => {
      const { path, lines } = setUp();
      writeFileSync(journalPathOf(path), [lines[1], lines[2], ''].join('\n'));
      expect(() => open(path)).toThrow(/starts at delta 2 but the state file .* includes deltas up to 0 only/);
    });

    it('a journal without its base (the state file moved away, the journal left behind)', () => {
      const { path } = setUp();
      rmSync(path);
      expect(() => open(path)).toThrow(/exists but the state file .* does not/);
    });

    it('a base that is not JSON', () => {
      const { path } = setUp();
      writeFileSync(path, '{"version":2,');
      expect(() => open(path)).toThrow(/is not valid JSON: move it and its journal .* away/);
    });
  });

  describe('a crash at every step of appends and compactions leaves a state that loads, equal to what was committed', () => {
    const ORDER: JournalStep[] = [
      'append-written',
      'base-tmp-written',
      'base-renamed',
      'base-durable',
      'journal-truncated',
      'compacted',
    ];

    it('a crash: the files as they are at each step load to the committed state (or, mid-append, the state with that delta)', () => {
      const path = newPath();
      const crashDir = join(dir, `crashes-${n}`);
      mkdirSync(crashDir);
      const model = new DeltaTotals();
      let expected: DeltaTotals = model;
      const seen = new Map<JournalStep, number>();
      let crashes = 0;
      const crashHere = (step: JournalStep) => {
        // Copy the files exactly as a SIGKILL at this point would leave them, then start from the copy.
        seen.set(step, (seen.get(step) ?? 0) + 1);
        const d = join(crashDir, String(++crashes));
        mkdirSync(d);
        for (const f of ['state.json', 'state.json.journal', 'state.json.tmp']) {
          if (existsSync(join(path, '..', f))) {
            copyFileSync(join(path, '..', f), join(d, f));
          }
        }
        expect(plain(reload(join(d, 'state.json')).state)).toEqual(expected.plain());
      };
      const o = open(path, { onStep: crashHere });
      const rand = mulberry32(11);
      let id = 1;
      for (let i = 0; i < 60; i++) {
        if (rand() < 0.2) {
          expected = model;
          o.journal.compact(model.state());
        } else {
          const d = randomDelta(rand, model, () => id++);
          // Written but not yet synced: a crash now may keep the delta, which the restart then publishes.
          expected = model.copy();
          expected.add(d);
          o.journal.append(d);
          model.add(d);
        }
      }
      o.journal.close();
      expect(ORDER.every((s) => (seen.get(s) ?? 0) > 0)).toBe(true);
      expect(plain(reload(path).state)).toEqual(model.plain());
    });

    it('a crash after the base rename, before the journal truncation, does not apply the journal twice', () => {
      const path = newPath();
      const model = new DeltaTotals();
      let snapshot: Buffer | undefined;
      const o = open(path, {
        onStep: (step) => {
          if (step === 'base-durable') {
            snapshot = readFileSync(journalPathOf(path));
          }
        },
      });
      const d: StateDelta = { ids: [[1, T0]], events: new Map([[labelKey(['a', 'INFO', 'API', '', '']), 5]]), late: 1 };
      o.journal.append(d);
      model.add(d);
      o.journal.compact(model.state());
      o.journal.close();
      // The crash: the new base (seq 1) is in place, the journal still holds delta 1.
      writeFileSync(journalPathOf(path), snapshot!);
      const after = reload(path);
      expect(after.replayed).toBe(0);
      expect(plain(after.state)).toEqual(model.plain());
      expect(plain(after.state).events).toEqual([[labelKey(['a', 'INFO', 'API', '', '']), 5]]);
    });

    it.each(ORDER)('a failure at %s: nothing half-done, and appending after it keeps the state exact', (failAt) => {
      const path = newPath();
      let armed = true;
      const o = open(path, {
        onStep: (step) => {
          if (armed && step === failAt) {
            armed = false;
            throw new Error(`injected at ${step}`);
          }
        },
      });
      const model = new DeltaTotals();
      const rand = mulberry32(failAt.length);
      let id = 1;
      let failures = 0;
      for (let i = 0; i < 40; i++) {
        try {
          if (i % 7 === 6) {
            o.journal.compact(model.state());
          } else {
            const d = randomDelta(rand, model, () => id++);
            o.journal.append(d);
            model.add(d);
          }
        } catch (err) {
          expect((err as Error).message).toBe(`injected at ${failAt}`);
          failures++;
        }
        expect(plain(reload(path).state)).toEqual(model.plain());
      }
      o.journal.close();
      expect(failures).toBe(1);
    });

    it('a failed append (write done, sync failed) is cut off the journal before anything else is appended', () => {
      const path = newPath();
      let fail = false;
      const o = open(path, {
        onStep: (step) => {
          if (fail && step === 'append-written') {
            throw new Error('EIO');
          }
        },
      });
      o.journal.append({ late: 1 });
      const size = statSync(journalPathOf(path)).size;
      fail = true;
      expect(() => o.journal.append({ late: 10 })).toThrow('EIO');
      expect(statSync(journalPathOf(path)).size).toBe(size);
      fail = false;
      o.journal.append({ late: 100 });
      o.journal.close();
      expect(reload(path).state.lateEvents).toBe(101);
    });

    it('a stale tmp file from a crash before the rename is ignored', () => {
      const path = newPath();
      const o = open(path);
      o.journal.append({ late: 3 });
      o.journal.close();
      writeFileSync(`${path}.tmp`, '{"version":2,"seq":9');
      expect(reload(path).state.lateEvents).toBe(3);
    });
  });

  describe('the ledger on the journal', () => {
    const lookupTypes = [...MODEL_LOOKUP].map(([id, description]) => ({ id, description }));

    it('after random pages, pushes, window completions, compactions (some failing) and restarts, the state loaded equals the totals of the events ingested', () => {
      for (const seed of [1, 2, 3, 4, 5]) {
        const rand = mulberry32(seed);
        const path = newPath();
        // A small bound, so that size-triggered compactions happen too; and compactions failing now and
        // then, so that window completions (watermark, prune) are replayed from the journal too.
        const failRand = mulberry32(seed + 100);
        let compactions = 0;
        let failedCompactions = 0;
        const options: JournalOptions = {
          compactAfterBytes: 1 + Math.floor(rand() * 3000),
          onStep: (s) => {
            if (s === 'base-tmp-written' && failRand() < 0.4) {
              throw new Error('injected');
            }
            if (s === 'compacted') {
              compactions++;
            }
          },
        };
        const eventTypes = seed === 3 ? [1, 2, 5] : [];
        const model = new CountingModel(T0, 30_000, MODEL_LOOKUP, new Set(eventTypes));
        const world = new EventWorld(rand);
        let opened = open(path, options);
        const make = (o: OpenedState) => {
          const ledger = new Ledger(o.state, {
            overlapMs: 30_000,
            eventTypes: new Set(eventTypes),
            store: o.journal,
            onCompactionError: () => failedCompactions++,
          });
          ledger.typeNames.addMissing(lookupTypes);
          return ledger;
        };
        let ledger = make(opened);
        let restarts = 0;
        let watermarksReplayed = 0;
        for (let step = 0; step < 400; step++) {
          const r = rand();
          if (r < 0.65) {
            const batch = world.batch(ledger.watermark, 30_000);
            const origin = rand() < 0.8 ? 'poll' : 'push';
            model.ingest(batch, origin);
            ledger.ingest(batch, origin);
          } else if (r < 0.8) {
            const until = ledger.watermark + Math.floor(rand() * 20_000);
            model.completeWindow(until);
            ledger.completeWindow(until);
          } else if (r < 0.85) {
            try {
              ledger.compact();
            } catch {
              failedCompactions++;
            }
          } else {
            // A restart (as after a SIGKILL: nothing flushed beyond what each commit made durable).
            opened.journal.close();
            opened = open(path, options);
            expect(totalsOf(opened.state)).toEqual(model.totals());
            if (opened.state.watermark !== lastCompactedWatermark(path)) {
              watermarksReplayed++;
            }
            ledger = make(opened);
            restarts++;
          }
        }
        opened.journal.close();
        expect(totalsOf(reload(path).state)).toEqual(model.totals());
        expect(restarts).toBeGreaterThan(20);
        expect(compactions).toBeGreaterThan(20);
        expect(failedCompactions).toBeGreaterThan(10);
        expect(watermarksReplayed).toBeGreaterThan(2);
        expect(Object.keys(model.totals().events).length).toBeGreaterThan(5);
        expect(Object.keys(model.totals().volume).length).toBeGreaterThan(2);
      }
    });

    it('a delta that cannot be made durable is neither applied nor published', () => {
      let fail = false;
      const store: LedgerStore = {
        append: () => {
          if (fail) {
            throw new Error('disk full');
          }
        },
        compactionDue: () => false,
        compact: () => {},
      };
      const published: unknown[] = [];
      const ledger = new Ledger(fresh(), {
        overlapMs: 30_000,
        eventTypes: new Set(),
        store,
        onCommit: (d) => published.push(d),
      });
      const rand = mulberry32(9);
      ledger.ingest([modelEvent(1, T0, rand)], 'poll');
      fail = true;
      expect(() => ledger.ingest([modelEvent(2, T0, rand), modelEvent(3, T0, rand)], 'poll')).toThrow('disk full');
      expect(() => ledger.completeWindow(T0 + 60_000)).toThrow('disk full');
      expect(ledger.watermark).toBe(T0);
      expect(ledger.rememberedIds).toBe(1);
      expect([...ledger.counts.events.values()]).toEqual([1]);
      expect(published).toHaveLength(1);
      fail = false;
      expect(ledger.ingest([modelEvent(2, T0, rand), modelEvent(3, T0, rand)], 'poll').counted).toBe(2);
      expect(published).toHaveLength(2);
    });

    it('a failed compaction does not fail the page: it was committed, and is reported', () => {
      const path = newPath();
      const o = open(path, {
        onStep: (s) => {
          if (s === 'base-tmp-written') {
            throw new Error('ENOSPC');
          }
        },
      });
      const errors: Error[] = [];
      const ledger = new Ledger(o.state, {
        overlapMs: 30_000,
        eventTypes: new Set(),
        store: o.journal,
        onCompactionError: (e) => errors.push(e),
      });
      const rand = mulberry32(5);
      const e = modelEvent(1, T0, rand);
      expect(ledger.ingest([e], 'poll').counted).toBe(1);
      ledger.completeWindow(T0 + 10_000);
      expect(errors.map((err) => err.message)).toEqual(['ENOSPC']);
      o.journal.close();
      const loaded = reload(path).state;
      expect(loaded.watermark).toBe(T0 + 10_000);
      expect(loaded.ids).toEqual([[1, T0]]);
      expect([...loaded.counts.events.values()]).toEqual([1]);
    });

    it('compacts at a window completion and when the journal outgrows its bound, so the journal stays small', () => {
      const path = newPath();
      const o = open(path, { compactAfterBytes: 10_000 });
      const ledger = new Ledger(o.state, { overlapMs: 30_000, eventTypes: new Set(), store: o.journal });
      ledger.typeNames.addMissing(lookupTypes);
      const model = new CountingModel(T0, 30_000, MODEL_LOOKUP);
      const rand = mulberry32(3);
      let id = 1;
      let largest = 0;
      for (let page = 0; page < 200; page++) {
        const batch = Array.from({ length: 20 }, () => modelEvent(id++, T0 + Math.floor(rand() * 10_000), rand));
        model.ingest(batch, 'poll');
        ledger.ingest(batch, 'poll');
        largest = Math.max(largest, o.journal.journalBytes);
      }
      // Without window completions, the bound is the larger of 10 kB and the base.
      const base = statSync(path).size;
      expect(largest).toBeLessThanOrEqual(Math.max(10_000, base) + 5_000);
      ledger.completeWindow(T0 + 60_000);
      model.completeWindow(T0 + 60_000);
      expect(o.journal.journalBytes).toBe(0);
      expect(statSync(journalPathOf(path)).size).toBe(0);
      o.journal.close();
      expect(totalsOf(reload(path).state)).toEqual(model.totals());
      // 200 pages of 20. The window's horizon is 12:00:29, but every id lies within the overlap (30 s)
      // before the newest event (12:00:10 at most), and those are kept: none is forgotten.
      expect(Object.values(model.totals().events).reduce((a, b) => a + b, 0)).toBe(4000);
      expect(model.totals().rememberedIds).toBe(4000);
    });
  });
});
