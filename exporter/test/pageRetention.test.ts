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
import { Exporter } from '../src/exporter';
import { countsFromMetrics, exporterFor, scrape, truthAsCounts, withSimulator } from './helpers';
import { parseSamples } from './metricsText';

setFlagsFromString('--expose-gc');
/** V8's full collection (a fresh context sees the flag set above). */
const gc = runInNewContext('gc') as () => void;

const HOUR = 3_600_000;
/** The simulator's clock; the exporter's runs a minute later, so that its poll covers the whole history. */
const NOW = Date.parse('2026-06-01T12:00:00Z');

/**
 * Watches which ingested pages are alive: `transport` (the simulator's API) counts them at every event
 * request while `watching`, after a full collection; `attach` makes the exporter's ledger report each page
 * it ingests (its event array: a page's events and raw items live as long as it does).
 */
function pageWatch(baseUrl: string) {
  const ingested: Array<WeakRef<object>> = [];
  const watch = { watching: true, alive: [] as number[], ingested };
  const inner = fetchTransport({ baseUrl, timeoutMs: 5000 });
  const transport: Transport = async (request) => {
    if (watch.watching && request.path === '/api/v1/event') {
      // A macrotask later (WeakRefs of earlier jobs keep nothing), after a full collection.
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      watch.alive.push(ingested.filter((ref) => ref.deref() !== undefined).length);
    }
    return inner(request);
  };
  const attach = (exporter: Exporter) => {
    const ingest = exporter.ledger.ingest.bind(exporter.ledger);
    exporter.ledger.ingest = (events, origin) => {
      ingested.push(new WeakRef(events));
      return ingest(events, origin);
    };
  };
  return { watch, transport, attach };
}

describe('a catch-up poll lets go of the pages it has ingested', () => {
  it.each([1, 4])(
    'page concurrency %i: at every event request, no ingested page is alive; every event counted once',
    async (concurrency) => {
      await withSimulator(
        { seed: 59, historyMs: 2 * HOUR, historyEvents: 4000, eventsPerSecond: 0, now: () => NOW },
        async (sim, dir) => {
          const { watch, transport, attach } = pageWatch(sim.url);
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
          attach(exporter);
          await exporter.poller.pollOnce();

          const requests = sim.requestLog().filter((r) => r.path === '/api/v1/event').length;
          // 4,000 events in windows of about 1,000 (pages of 100): at least 40 pages, read in several windows.
          expect(requests).toBeGreaterThanOrEqual(40);
          const windows = parseSamples(await scrape(exporter.app), 'emnify_exporter_window_checks_total').reduce(
            (sum, s) => sum + s.value,
            0
          );
          expect(windows).toBeGreaterThanOrEqual(4);
          expect(watch.ingested.length).toBeGreaterThanOrEqual(40);
          expect(watch.alive).toEqual(new Array<number>(requests).fill(0));
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
        const { watch, transport, attach } = pageWatch(sim.url);
        const exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s', '--poll.page-size', '100'], {
          transport,
        });
        attach(exporter);
        for (let poll = 1; poll <= 18; poll++) {
          now += 30_000;
          watch.watching = poll >= 13;
          await exporter.poller.pollOnce();
        }
        const watched = sim
          .requestLog()
          .filter((r) => r.path === '/api/v1/event')
          .slice(-watch.alive.length);
        // Each poll reads 600 new events (6 pages of 100), newest first; the steady path read no oldest page.
        expect(watch.alive.length).toBeGreaterThanOrEqual(6 * 6);
        expect(watched.filter((r) => r.query.includes('sort=timestamp%2Cid')).length).toBeLessThanOrEqual(2);
        expect(watch.alive).toEqual(new Array<number>(watch.alive.length).fill(0));
        expect(countsFromMetrics(await scrape(exporter.app))).toEqual(
          truthAsCounts(sim.truth({ until: now - 10_000 + 999 }))
        );
        await exporter.stop();
      }
    );
  });
});
