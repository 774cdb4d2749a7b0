/**
 * Polls at the floor (exporter/README.md, "How exactly-once works"): a poll requests the pages of the
 * events new to it and one more, and its count check is not fooled by late events, by pushes the API
 * shows later, by ids that do not follow visibility order, or by events that vanish. Requests per poll
 * are worked out from the simulator's ground truth (events per poll, pages of 100), never from the
 * exporter's own arithmetic; counts are compared with the ground truth by every label.
 */
import { Transport, fetchTransport } from '@emnify-events/client';
import { RunningSimulator } from '@emnify-events/simulator';
import { Exporter } from '../src/exporter';
import { createLogger, Logger } from '../src/logger';
import { countsFromMetrics, exporterFor, push, scrape, truthAsCounts, withSimulator } from './helpers';
import { parseSamples, singleValue } from './metricsText';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const eventRequests = (sim: RunningSimulator) => sim.requestLog().filter((r) => r.path === '/api/v1/event').length;
const checks = async (exporter: Exporter) =>
  Object.fromEntries(
    parseSamples(await scrape(exporter.app), 'emnify_exporter_window_checks_total').map((s) => [
      s.labels.result,
      s.value,
    ])
  );

/** Requests of polls `first` to `last` at 10 events/s, pages of 100, with the API `shape`; counts checked. */
async function steadyPolls(
  seed: number,
  shape: ApiShape,
  polls: number,
  expectRequests: (poll: number, requests: number, fresh: number) => void,
  logger?: Logger
): Promise<Record<string, number>> {
  let now = Date.parse('2026-06-01T12:00:00Z') + seed * 3_600_000;
  const live = { seed, historyEvents: 0, eventsPerSecond: 10, lateFraction: 0, now: () => now };
  let result: Record<string, number> = {};
  await withSimulator(live, async (sim, dir) => {
    const exporter = exporterFor(
      sim,
      dir,
      () => now,
      ['--backfill', '0s', '--poll.page-size', '100'],
      { transport: reshapedApi(sim.url, shape) },
      { logger }
    );
    const start = now;
    const read = (until: number) => sim.truth({ until: until + 999 }).total;
    for (let poll = 1; poll <= polls; poll++) {
      now = start + poll * 30 * SECOND;
      shape.onPoll?.(poll);
      const before = eventRequests(sim);
      await exporter.poller.pollOnce();
      // Poll n reads up to now - 10 s (the settle); `until` covers its whole second.
      const until = now - 10 * SECOND;
      expect(exporter.ledger.watermark).toBe(until);
      expectRequests(poll, eventRequests(sim) - before, read(until) - read(until - 30 * SECOND));
    }
    const truth = sim.truth({ until: now - 10 * SECOND + 999 });
    expect(truth.total).toBeGreaterThan(polls * 250);
    expect(countsFromMetrics(await scrape(exporter.app))).toEqual(truthAsCounts(truth));
    result = await checks(exporter);
    await exporter.stop();
  });
  return result;
}

describe('a poll requests the pages of its new events', () => {
  // Poll 12 is the first whose window starts after the first event (5 minutes 40 s before its end): its
  // oldest page shows how the API cuts a window's first second, and the next polls need none.
  it('whole-second timestamps (the common form, emnify-api.md 3.4): ceil(new events / 100) requests per poll once a first second was seen, counts equal the ground truth', async () => {
    const checked = await steadyPolls(41, { wholeSeconds: true }, 24, (poll, requests, fresh) => {
      if (poll >= 13) {
        expect({ poll, requests }).toEqual({ poll, requests: Math.ceil(fresh / 100) });
      } else if (poll >= 3) {
        // The window's oldest page, then the newest-first pages of the new events; the overlap is not read again.
        expect({ poll, requests }).toEqual({ poll, requests: 1 + Math.ceil(fresh / 100) });
      }
    });
    expect(checked).toMatchObject({ read_more: 0, came_while_read: 0, unresolved: 0, fewer_than_known: 0 });
  });

  it('millisecond timestamps: at most one request more, when a polled event lies before the smallest offset into a second the API has shown', async () => {
    let extra = 0;
    await steadyPolls(42, {}, 24, (poll, requests, fresh) => {
      if (poll >= 3) {
        expect(requests - Math.ceil(fresh / 100)).toBeGreaterThanOrEqual(0);
        expect(requests - Math.ceil(fresh / 100)).toBeLessThanOrEqual(1);
      }
      if (poll >= 13) {
        extra += requests - Math.ceil(fresh / 100);
      }
    });
    // 12 polls: most skip the oldest page.
    expect(extra).toBeLessThanOrEqual(5);
  });

  it('an API that leaves out the first second of `from`: the oldest page every poll, 1 + ceil(new events / 100) requests, counts equal the ground truth', async () => {
    await steadyPolls(43, { wholeSeconds: true, excludeFirstSecond: () => true }, 16, (poll, requests, fresh) => {
      if (poll >= 3) {
        expect({ poll, requests }).toEqual({ poll, requests: 1 + Math.ceil(fresh / 100) });
      }
    });
  });

  it('an API whose cut of the first second changes: the check notices, says so once, and reads the oldest page again; counts equal the ground truth', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const shape: ApiShape = { wholeSeconds: true };
    shape.onPoll = (poll) => (shape.excludeFirstSecond = () => poll >= 16);
    await steadyPolls(
      44,
      shape,
      22,
      (poll, requests, fresh) => {
        if (poll >= 13 && poll < 16) {
          expect({ poll, requests }).toEqual({ poll, requests: Math.ceil(fresh / 100) });
        }
        if (poll > 16) {
          expect({ poll, requests }).toEqual({ poll, requests: 1 + Math.ceil(fresh / 100) });
        }
      },
      createLogger('info', [], (l) => lines.push(JSON.parse(l) as Record<string, unknown>))
    );
    expect(
      lines.filter((l) => String(l.msg).includes("cuts a window's first second other than it seemed"))
    ).toHaveLength(1);
  });
});

