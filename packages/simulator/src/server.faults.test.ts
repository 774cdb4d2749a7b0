/**
 * Over real HTTP: every fault knob has an observable effect on /api and none on /_simulator; emnify's
 * rate limits (§6.1) when on; the /_simulator control surface; the request log.
 */
import { RunningSimulator, startSimulator } from './index';
import { SERVER_ERRORS } from './faults';
import { authenticate, get, post, readAll } from './test-support/http';

const START = Date.UTC(2026, 2, 14, 12, 0, 0);
const TOO_MANY = { error_code: 1105, error_token: 'TooManyRequests', message: 'Too Many Requests' };
const OFF = {
  latencyMs: 0,
  errorRate: 0,
  rateLimitEvery: 0,
  rateLimitLength: 3,
  malformedRate: 0,
  dropRate: 0,
  retryAfterSeconds: undefined,
};

describe('faults', () => {
  let sim: RunningSimulator;
  let jwt: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 2, historyEvents: 150, eventsPerSecond: 0, now: () => START });
    jwt = await authenticate(sim);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetRequestLog());
  afterEach(() => sim.setFaults(OFF));

  it('injects 429 bursts: every Nth request starts rateLimitLength 429s, with Retry-After when configured', async () => {
    sim.setFaults({ rateLimitEvery: 3, rateLimitLength: 2, retryAfterSeconds: 7 });
    const answers = [];
    for (let i = 0; i < 7; i++) {
      answers.push(await get(sim, '/api/v1/event', jwt));
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 429, 429, 200, 429, 429]);
    expect(answers.filter((r) => r.status === 429).map((r) => [r.headers.get('retry-after'), r.json()])).toEqual(
      Array(4).fill(['7', TOO_MANY])
    );
    sim.setFaults({ rateLimitEvery: 2, rateLimitLength: 1, retryAfterSeconds: undefined });
    const [, limited] = [await get(sim, '/api/v1/event', jwt), await get(sim, '/api/v1/event', jwt)];
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, null]);
  });

  it('answers a share of requests with realistic 5xx bodies, the same sequence for the same seed', async () => {
    sim.setFaults({ errorRate: 1 });
    for (let i = 0; i < 12; i++) {
      const r = await get(sim, '/api/v1/event', jwt);
      expect(SERVER_ERRORS).toContainEqual({
        status: r.status,
        body: r.text,
        contentType: r.headers.get('content-type'),
      });
    }
    const statuses = async (s: RunningSimulator) => {
      s.setFaults({ errorRate: 0.5 });
      const t = await authenticate(s).catch(() => '');
      const out: number[] = [];
      for (let i = 0; i < 30; i++) {
        out.push((await get(s, '/api/v1/event/type', t)).status);
      }
      return out;
    };
    const twins = await Promise.all(
      [1, 2].map(() => startSimulator({ port: 0, seed: 77, historyEvents: 1, eventsPerSecond: 0 }))
    );
    try {
      const [a, b] = [await statuses(twins[0]), await statuses(twins[1])];
      expect(a).toEqual(b);
      expect(a.filter((s) => s >= 500).length).toBeGreaterThan(5);
      expect(a.filter((s) => s === 200 || s === 401).length).toBeGreaterThan(5);
    } finally {
      await Promise.all(twins.map((t) => t.close()));
    }
  });

  it('breaks event-list bodies of 200 answers: truncated JSON, an HTML page, an object', async () => {
    sim.setFaults({ malformedRate: 1 });
    const kinds = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const r = await get(sim, '/api/v1/event?per_page=5', jwt);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-total-count')).toBe('150');
      let parsed: unknown;
      try {
        parsed = JSON.parse(r.text);
      } catch {
        kinds.add(r.text.startsWith('<html>') ? 'html' : 'truncated');
        continue;
      }
      expect(Array.isArray(parsed)).toBe(false);
      kinds.add('object');
    }
    expect(kinds).toEqual(new Set(['html', 'truncated', 'object']));
    // only event lists: the type lookup stays intact
    expect(Array.isArray((await get(sim, '/api/v1/event/type', jwt)).json())).toBe(true);
  });

  it('drops connections without an answer, logged with status 0', async () => {
    sim.setFaults({ dropRate: 1 });
    await expect(get(sim, '/api/v1/event', jwt)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.requestLog()).toEqual([{ method: 'GET', path: '/api/v1/event', status: 0, query: '' }]);
  });

  it('adds latency to every API answer', async () => {
    sim.setFaults({ latencyMs: 250 });
    const started = Date.now();
    const r = await get(sim, '/api/v1/event', jwt);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(245);
  });

  it('never touches /_simulator', async () => {
    sim.setFaults({ dropRate: 1, errorRate: 1, latencyMs: 1000, rateLimitEvery: 1 });
    const started = Date.now();
    const health = await get(sim, '/_simulator/health');
    expect([health.status, health.json()]).toEqual([
      200,
      { status: 'ok', visible: 150, pending: 0, newestId: expect.any(Number) },
    ]);
    expect((await get(sim, '/_simulator/truth')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
    expect(sim.requestLog()).toEqual([]);
  });

  it('reads and merges knobs over POST /_simulator/faults, rejecting bad ones with 400', async () => {
    const set = await post(sim, '/_simulator/faults', { errorRate: 0.5, retryAfterSeconds: 2 });
    expect([set.status, set.json()]).toEqual([
      200,
      {
        latencyMs: 0,
        errorRate: 0.5,
        rateLimitEvery: 0,
        rateLimitLength: 3,
        retryAfterSeconds: 2,
        malformedRate: 0,
        dropRate: 0,
      },
    ]);
    const merged = await post(sim, '/_simulator/faults', { dropRate: 0.1, retryAfterSeconds: null });
    expect(merged.json()).toEqual({
      latencyMs: 0,
      errorRate: 0.5,
      rateLimitEvery: 0,
      rateLimitLength: 3,
      malformedRate: 0,
      dropRate: 0.1,
    });
    expect((await get(sim, '/_simulator/faults')).json()).toEqual(merged.json());
    const bad = await post(sim, '/_simulator/faults', { errorRate: 3 });
    expect([bad.status, bad.json()]).toEqual([400, { message: 'faults.errorRate: expected a share between 0 and 1' }]);
    expect((await post(sim, '/_simulator/faults', '{oops')).json()).toEqual({ message: 'body: not JSON' });
  });
});

