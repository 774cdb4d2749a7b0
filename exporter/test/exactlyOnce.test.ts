/**
 * Exactly-once under faults: the exporter (in-process, real HTTP) against the simulator with 5xx,
 * 429 bursts, dropped connections, malformed pages, short-lived tokens, late events and inserts during
 * paging, on one shared fake clock. Its counters must equal the ground truth by every label.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { loadConfig } from '../src/config';
import { Exporter, createExporter } from '../src/exporter';
import { floorSecond } from '../src/ledger';
import { silentLogger } from '../src/logger';
import { countsAsRecords, truthAsCounts } from './helpers';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

describe('exactly-once counting under faults', () => {
  let now = T0;
  let sim: RunningSimulator;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 21,
      historyMs: 2 * 60 * MINUTE,
      historyEvents: 3000,
      eventsPerSecond: 4,
      lateFraction: 0.3,
      maxLatenessMs: 8000,
      tokenLifetimeSeconds: 30,
      now: () => now,
    });
    dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-test-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const makeExporter = (): Exporter =>
    createExporter(
      loadConfig(
        [
          '--emnify.url',
          sim.url,
          '--state.file',
          join(dir, 'state.json'),
          '--backfill',
          '1h',
          '--poll.overlap',
          '30s',
          '--poll.settle',
          '10s',
          '--poll.max-window',
          '10m',
          '--poll.page-size',
          '100',
          '--poll.page-concurrency',
          '3',
        ],
        { EMNIFY_APPLICATION_TOKEN: sim.applicationToken }
      ),
      {
        logger: silentLogger,
        now: () => now,
        client: { rateLimiter: null, retry: { maxRetries: 8, baseDelayMs: 1, maxDelayMs: 4 } },
      }
    );

  it('counts every event once, equal to the ground truth by every label', async () => {
    let exporter = makeExporter();
    const from = floorSecond(T0 - 60 * MINUTE - 30_000);
    sim.setFaults({
      errorRate: 0.1,
      rateLimitEvery: 9,
      rateLimitLength: 2,
      retryAfterSeconds: 0,
      malformedRate: 0.08,
      dropRate: 0.04,
    });
    let polls = 0;
    let inserted = 0;
    for (let step = 0; step < 40; step++) {
      now += 5000;
      // Late events inserted while pages are being read.
      const inserter = setInterval(() => {
        sim.addEvents(2, { lateByMs: 4000 });
        inserted += 2;
      }, 3);
      await exporter.poller.pollOnce();
      clearInterval(inserter);
      polls++;
      if (step === 20) {
        // A clean restart half-way (SIGTERM path): state persisted, counters continue.
        await exporter.stop();
        exporter = makeExporter();
      }
    }
    sim.setFaults({ errorRate: 0, rateLimitEvery: 0, malformedRate: 0, dropRate: 0 });
    now += 20_000;
    await exporter.poller.pollOnce();
    await exporter.poller.pollOnce();

    const watermark = exporter.ledger.watermark;
    expect(watermark).toBe(floorSecond(now - 10_000));
    const truth = sim.truth({ from, until: watermark + 999 });
    expect(inserted).toBeGreaterThan(50);
    expect(truth.total).toBeGreaterThan(1500 + inserted);
    const expected = truthAsCounts(truth, exporter.ledger.typeNames);
    const actual = countsAsRecords(exporter.ledger.counts);
    expect(actual.events).toEqual(expected.events);
    expect(actual.volume).toEqual(expected.volume);
    expect(Object.values(actual.events).reduce((a, b) => a + b, 0)).toBe(truth.total);

    const metrics = await exporter.metrics.registry.metrics();
    expect(metrics).toMatch(
      /emnify_exporter_api_retries_total\{endpoint="\/api\/v1\/event",reason="server_error"\} [1-9]/
    );
    expect(metrics).toMatch(
      /emnify_exporter_api_retries_total\{endpoint="\/api\/v1\/event",reason="malformed_response"\} [1-9]/
    );
    expect(metrics).toMatch(/emnify_exporter_events_deduplicated_total\{origin="poll"\} [1-9]/);
    expect(metrics).toMatch(/emnify_exporter_late_events_total [1-9]/);
    expect(polls).toBe(40);
    await exporter.stop();
  });
});

describe('catching up a backlog', () => {
  it('reads a sparse 29-day backlog in few windows: requests ≈ pages, counts equal the ground truth', async () => {
    const now = Date.UTC(2026, 1, 1);
    const sim = await startSimulator({
      port: 0,
      seed: 4,
      historyMs: 29 * 24 * 60 * MINUTE,
      historyEvents: 3000,
      eventsPerSecond: 0,
      now: () => now,
    });
    const dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-backlog-'));
    try {
      const exporter = createExporter(
        loadConfig(
          [
            '--emnify.url',
            sim.url,
            '--state.file',
            join(dir, 'state.json'),
            '--backfill',
            '30d',
            '--poll.max-window',
            '30d',
            '--poll.max-window-events',
            '1000',
            '--poll.page-size',
            '100',
          ],
          { EMNIFY_APPLICATION_TOKEN: sim.applicationToken }
        ),
        { logger: silentLogger, now: () => now, client: { rateLimiter: null } }
      );
      await exporter.poller.pollOnce();
      const requests = sim.requestLog().filter((r) => r.path === '/api/v1/event').length;
      // 3000 events at 100 per page are 30 pages; windows of at most 1000 events add a few first pages.
      expect(requests).toBeGreaterThanOrEqual(30);
      expect(requests).toBeLessThanOrEqual(40);
      expect(exporter.ledger.rememberedIds).toBeLessThanOrEqual(1000);
      const expected = truthAsCounts(sim.truth(), exporter.ledger.typeNames);
      expect(countsAsRecords(exporter.ledger.counts).events).toEqual(expected.events);
      await exporter.stop();
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a live fleet whose overlap alone holds more than --poll.max-window-events', () => {
  it('advances the watermark every poll and counts every event once (only the part past the watermark is capped)', async () => {
    let now = Date.UTC(2026, 2, 1);
    const start = now;
    // 10 events/s: the 5-minute overlap holds about 3,000 events, three times the cap of 1,000. A window
    // shortened to the cap would end before the watermark, and the poll would read it again forever.
    const sim = await startSimulator({
      port: 0,
      seed: 8,
      historyEvents: 0,
      eventsPerSecond: 10,
      lateFraction: 0,
      now: () => now,
    });
    const dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-dense-overlap-'));
    try {
      const exporter = createExporter(
        loadConfig(
          [
            '--emnify.url',
            sim.url,
            '--state.file',
            join(dir, 'state.json'),
            '--backfill',
            '0s',
            '--poll.interval',
            '30s',
            '--poll.max-window-events',
            '1000',
            '--poll.page-size',
            '1000',
          ],
          { EMNIFY_APPLICATION_TOKEN: sim.applicationToken }
        ),
        { logger: silentLogger, now: () => now, client: { rateLimiter: null } }
      );
      const eventRequests = () => sim.requestLog().filter((r) => r.path === '/api/v1/event').length;
      for (let poll = 0; poll < 16; poll++) {
        now += 30_000;
        const before = eventRequests();
        // A poll that never ends would be cut here (its requests fail) instead of spinning on.
        await exporter.poller.pollOnce(AbortSignal.timeout(10_000));
        expect(exporter.ledger.watermark).toBe(floorSecond(now - 10_000));
        // One window per poll: at most 3,300 events at 1,000 per page, its first page read once to size it.
        expect(eventRequests() - before).toBeLessThanOrEqual(4);
      }
      const truth = sim.truth({ from: start - 5 * MINUTE, until: exporter.ledger.watermark + 999 });
      expect(truth.total).toBeGreaterThan(4500);
      const expected = truthAsCounts(truth, exporter.ledger.typeNames);
      expect(countsAsRecords(exporter.ledger.counts).events).toEqual(expected.events);
      await exporter.stop();
    } finally {
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