describe('the count check', () => {
  it('finds late events that come inside the overlap after a poll whose count agreed', async () => {
    let now = Date.parse('2026-06-02T08:00:00Z');
    const live = { seed: 43, historyEvents: 0, eventsPerSecond: 2, lateFraction: 0, now: () => now };
    await withSimulator(live, async (sim, dir) => {
      const exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s', '--poll.page-size', '100']);
      for (let poll = 1; poll <= 8; poll++) {
        now += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
      expect(await checks(exporter)).toMatchObject({ read_more: 0 });
      // Three events timestamped 2 minutes ago (inside the 5-minute overlap, before the watermark), shown now.
      const late = sim.addEvents(3, { lateByMs: 2 * MINUTE });
      now += 30 * SECOND;
      await exporter.poller.pollOnce();
      const metrics = await scrape(exporter.app);
      expect(await checks(exporter)).toMatchObject({ read_more: 1, unresolved: 0 });
      expect(late.every((e) => exporter.ledger.isPolled(e.id))).toBe(true);
      expect(singleValue(metrics, 'emnify_exporter_late_events_total')).toBe(3);
      expect(countsFromMetrics(metrics)).toEqual(truthAsCounts(sim.truth({ until: now - 10 * SECOND + 999 })));
      await exporter.stop();
    });
  });

  it('reads on from where the new events end, page by page, until the late events are found: ceil(position of the oldest late event / 100) requests', async () => {
    let now = Date.parse('2026-06-02T10:00:00Z');
    const live = { seed: 48, historyEvents: 0, eventsPerSecond: 20, lateFraction: 0, now: () => now };
    await withSimulator(live, async (sim, dir) => {
      const exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s', '--poll.page-size', '100'], {
        transport: reshapedApi(sim.url, { wholeSeconds: true }),
      });
      // From poll 13 on, no window needs its oldest page (whole-second timestamps; see above).
      for (let poll = 1; poll <= 13; poll++) {
        now += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
      for (const lateByMs of [70 * SECOND, 2 * MINUTE + 30 * SECOND, 4 * MINUTE]) {
        const late = sim.addEvents(2, { lateByMs });
        now += 30 * SECOND;
        const until = now - 10 * SECOND;
        // Newest first, the reading must reach the oldest late event: its position is the number of the
        // window's events at or after its time (ground truth; ties at the same millisecond all counted).
        const position = sim.truth({ from: Date.parse(late[0].timestamp), until: until + 999 }).total;
        const before = eventRequests(sim);
        await exporter.poller.pollOnce();
        expect({ lateByMs, requests: eventRequests(sim) - before }).toEqual({
          lateByMs,
          requests: Math.ceil(position / 100),
        });
        expect(late.every((e) => exporter.ledger.isPolled(e.id))).toBe(true);
      }
      expect(await checks(exporter)).toMatchObject({ read_more: 3, came_while_read: 0, unresolved: 0 });
      expect(countsFromMetrics(await scrape(exporter.app))).toEqual(
        truthAsCounts(sim.truth({ until: now - 10 * SECOND + 999 }))
      );
      await exporter.stop();
    });
  });

  it('events that keep coming while a window is read: its leaving part is made certain, the next poll finds the rest; a poll costs its new pages and two more', async () => {
    let now = Date.parse('2026-06-02T12:00:00Z');
    const live = { seed: 49, historyEvents: 0, eventsPerSecond: 10, lateFraction: 0, now: () => now };
    await withSimulator(live, async (sim, dir) => {
      // Before every event request of a busy poll, one event 15 s late (inside the window, above its
      // new events' oldest page) becomes visible: the window's count changes with every answer.
      const arrivals = { on: false, lateByMs: 15 * SECOND, count: 0 };
      const exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s', '--poll.page-size', '100'], {
        transport: arrivingWhileRead(sim, arrivals),
      });
      for (let poll = 1; poll <= 12; poll++) {
        now += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
      // A late event in the part of the next window that leaves the overlap with it: that window is
      // [now - 5 m 10 s, now + 20 s] (watermark now - 10 s), its leaving part ends at now - 4 m 39 s, so
      // this event (now - 4 m 50 s) is found by the check of that part or never: the window after starts above it.
      const [leavingLate] = sim.addEvents(1, { lateByMs: 4 * MINUTE + 50 * SECOND });
      arrivals.on = true;
      let previousUntil = now - 10 * SECOND;
      for (let poll = 1; poll <= 8; poll++) {
        now += 30 * SECOND;
        const before = eventRequests(sim);
        await exporter.poller.pollOnce();
        const until = now - 10 * SECOND;
        // At most new to the polls: the events after the last window's end, the ones that came during this
        // poll included (ground truth at the poll's end), those that came during the last poll (15 s late:
        // 5 s before its end), and the late event of the first busy poll.
        const fresh = sim.truth({ from: previousUntil - 15 * SECOND, until: until + 999 }).total + (poll === 1 ? 1 : 0);
        previousUntil = until;
        // The oldest page, the pages of the new events, and the part below them with its own count: one
        // page of it, or, in the first busy poll, its pages down to the late event in the leaving part.
        const lateDepth =
          poll === 1
            ? Math.ceil(sim.truth({ from: Date.parse(leavingLate.timestamp), until: until + 999 }).total / 100)
            : 0;
        expect(eventRequests(sim) - before).toBeLessThanOrEqual(2 + Math.ceil(fresh / 100) + lateDepth);
      }
      expect(arrivals.count).toBeGreaterThan(30);
      expect(await checks(exporter)).toMatchObject({ came_while_read: 8, unresolved: 0, fewer_than_known: 0 });
      // Quiet again: the next polls find what came during the last ones, and every count is the truth.
      arrivals.on = false;
      for (let poll = 1; poll <= 2; poll++) {
        now += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
      expect(countsFromMetrics(await scrape(exporter.app))).toEqual(
        truthAsCounts(sim.truth({ until: now - 10 * SECOND + 999 }))
      );
      // Most events that came during a poll were found by the next one (late by then), the late event in
      // the leaving part by the first busy poll (its id is forgotten once its window completes, as it lies
      // below the next window: the counts above are what show it was counted).
      expect(singleValue(await scrape(exporter.app), 'emnify_exporter_late_events_total')).toBeGreaterThan(
        arrivals.count / 2
      );
      await exporter.stop();
    });
  });

  it('is not fooled by a push of an event the API shows only later, while another late event comes', async () => {
    let now = Date.parse('2026-06-03T08:00:00Z');
    const live = { seed: 44, historyEvents: 0, eventsPerSecond: 2, lateFraction: 0, now: () => now };
    await withSimulator(live, async (sim, dir) => {
      const hidden = new Set<number>();
      const exporter = exporterFor(
        sim,
        dir,
        () => now,
        ['--backfill', '0s', '--poll.page-size', '100', '--web.listen-address', '127.0.0.1:0'],
        { transport: withoutEvents(sim.url, hidden) },
        { env: { EXPORTER_DATASTREAMER_TOKEN: 'push-token' } }
      );
      for (let poll = 1; poll <= 8; poll++) {
        now += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
      // X: pushed by the Data Streamer before the API shows it (the API hides it for now).
      const [x] = sim.addEvents(1, { lateByMs: 90 * SECOND });
      hidden.add(x.id);
      expect(await push(exporter, [x])).toMatchObject({ counted: 1 });
      // Y: a late event the API shows, inside the overlap. If X counted as known, the counts would agree.
      const [y] = sim.addEvents(1, { lateByMs: 60 * SECOND });
      now += 30 * SECOND;
      await exporter.poller.pollOnce();
      expect(exporter.ledger.isPolled(y.id)).toBe(true);
      expect(exporter.ledger.isPolled(x.id)).toBe(false);
      // Now the API shows X: the poll counts it no second time, and from now on knows it.
      hidden.clear();
      now += 30 * SECOND;
      await exporter.poller.pollOnce();
      expect(exporter.ledger.isPolled(x.id)).toBe(true);
      const metrics = await scrape(exporter.app);
      expect(countsFromMetrics(metrics)).toEqual(truthAsCounts(sim.truth({ until: now - 10 * SECOND + 999 })));
      expect(parseSamples(metrics, 'emnify_exporter_events_deduplicated_total')).toContainEqual({
        labels: { origin: 'poll' },
        value: expect.any(Number) as number,
      });
      await exporter.stop();
    });
  });

  it('does not rest on ids following visibility order: ids given as events happen, late events, faults', async () => {
    let now = Date.parse('2026-06-04T08:00:00Z');
    const live = {
      seed: 45,
      historyEvents: 0,
      eventsPerSecond: 6,
      lateFraction: 0.3,
      maxLatenessMs: 90 * SECOND,
      idOrder: 'timestamp' as const,
      tokenLifetimeSeconds: 40,
      now: () => now,
    };
    await withSimulator(live, async (sim, dir) => {
      const exporter = exporterFor(
        sim,
        dir,
        () => now,
        ['--backfill', '0s', '--poll.page-size', '100', '--poll.page-concurrency', '3'],
        { retry: { maxRetries: 8, baseDelayMs: 1, maxDelayMs: 4 } }
      );
      sim.setFaults({ errorRate: 0.08, rateLimitEvery: 11, rateLimitLength: 2, malformedRate: 0.05, dropRate: 0.03 });
      let inserted = 0;
      for (let poll = 1; poll <= 24; poll++) {
        now += 20 * SECOND;
        // Late events shown while pages are read (their ids given now, so the newest ids).
        const inserter = setInterval(() => {
          sim.addEvents(1, { lateByMs: 45 * SECOND });
          inserted++;
        }, 4);
        await exporter.poller.pollOnce();
        clearInterval(inserter);
      }
      sim.setFaults({ errorRate: 0, rateLimitEvery: 0, malformedRate: 0, dropRate: 0 });
      // Every late event (at most 90 s late) is visible 100 s on; the last two polls read them.
      now += 100 * SECOND;
      await exporter.poller.pollOnce();
      now += 20 * SECOND;
      await exporter.poller.pollOnce();
      const metrics = await scrape(exporter.app);
      const truth = sim.truth({ until: now - 10 * SECOND + 999 });
      expect(inserted).toBeGreaterThan(20);
      expect(truth.total).toBeGreaterThan(2500);
      expect(singleValue(metrics, 'emnify_exporter_late_events_total')).toBeGreaterThan(100);
      expect(countsFromMetrics(metrics)).toEqual(truthAsCounts(truth));
      await exporter.stop();
    });
  });

  it('an event that vanishes from the overlap (retention) is reported, and nothing is counted twice', async () => {
    let now = Date.parse('2026-06-05T08:00:00Z');
    const live = { seed: 46, historyEvents: 0, eventsPerSecond: 2, lateFraction: 0, now: () => now };
    await withSimulator(live, async (sim, dir) => {
      const exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s', '--poll.page-size', '100']);
      for (let poll = 1; poll <= 6; poll++) {
        now += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
      const before = sim.truth({ until: now - 10 * SECOND + 999 }).total;
      // The oldest event (3 minutes old: inside the overlap) leaves the API.
      expect(sim.expireEvents(1)).toBe(1);
      now += 30 * SECOND;
      await exporter.poller.pollOnce();
      expect(await checks(exporter)).toMatchObject({ fewer_than_known: 1, unresolved: 0 });
      // Counted once before it vanished; the events since, once.
      const total = [...exporter.ledger.counts.events.values()].reduce((a, b) => a + b, 0);
      expect(total).toBe(sim.truth({ until: now - 10 * SECOND + 999 }).total + 1);
      expect(total).toBeGreaterThan(before);
      await exporter.stop();
    });
  });

  it('documented limit: one event vanishing while a late one comes into the same overlap makes the counts agree, and the late one is missed', async () => {
    let now = Date.parse('2026-06-06T08:00:00Z');
    const live = { seed: 47, historyEvents: 0, eventsPerSecond: 2, lateFraction: 0, now: () => now };
    await withSimulator(live, async (sim, dir) => {
      const exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s', '--poll.page-size', '100']);
      for (let poll = 1; poll <= 6; poll++) {
        now += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
      expect(sim.expireEvents(1)).toBe(1);
      const [late] = sim.addEvents(1, { lateByMs: 2 * MINUTE });
      now += 30 * SECOND;
      await exporter.poller.pollOnce();
      // emnify-api.md documents no deletion but the 30-day retention, which never reaches a steady
      // poll's overlap; see the README's limits.
      expect(await checks(exporter)).toMatchObject({ fewer_than_known: 0, read_more: 0 });
      expect(exporter.ledger.isPolled(late.id)).toBe(false);
      await exporter.stop();
    });
  });
});

/** How `reshapedApi` changes the simulator's API. */
interface ApiShape {
  /** Timestamps cut to the whole second (`.000Z`, as most of emnify's). */
  wholeSeconds?: boolean;
  /** Whether the API leaves out the first second of `from` (a `from` compared exclusively at second precision). */
  excludeFirstSecond?: () => boolean;
  /** Called before each poll with its number. */
  onPoll?(poll: number): void;
}

/** The simulator's API reshaped as `shape` says (the event list only). */
function reshapedApi(baseUrl: string, shape: ApiShape): Transport {
  const http = fetchTransport({ baseUrl, timeoutMs: 5000 });
  return async (request) => {
    if (request.kind !== 'api' || request.path !== '/api/v1/event') {
      return http(request);
    }
    let query = request.query;
    if (shape.excludeFirstSecond?.() && query?.q) {
      const q = query.q.replace(
        /from:([^,]+)/,
        (_, from: string) => `from:${new Date(Date.parse(from) + 1000).toISOString().replace('.000Z', 'Z')}`
      );
      query = { ...query, q };
    }
    const res = await http({ ...request, query });
    if (!shape.wholeSeconds || res.status !== 200) {
      return res;
    }
    const items = JSON.parse(res.body) as Array<{ timestamp: string }>;
    for (const e of items) {
      e.timestamp = new Date(Math.floor(Date.parse(e.timestamp) / 1000) * 1000).toISOString();
    }
    return { ...res, body: JSON.stringify(items) };
  };
}

/**
 * The simulator's API, where `arrivals.on` makes one event `arrivals.lateByMs` late visible before every
 * event request (events that come while a poll reads its pages).
 */
function arrivingWhileRead(
  sim: RunningSimulator,
  arrivals: { on: boolean; lateByMs: number; count: number }
): Transport {
  const http = fetchTransport({ baseUrl: sim.url, timeoutMs: 5000 });
  return async (request) => {
    if (arrivals.on && request.kind === 'api' && request.path === '/api/v1/event') {
      sim.addEvents(1, { lateByMs: arrivals.lateByMs });
      arrivals.count++;
    }
    return http(request);
  };
}

/**
 * The simulator's API without the events of `hidden` (an API that shows them later): each event list is
 * read whole from the simulator (pages of 1000, same filter and sort), the hidden events taken out, and
 * paged again as asked, with the headers that go with it.
 */
function withoutEvents(baseUrl: string, hidden: ReadonlySet<number>): Transport {
  const http = fetchTransport({ baseUrl, timeoutMs: 5000 });
  return async (request) => {
    if (request.kind !== 'api' || request.path !== '/api/v1/event' || hidden.size === 0) {
      return http(request);
    }
    const items: Array<{ id: number }> = [];
    for (let page = 1; ; page++) {
      const res = await http({ ...request, query: { ...request.query, page: String(page), per_page: '1000' } });
      if (res.status !== 200) {
        return res;
      }
      items.push(...(JSON.parse(res.body) as Array<{ id: number }>));
      if (page >= Number(res.headers['x-total-pages'])) {
        break;
      }
    }
    const shown = items.filter((e) => !hidden.has(e.id));
    const perPage = Number(request.query?.per_page ?? 100);
    const pages = Math.ceil(shown.length / perPage);
    const page = Math.min(Math.max(1, Number(request.query?.page ?? 1)), Math.max(1, pages));
    return {
      status: 200,
      headers: {
        'x-total-count': String(shown.length),
        'x-total-pages': String(pages),
        'x-current-page': String(page),
        'x-count-per-page': String(perPage),
      },
      body: JSON.stringify(shown.slice((page - 1) * perPage, page * perPage)),
    };
  };
}