describe('rate limits (§6.1)', () => {
  let now = START;
  let sim: RunningSimulator;
  let jwt: string;

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 3,
      historyEvents: 20,
      eventsPerSecond: 0,
      rateLimits: true,
      now: () => now,
    });
    jwt = await authenticate(sim);
  });
  afterAll(() => sim.close());

  it('answers the 6th of 11 rapid event-list requests on with 429 TooManyRequests and no Retry-After (burst 5, 10/s)', async () => {
    sim.setRateLimits(true);
    const results = await Promise.all(Array.from({ length: 11 }, () => get(sim, '/api/v1/event', jwt)));
    expect(results.map((r) => r.status).sort()).toEqual([...Array(5).fill(200), ...Array(6).fill(429)]);
    for (const r of results.filter((x) => x.status === 429)) {
      expect([r.json(), r.headers.get('retry-after'), r.headers.get('content-type')]).toEqual([
        TOO_MANY,
        null,
        'application/json; charset=utf-8',
      ]);
    }
    // the type lookup is not an event list: not limited by the bucket
    expect((await get(sim, '/api/v1/event/type', jwt)).status).toBe(200);
    now += 100; // one token back at 10/s
    expect((await get(sim, '/api/v1/event', jwt)).status).toBe(200);
    expect((await get(sim, '/api/v1/event', jwt)).status).toBe(429);
    now += 1000;
    const refilled = await Promise.all(Array.from({ length: 6 }, () => get(sim, '/api/v1/event', jwt)));
    expect(refilled.filter((r) => r.status === 200)).toHaveLength(5);
  });

  it('limits authenticate to 100 per IP per 5 minutes', async () => {
    sim.setRateLimits(true);
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) {
      statuses.push((await post(sim, '/api/v1/authenticate', { application_token: sim.applicationToken })).status);
    }
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(statuses[100]).toBe(429);
    now += 5 * 60_000;
    expect((await post(sim, '/api/v1/authenticate', { application_token: sim.applicationToken })).status).toBe(200);
  });

  it('lets everything through when off', async () => {
    sim.setRateLimits(false);
    const results = await Promise.all(Array.from({ length: 11 }, () => get(sim, '/api/v1/event', jwt)));
    expect(results.map((r) => r.status)).toEqual(Array(11).fill(200));
  });
});

