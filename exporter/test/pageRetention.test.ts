/**
 * A poll holds no page it is done with (issue #15: the catch-up's peak RSS). A page is megabytes (1,000
 * events with their raw items); a window's reading used to keep its oldest page, its first newest-first
 * page and the last page taken alive until the window was done. Here the garbage collector itself says
 * which pages are alive: at every event request, after a full collection, no page whose events the ledger
 * has ingested may be reachable. The catch-up reads shortened windows (oldest page, first newest-first
 * page, then the rest in parallel), and its counts are compared with the simulator's ground truth.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Transport, fetchTransport } from '@emnify-events/client';
import { countsFromMetrics, exporterFor, scrape, truthAsCounts, withSimulator } from './helpers';
import { parseSamples } from './metricsText';

setFlagsFromString('--expose-gc');
/** V8's full collection (a fresh context sees the flag set above). */
const gc = runInNewContext('gc') as () => void;

const HOUR = 3_600_000;
/** The simulator's clock; the exporter's runs a minute later, so that its poll covers the whole history. */
const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('a catch-up poll lets go of the pages it has ingested', () => {
  it.each([1, 4])(
    'page concurrency %i: at every event request, no ingested page is alive; every event counted once',
    async (concurrency) => {
      await withSimulator(
        { seed: 59, historyMs: 2 * HOUR, historyEvents: 4000, eventsPerSecond: 0, now: () => NOW },
        async (sim, dir) => {
          /** The ingested pages' event arrays (a page's events and raw items live as long as it does). */
          const ingested: Array<WeakRef<object>> = [];
          const alive: number[] = [];
          const inner = fetchTransport({ baseUrl: sim.url, timeoutMs: 5000 });
          const transport: Transport = async (request) => {
            if (request.path === '/api/v1/event') {
              // A macrotask later (WeakRefs of earlier jobs keep nothing), after a full collection.
              await new Promise((resolve) => setImmediate(resolve));
              gc();
              alive.push(ingested.filter((ref) => ref.deref() !== undefined).length);
            }
            return inner(request);
          };
          const exporter = exporterFor(
            sim,
            dir,
            () => NOW + 60_000,
            [
              '--backfill',
              '3h',
              '--poll.page-size',
              '100',
              '--poll.max-window-events',
              '1000',
              '--poll.page-concurrency',
              String(concurrency),
            ],
            { transport }
          );
          const ingest = exporter.ledger.ingest.bind(exporter.ledger);
          exporter.ledger.ingest = (events, origin) => {
            ingested.push(new WeakRef(events));
            return ingest(events, origin);
          };
          await exporter.poller.pollOnce();

          const requests = sim.requestLog().filter((r) => r.path === '/api/v1/event').length;
          // 4,000 events in windows of about 1,000 (pages of 100): at least 40 pages, read in several windows.
          expect(requests).toBeGreaterThanOrEqual(40);
          const windows = parseSamples(await scrape(exporter.app), 'emnify_exporter_window_checks_total').reduce(
            (sum, s) => sum + s.value,
            0
          );
          expect(windows).toBeGreaterThanOrEqual(4);
          expect(ingested.length).toBeGreaterThanOrEqual(40);
          expect(alive).toEqual(new Array<number>(requests).fill(0));
          const truth = sim.truth({});
          expect(truth.total).toBe(4000);
          expect(countsFromMetrics(await scrape(exporter.app))).toEqual(truthAsCounts(truth));
          await exporter.stop();
        }
      );
    }
  );
});

describe('a steady poll that skips its oldest page lets go of its newest page too', () => {
  it('20 events/s, pages of 100: at every event request of polls 13 to 18, no ingested page is alive', async () => {
    let now = Date.parse('2026-06-02T12:00:00Z');
    await withSimulator(
      { seed: 60, historyEvents: 0, eventsPerSecond: 20, lateFraction: 0, now: () => now },
      async (sim, dir) => {
        const ingested: Array<WeakRef<object>> = [];
        const alive: number[] = [];
        let watching = false;
        const inner = fetchTransport({ baseUrl: sim.url, timeoutMs: 5000 });
        const transport: Transport = async (request) => {
          if (watching && request.path === '/api/v1/event') {
            await new Promise((resolve) => setImmediate(resolve));
            gc();
            alive.push(ingested.filter((ref) => ref.deref() !== undefined).length);
          }
          return inner(request);
        };
        const exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s', '--poll.page-size', '100'], {
          transport,
        });
        const ingest = exporter.ledger.ingest.bind(exporter.ledger);
        exporter.ledger.ingest = (events, origin) => {
          ingested.push(new WeakRef(events));
          return ingest(events, origin);
        };
        for (let poll = 1; poll <= 18; poll++) {
          now += 30_000;
          watching = poll >= 13;
          await exporter.poller.pollOnce();
        }
        const watched = sim
          .requestLog()
          .filter((r) => r.path === '/api/v1/event')
          .slice(-alive.length);
        // Each poll reads 600 new events (6 pages of 100), newest first; the steady path read no oldest page.
        expect(alive.length).toBeGreaterThanOrEqual(6 * 6);
        expect(watched.filter((r) => r.query.includes('sort=timestamp%2Cid')).length).toBeLessThanOrEqual(2);
        expect(alive).toEqual(new Array<number>(alive.length).fill(0));
        expect(countsFromMetrics(await scrape(exporter.app))).toEqual(
          truthAsCounts(sim.truth({ until: now - 10_000 + 999 }))
        );
        await exporter.stop();
      }
    );
  });
});
