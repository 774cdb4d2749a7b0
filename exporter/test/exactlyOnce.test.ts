/**
 * Exactly-once under faults: the exporter (in-process, real HTTP) against the simulator with 5xx,
 * 429 bursts, dropped connections, malformed pages, short-lived tokens, late events and inserts during
 * paging, on one shared fake clock. What it serves on /metrics (read over HTTP, parsed from the text
 * format) must equal the simulator's ground truth by every label, over window bounds written out as
 * literal times (worked out from the settings by hand, not by the exporter's arithmetic).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { Exporter } from '../src/exporter';
import { countsFromMetrics, exporterFor, scrape, truthAsCounts, withSimulator } from './helpers';
import { parseSamples, singleValue } from './metricsText';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const T0 = Date.parse('2026-01-10T12:00:00Z');

const eventRequests = (sim: RunningSimulator) => sim.requestLog().filter((r) => r.path === '/api/v1/event').length;

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
    exporterFor(
      sim,
      dir,
      () => now,
      [
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
      { retry: { maxRetries: 8, baseDelayMs: 1, maxDelayMs: 4 } }
    );

  it('counts every event once, equal to the ground truth by every label', async () => {
    let exporter = makeExporter();
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

    // Now is 12:00:00 + 40 × 5 s + 20 s = 12:03:40; minus the 10 s settle: every window up to 12:03:30 read.
    const metrics = await scrape(exporter.app);
    expect(singleValue(metrics, 'emnify_exporter_watermark_timestamp_seconds')).toBe(
      Date.parse('2026-01-10T12:03:30Z') / 1000
    );
    // The first start counted from 12:00:00 - 1 h backfill - 30 s overlap; `until` covers its whole second.
    const truth = sim.truth({
      from: Date.parse('2026-01-10T10:59:30Z'),
      until: Date.parse('2026-01-10T12:03:30.999Z'),
    });
    expect(inserted).toBeGreaterThan(50);
    expect(truth.total).toBeGreaterThan(1500 + inserted);
    const expected = truthAsCounts(truth);
    const actual = countsFromMetrics(metrics);
    expect(actual.events).toEqual(expected.events);
    expect(actual.volume).toEqual(expected.volume);
    expect(Object.values(actual.events).reduce((a, b) => a + b, 0)).toBe(truth.total);

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
    const now = Date.parse('2026-02-01T00:00:00Z');
    const history = { seed: 4, historyMs: 29 * DAY, historyEvents: 3000, eventsPerSecond: 0, now: () => now };
    await withSimulator(history, async (sim, dir) => {
      const exporter = exporterFor(sim, dir, () => now, [
        '--backfill',
        '30d',
        '--poll.max-window',
        '30d',
        '--poll.max-window-events',
        '1000',
        '--poll.page-size',
        '100',
      ]);
      await exporter.poller.pollOnce();
      // 3000 events at 100 per page are 30 pages; windows of at most 1000 events add a few first pages.
      expect(eventRequests(sim)).toBeGreaterThanOrEqual(30);
      expect(eventRequests(sim)).toBeLessThanOrEqual(40);
      // At the floor: pages + at most one request per window (each window's oldest page).
      const windows = parseSamples(await scrape(exporter.app), 'emnify_exporter_window_checks_total').reduce(
        (sum, s) => sum + s.value,
        0
      );
      expect(windows).toBeGreaterThanOrEqual(3);
      expect(eventRequests(sim)).toBeLessThanOrEqual(30 + windows);
      const metrics = await scrape(exporter.app);
      expect(singleValue(metrics, 'emnify_exporter_remembered_event_ids')).toBeLessThanOrEqual(1000);
      // Read up to 2026-02-01T00:00:00 - 10 s settle.
      expect(singleValue(metrics, 'emnify_exporter_watermark_timestamp_seconds')).toBe(
        Date.parse('2026-01-31T23:59:50Z') / 1000
      );
      const truth = sim.truth();
      expect(truth.total).toBe(3000);
      expect(countsFromMetrics(metrics)).toEqual(truthAsCounts(truth));
      await exporter.stop();
    });
  });
});

describe('a live fleet whose overlap alone holds more than --poll.max-window-events', () => {
  it('advances the watermark every poll and counts every event once (only the part past the watermark is capped)', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    // 10 events/s: the 5-minute overlap holds about 3,000 events, three times the cap of 1,000. A window
    // shortened to the cap would end before the watermark, and the poll would read it again forever.
    const live = { seed: 8, historyEvents: 0, eventsPerSecond: 10, lateFraction: 0, now: () => now };
    await withSimulator(live, async (sim, dir) => {
      const exporter = exporterFor(sim, dir, () => now, [
        '--backfill',
        '0s',
        '--poll.interval',
        '30s',
        '--poll.max-window-events',
        '1000',
        '--poll.page-size',
        '1000',
      ]);
      for (let poll = 0; poll < 16; poll++) {
        now += 30_000;
        const before = eventRequests(sim);
        // A poll that never ends would be cut here (its requests fail) instead of spinning on.
        await exporter.poller.pollOnce(AbortSignal.timeout(10_000));
        // Poll n (from 0) runs at 00:00:30 + n × 30 s and reads up to 10 s (the settle) before that.
        expect(singleValue(await scrape(exporter.app), 'emnify_exporter_watermark_timestamp_seconds')).toBe(
          (Date.parse('2026-03-01T00:00:20Z') + poll * 30_000) / 1000
        );
        // One window per poll: at most 3,300 events at 1,000 per page, its first page read once to size it.
        expect(eventRequests(sim) - before).toBeLessThanOrEqual(4);
      }
      // Backfill 0 s: the first window started at 00:00:00 - 5 min overlap; the last poll ended at 00:07:50.
      const truth = sim.truth({
        from: Date.parse('2026-02-28T23:55:00Z'),
        until: Date.parse('2026-03-01T00:07:50.999Z'),
      });
      expect(truth.total).toBeGreaterThan(4500);
      const metrics = await scrape(exporter.app);
      expect(singleValue(metrics, 'emnify_exporter_watermark_timestamp_seconds')).toBe(
        Date.parse('2026-03-01T00:07:50Z') / 1000
      );
      expect(countsFromMetrics(metrics)).toEqual(truthAsCounts(truth));
      await exporter.stop();
    });
  });
});

describe('a result that shrinks while paging', () => {
  it('reads to the new end and no page past it, counting every event it read once and missing none of those left', async () => {
    // A catch-up from 30 days back: while it pages, the oldest events reach emnify's 30-day retention
    // and leave the result. The simulator's clock jumps 15 days once three pages were served (the oldest
    // page, then newest-first pages 1 and 2), so about half the events expire; the exporter's clock stays put.
    const start = Date.parse('2026-04-01T00:00:00Z');
    let served = () => 0;
    const history = {
      seed: 12,
      historyMs: 30 * DAY,
      historyEvents: 1000,
      eventsPerSecond: 0,
      tokenLifetimeSeconds: 60 * 86_400,
      now: () => (served() >= 3 ? start + 15 * DAY : start),
    };
    await withSimulator(history, async (sim, dir) => {
      served = () => eventRequests(sim);
      const exporter = exporterFor(sim, dir, () => start, [
        '--backfill',
        '30d',
        '--poll.max-window',
        '31d',
        '--poll.max-window-events',
        '1000000',
        '--poll.page-size',
        '100',
        '--poll.page-concurrency',
        '1',
      ]);
      await exporter.poller.pollOnce();
      const left = sim.truth().total;
      // About half expired: the result shrank from 10 pages to fewer than 7.
      expect(left).toBeGreaterThan(300);
      expect(left).toBeLessThanOrEqual(600);
      // The oldest page (100 events, which then expired), then newest first: pages 1-2 of the full result
      // and pages 3 to the new last one. Page 3's answer tells the new x-total-pages (and a count below
      // the first: events vanished, so the window is read to its end), and nothing past it is requested.
      expect(eventRequests(sim)).toBe(1 + Math.ceil(left / 100));
      const metrics = await scrape(exporter.app);
      expect(singleValue(metrics, 'emnify_exporter_poll_success')).toBe(1);
      expect(parseSamples(metrics, 'emnify_exporter_events_deduplicated_total')).toEqual([
        { labels: { origin: 'poll' }, value: 0 },
        { labels: { origin: 'push' }, value: 0 },
      ]);
      // Newest first, the expired events were behind every page read, so no event shifted past the
      // reading: every event left is counted, and the 100 of the oldest page (read before they expired).
      const counted = Object.values(countsFromMetrics(metrics).events).reduce((a, b) => a + b, 0);
      expect(counted).toBe(left + 100);
      expect(parseSamples(metrics, 'emnify_exporter_window_checks_total')).toContainEqual({
        labels: { result: 'fewer_than_known' },
        value: 1,
      });
      await exporter.stop();
    });
  });
});