describe('/_simulator and the request log', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 6, historyEvents: 40, eventsPerSecond: 0, now: () => START });
  });
  afterAll(() => sim.close());

  it('adds events with POST /_simulator/events and counts them in the truth', async () => {
    const r = await post(sim, '/_simulator/events', { count: 2, lateBySeconds: 30, typeId: 11 });
    expect(r.status).toBe(200);
    const added = r.json<Array<{ id: number; timestamp: string; event_type: { id: number } }>>();
    expect(added.map((e) => [e.event_type.id, e.timestamp])).toEqual([
      [11, new Date(START - 30_000).toISOString()],
      [11, new Date(START - 30_000).toISOString()],
    ]);
    const truth = (await get(sim, '/_simulator/truth')).json<{ total: number; newestId: number }>();
    expect([truth.total, truth.newestId]).toEqual([42, added[1].id]);
    const oneDefault = await post(sim, '/_simulator/events', '');
    expect(oneDefault.json()).toHaveLength(1);
  });

  it('expires the oldest events with POST /_simulator/expire: lists and truth shrink, ids stay', async () => {
    const jwt = await authenticate(sim);
    const before = await readAll(sim, jwt);
    const r = await post(sim, '/_simulator/expire', { count: 5 });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ expired: 5, visible: before.length - 5 });
    const after = await readAll(sim, jwt);
    expect(after.map((e) => e.id)).toEqual(before.slice(5).map((e) => e.id));
    const page = await get(sim, '/api/v1/event?per_page=10', jwt);
    expect(page.headers.get('x-total-count')).toBe(String(before.length - 5));
    expect((await get(sim, '/_simulator/truth')).json<{ total: number }>().total).toBe(before.length - 5);
    expect(sim.expireEvents(0)).toBe(0);
    expect((await post(sim, '/_simulator/expire', { count: 'all' })).json()).toEqual({
      message: 'count: expected a whole number between 0 and 100000',
    });
    expect(() => sim.expireEvents(-1)).toThrow('count: expected a whole number of 0 or more');
  });

  it('answers bad control requests with 400, 404 and 405', async () => {
    expect((await post(sim, '/_simulator/events', { typeId: 66 })).json()).toEqual({
      message: 'typeId: unknown event type id 66',
    });
    expect((await post(sim, '/_simulator/events', { count: -1 })).status).toBe(400);
    expect((await get(sim, '/_simulator/truth?from=yesterday')).json()).toEqual({
      message: 'from: "yesterday" is not an ISO 8601 time',
    });
    expect((await get(sim, '/_simulator/nothing')).status).toBe(404);
    expect((await get(sim, '/_simulator/events')).status).toBe(405);
    expect((await get(sim, '/_simulator/expire')).status).toBe(405);
    expect((await post(sim, '/_simulator/faults', { errorRate: 2 })).json()).toEqual({
      message: 'faults.errorRate: expected a share between 0 and 1',
    });
  });

  it('logs API requests in order with method, path, status and query; not /_simulator; resettable', async () => {
    sim.resetRequestLog();
    const jwt = await authenticate(sim);
    await get(sim, '/api/v1/event?q=type:1&per_page=5', jwt);
    await get(sim, '/api/v1/sim/abc/event', jwt);
    await get(sim, '/_simulator/health');
    await get(sim, '/api/v1/event');
    expect(sim.requestLog()).toEqual([
      { method: 'POST', path: '/api/v1/authenticate', status: 200, query: '' },
      { method: 'GET', path: '/api/v1/event', status: 200, query: 'q=type:1&per_page=5' },
      { method: 'GET', path: '/api/v1/sim/abc/event', status: 400, query: '' },
      { method: 'GET', path: '/api/v1/event', status: 401, query: '' },
    ]);
    sim.resetRequestLog();
    expect(sim.requestLog()).toEqual([]);
  });
});
