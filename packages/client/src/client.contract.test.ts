/**
 * Contract tests: the client against the simulator over real HTTP on 127.0.0.1.
 * Authentication, refresh and 401 retry; every filter field; validation before any request; paging
 * with and without the server capping per_page; 429, 5xx, dropped connections and malformed bodies.
 */
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { EmnifyClient, EmnifyClientOptions } from './client';
import { EventFilter } from './filter';
import { EmnifyEvent } from './model';
import { ClientObserver } from './requester';
import { Transport, fetchTransport } from './transport';
import { errorOf } from './testing/errorOf';

const HOUR = 3_600_000;

interface Recorder extends ClientObserver {
  requests: Array<{ endpoint: string; status: number }>;
  retries: string[];
  waits: Array<{ cause: string; waitedMs: number }>;
}

function recorder(): Recorder {
  const r: Recorder = {
    requests: [],
    retries: [],
    waits: [],
    onRequest: (i) => r.requests.push({ endpoint: i.endpoint, status: i.status }),
    onRetry: (i) => r.retries.push(i.reason),
    onRateLimitWait: (i) => r.waits.push({ cause: i.cause, waitedMs: i.waitedMs }),
  };
  return r;
}

function clientFor(sim: RunningSimulator, extra: Partial<EmnifyClientOptions> = {}): EmnifyClient {
  return new EmnifyClient({
    transport: fetchTransport({ baseUrl: sim.url, timeoutMs: 5000 }),
    applicationToken: sim.applicationToken,
    rateLimiter: null,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

const authCalls = (sim: RunningSimulator) => sim.requestLog().filter((r) => r.path === '/api/v1/authenticate');
const eventCalls = (sim: RunningSimulator) => sim.requestLog().filter((r) => r.path !== '/api/v1/authenticate');

describe('client ↔ simulator: history of 3000 events', () => {
  let sim: RunningSimulator;
  let all: EmnifyEvent[];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 7, historyMs: 48 * HOUR, historyEvents: 3000, eventsPerSecond: 0 });
    all = (await clientFor(sim).listEvents({ perPage: 1000 })).events;
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.setFaults({ latencyMs: 0, errorRate: 0, rateLimitEvery: 0, malformedRate: 0, dropRate: 0 });
    sim.resetRequestLog();
  });

  it('reads every event once, in the default id-ascending order, equal to the ground truth', () => {
    expect(all).toHaveLength(3000);
    expect(sim.truth().total).toBe(3000);
    const ids = all.map((e) => e.id);
    expect(new Set(ids).size).toBe(3000);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(ids[0]).toBeGreaterThan(2 ** 32);
  });

  it('authenticates once for many concurrent callers and reuses the token', async () => {
    const client = clientFor(sim);
    await Promise.all([1, 2, 3, 4, 5].map((page) => client.getEventPage({ page, perPage: 10 })));
    await client.getEventTypes();
    expect(authCalls(sim)).toHaveLength(1);
    expect(eventCalls(sim)).toHaveLength(6);
  });

  it('pages 3000 events at per_page 250: 12 pages, no page fetched twice', async () => {
    const client = clientFor(sim);
    const list = await client.listEvents({ perPage: 250 }, { concurrency: 3 });
    expect(list).toMatchObject({ totalCount: 3000, totalPages: 12, pagesFetched: 12, truncated: false, skipped: 0 });
    expect(list.events.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const pages = eventCalls(sim).map((r) => new URLSearchParams(r.query).get('page'));
    expect(pages.sort()).toEqual(['1', '10', '11', '12', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('follows the page size the server clamps to, instead of the one it asked for', async () => {
    const capped = await startSimulator({
      port: 0,
      seed: 7,
      historyMs: 48 * HOUR,
      historyEvents: 3000,
      eventsPerSecond: 0,
      maxPerPage: 400,
    });
    try {
      const list = await clientFor(capped).listEvents({ perPage: 1000 });
      expect(list).toMatchObject({ totalCount: 3000, totalPages: 8, pagesFetched: 8, truncated: false });
      expect(list.events.map((e) => e.id)).toEqual(all.map((e) => e.id));
      const perPages = new Set(
        capped
          .requestLog()
          .filter((r) => r.path === '/api/v1/event')
          .map((r) => new URLSearchParams(r.query).get('per_page'))
      );
      expect(perPages).toEqual(new Set(['1000', '400']));
    } finally {
      await capped.close();
    }
  });

  it('stops at maxPages and says the result was truncated', async () => {
    const list = await clientFor(sim).listEvents({ perPage: 100 }, { maxPages: 3 });
    expect(list).toMatchObject({ totalCount: 3000, totalPages: 30, pagesFetched: 3, truncated: true });
    expect(list.events).toHaveLength(300);
    expect(eventCalls(sim)).toHaveLength(3);
  });

  it('continues a reading at startPage: pages 1-3, then 4-30 of the same query, each page requested once', async () => {
    const client = clientFor(sim);
    const ids: number[] = [];
    for await (const page of client.iterateEventPages(
      { perPage: 100 },
      { maxPages: 3, onLimit: 'stop', concurrency: 2 }
    )) {
      ids.push(...page.events.map((e) => e.id));
    }
    expect(ids).toHaveLength(300);
    const rest = await client.listEvents({ perPage: 100 }, { startPage: 4, concurrency: 3 });
    expect(rest).toMatchObject({ pagesFetched: 27, totalPages: 30, truncated: false });
    expect([...ids, ...rest.events.map((e) => e.id)]).toEqual(all.map((e) => e.id));
    const pages = eventCalls(sim).map((r) => Number(new URLSearchParams(r.query).get('page')));
    expect(pages.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('a reading started past the last page yields nothing (the API answers its last page again)', async () => {
    const list = await clientFor(sim).listEvents({ perPage: 1000 }, { startPage: 4 });
    expect(list).toMatchObject({ pagesFetched: 0, totalPages: 3, events: [] });
    expect(eventCalls(sim)).toHaveLength(1);
  });

  it('maxPages counts the pages of the reading from startPage', async () => {
    const list = await clientFor(sim).listEvents({ perPage: 100 }, { startPage: 11, maxPages: 5 });
    expect(list).toMatchObject({ pagesFetched: 5, truncated: true, truncatedBy: 'maxPages' });
    expect(list.events.map((e) => e.id)).toEqual(all.slice(1000, 1500).map((e) => e.id));
  });

  it('gets the last page again for a page past the end, as the API does', async () => {
    const page = await clientFor(sim).getEventPage({ page: 999, perPage: 1000 });
    expect(page.paging).toMatchObject({ currentPage: 3, totalPages: 3, totalCount: 3000 });
    expect(page.events.map((e) => e.id)).toEqual(all.slice(2000).map((e) => e.id));
  });

  it('honours sort=-id', async () => {
    const page = await clientFor(sim).getEventPage({ sort: '-id', perPage: 5 });
    expect(page.events.map((e) => e.id)).toEqual(
      all
        .slice(-5)
        .reverse()
        .map((e) => e.id)
    );
  });

  it('reads the event type lookup with its own spellings', async () => {
    const types = await clientFor(sim).getEventTypes();
    expect(types).toHaveLength(67);
    expect(types.find((t) => t.id === 1)).toEqual({ id: 1, description: 'Update Location' });
    expect(types.find((t) => t.id === 66)).toBeUndefined();
  });

  describe('every filter field selects exactly the matching events', () => {
    const pick = <T>(select: (e: EmnifyEvent) => T | undefined): T => {
      const found = all.map(select).find((v) => v !== undefined && v !== '');
      if (found === undefined) {
        throw new Error('no event has that field');
      }
      return found;
    };
    const from = () => all[Math.floor(all.length / 3)].time;
    const until = () => all[Math.floor((2 * all.length) / 3)].time;

    const cases: Array<[string, () => EventFilter, (e: EmnifyEvent) => boolean]> = [
      [
        'from/until',
        () => ({ from: from(), until: until() }),
        (e) => e.time >= Math.floor(from() / 1000) * 1000 && e.time < Math.floor(until() / 1000) * 1000 + 1000,
      ],
      ['type (multi)', () => ({ type: [3, 5] }), (e) => e.typeId === 3 || e.typeId === 5],
      ['source', () => ({ source: 1 }), (e) => e.sourceId === 1],
      ['severity', () => ({ severity: 1 }), (e) => e.severityId === 1],
      ['alert', () => ({ alert: true }), (e) => e.alert],
      [
        'endpoint (multi)',
        () => ({ endpoint: [pick((e) => e.endpoint?.name), 'no-such-device'] }),
        (e) => e.endpoint?.name === pick((x) => x.endpoint?.name),
      ],
      [
        'iccid (exact 19 digits as prefix)',
        () => ({ iccid: pick((e) => e.sim?.iccid) }),
        (e) => !!e.sim?.iccid.startsWith(pick((x) => x.sim?.iccid)),
      ],
      ['imsi', () => ({ imsi: pick((e) => e.imsi?.imsi) }), (e) => e.imsi?.imsi === pick((x) => x.imsi?.imsi)],
      [
        'imei',
        () => ({ imei: pick((e) => e.endpoint?.imei) }),
        (e) => e.endpoint?.imei === pick((x) => x.endpoint?.imei),
      ],
      [
        'ip_address',
        () => ({ ip_address: pick((e) => e.endpoint?.ipAddress) }),
        (e) => e.endpoint?.ipAddress === pick((x) => x.endpoint?.ipAddress),
      ],
      [
        'network (multi)',
        () => ({ network: ['Telekom', 'Vodafone'] }),
        (e) => e.network?.operatorName === 'Telekom' || e.network?.operatorName === 'Vodafone',
      ],
      ['country', () => ({ country: 'Germany' }), (e) => e.network?.countryName === 'Germany'],
      ['rat', () => ({ rat: 6 }), (e) => e.pdp?.ratType === 6],
      [
        'combined type + alert + country',
        () => ({ type: 3, alert: false, country: ['Germany', 'France'] }),
        (e) => e.typeId === 3 && !e.alert && ['Germany', 'France'].includes(e.network?.countryName ?? ''),
      ],
    ];

    it.each(cases)('%s', async (_name, filter, predicate) => {
      const expected = all.filter(predicate).map((e) => e.id);
      expect(expected.length).toBeGreaterThan(0);
      const list = await clientFor(sim).listEvents({ filter: filter(), perPage: 1000 });
      expect(list.events.map((e) => e.id)).toEqual(expected);
      expect(list.totalCount).toBe(expected.length);
    });

    it('description, organisation, user and tags narrow the result to events containing the text', async () => {
      const client = clientFor(sim);
      const user = pick((e) => e.user?.name);
      const byUser = await client.listEvents({ filter: { user }, perPage: 1000 });
      expect(byUser.events.length).toBe(all.filter((e) => e.user?.name === user).length);
      const rejected = await client.listEvents({ filter: { description: 'rejected' }, perPage: 1000 });
      expect(rejected.events.length).toBe(all.filter((e) => e.description.toLowerCase().includes('rejected')).length);
      expect(rejected.events.length).toBeGreaterThan(0);
      const org = await client.listEvents({ filter: { organisation: 'Acme Fleet GmbH' }, perPage: 1000 });
      expect(org.events.length).toBe(all.filter((e) => e.organisation?.name === 'Acme Fleet GmbH').length);
      const tag = pick((e) => e.endpoint?.tags.split(',')[0]);
      const tagged = await client.listEvents({ filter: { tags: tag }, perPage: 1000 });
      expect(tagged.events.length).toBe(all.filter((e) => e.endpoint?.tags.split(',').includes(tag)).length);
    });
  });

  describe('boundaries: exactly 6 values per multi-value field, from == until', () => {
    /** Six distinct values of a field among the events read (or fewer, padded with values no event has). */
    const six = <T>(select: (e: EmnifyEvent) => T | undefined, padding: T[]): T[] => {
      const found = [...new Set(all.map(select).filter((v): v is T => v !== undefined))].slice(0, 6);
      return [...found, ...padding].slice(0, 6);
    };
    const MULTI: Array<
      [keyof EventFilter, () => Array<string | number>, (e: EmnifyEvent) => string | number | undefined]
    > = [
      ['type', () => six((e) => e.typeId, []), (e) => e.typeId],
      ['endpoint', () => six((e) => e.endpoint?.name, []), (e) => e.endpoint?.name],
      ['iccid', () => six((e) => e.sim?.iccid, []), (e) => e.sim?.iccid],
      // 19 digits or fewer match as a prefix (§2.5): the ICCID without its Luhn digit.
      ['iccid_with_luhn', () => six((e) => e.sim?.iccid, []), (e) => e.sim?.iccid],
      ['network', () => six((e) => e.network?.operatorName, []), (e) => e.network?.operatorName],
      ['country', () => six((e) => e.network?.countryName, []), (e) => e.network?.countryName],
      ['rat', () => six((e) => e.pdp?.ratType, [1, 3, 4, 5]), (e) => e.pdp?.ratType],
    ];

    it.each(MULTI)(
      '%s: 6 values are sent and select exactly the events with one of them',
      async (field, values, of) => {
        const six = values();
        expect(six).toHaveLength(6);
        const expected = all.filter((e) => six.includes(of(e) as never)).map((e) => e.id);
        expect(expected.length).toBeGreaterThan(0);
        const list = await clientFor(sim).listEvents({ filter: { [field]: six }, perPage: 1000 });
        expect(list.events.map((e) => e.id)).toEqual(expected);
        const sent = new Set(eventCalls(sim).map((r) => new URLSearchParams(r.query).get('q')));
        expect(sent).toEqual(new Set([`${field}:${six.join('|')}`]));
      }
    );

    it.each(MULTI)('%s: 7 values are refused before any request, as the API would (422)', async (field, values) => {
      const seven = [...values(), values()[0]];
      const err = await errorOf(clientFor(sim).listEvents({ filter: { [field]: seven } }));
      expect(err.message).toBe(`Invalid filter "${field}": 7 values given; the emnify API accepts at most 6 per field`);
      expect(sim.requestLog()).toHaveLength(0);
      const jwt = await fetch(`${sim.url}/api/v1/authenticate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ application_token: sim.applicationToken }),
      }).then(async (r) => ((await r.json()) as { auth_token: string }).auth_token);
      const raw = await fetch(`${sim.url}/api/v1/event?q=${encodeURIComponent(`${field}:${seven.join('|')}`)}`, {
        headers: { authorization: `Bearer ${jwt}` },
      });
      expect(raw.status).toBe(422);
    });

    it('from == until selects the events of that one second', async () => {
      const t = all[1234].time;
      const second = Math.floor(t / 1000) * 1000;
      const expected = all.filter((e) => Math.floor(e.time / 1000) * 1000 === second).map((e) => e.id);
      expect(expected).toContain(all[1234].id);
      const list = await clientFor(sim).listEvents({ filter: { from: second, until: second }, perPage: 1000 });
      expect(list.events.map((e) => e.id)).toEqual(expected);
      const text = new Date(second).toISOString().replace('.000Z', 'Z');
      expect(eventCalls(sim).map((r) => new URLSearchParams(r.query).get('q'))).toEqual([`from:${text},until:${text}`]);
    });
  });

  it('scopes to one endpoint, and an unknown numeric endpoint id gives an empty list', async () => {
    const client = clientFor(sim);
    const endpoint = all.find((e) => e.endpoint)!.endpoint!;
    const list = await client.listEvents({ scope: { kind: 'endpoint', id: endpoint.id }, perPage: 1000 });
    expect(list.events.map((e) => e.id)).toEqual(all.filter((e) => e.endpoint?.id === endpoint.id).map((e) => e.id));
    const none = await client.listEvents({ scope: { kind: 'endpoint', id: 999999999 } });
    expect(none).toMatchObject({ events: [], totalCount: 0, pagesFetched: 1, truncated: false });
  });

  it('rejects invalid filters before any request, naming the field and the expected form', async () => {
    const client = clientFor(sim);
    const err = await errorOf(client.listEvents({ filter: { imei: '35776208330122AB' } }));
    expect(err.message).toBe(
      'Invalid filter "imei": "35776208330122AB" is not an IMEI (expected up to 16 digits, nothing else)'
    );
    const err2 = await errorOf(client.listEvents({ filter: { from: Date.now() } }));
    expect(err2.message).toContain('Invalid filter "until"');
    const err3 = await errorOf(client.getEventPage({ scope: { kind: 'endpoint', id: 1.5 } }));
    expect(err3.message).toBe('Invalid endpoint id "1.5": expected a numeric id.');
    expect(sim.requestLog()).toHaveLength(0);
  });

  it('retries 5xx answers and dropped connections, and still reads every event exactly once', async () => {
    sim.setFaults({ errorRate: 0.25, dropRate: 0.1 });
    const rec = recorder();
    const list = await clientFor(sim, {
      observer: rec,
      retry: { maxRetries: 10, baseDelayMs: 1, maxDelayMs: 5 },
    }).listEvents({ perPage: 100 });
    expect(list.events.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(rec.retries.filter((r) => r === 'server_error').length).toBeGreaterThan(0);
    expect(rec.retries.filter((r) => r === 'network').length).toBeGreaterThan(0);
    expect(rec.requests.filter((r) => r.status >= 500).length).toBe(
      rec.retries.filter((r) => r === 'server_error').length
    );
  });

  it('retries malformed pages instead of using them', async () => {
    sim.setFaults({ malformedRate: 0.3 });
    const rec = recorder();
    const list = await clientFor(sim, {
      observer: rec,
      retry: { maxRetries: 10, baseDelayMs: 1, maxDelayMs: 5 },
    }).listEvents({ perPage: 100 });
    expect(list.events.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(rec.retries.filter((r) => r === 'malformed_response').length).toBeGreaterThan(0);
  });

  it('gives up after the retry budget with the status, the API message and a hint', async () => {
    const rec = recorder();
    const client = clientFor(sim, { observer: rec, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    await client.authenticate();
    sim.setFaults({ errorRate: 1 });
    const err = await errorOf(client.getEventPage({}));
    expect(err.code).toBe('EMNIFY_SERVER_ERROR');
    expect(err.status).toBeGreaterThanOrEqual(500);
    expect(err.message).toMatch(/^emnify API \/api\/v1\/event answered 5\d\d/);
    expect(err.message).toContain('try again later');
    expect(rec.requests.filter((r) => r.endpoint === '/api/v1/event')).toHaveLength(3);
  });

  it('honours Retry-After on injected 429 bursts', async () => {
    sim.setFaults({ rateLimitEvery: 4, rateLimitLength: 2, retryAfterSeconds: 1 });
    const rec = recorder();
    const slept: number[] = [];
    const client = clientFor(sim, { observer: rec, sleep: async (ms) => void slept.push(ms) });
    const list = await client.listEvents({ perPage: 300 }, { concurrency: 1 });
    expect(list.events.map((e) => e.id)).toEqual(all.map((e) => e.id));
    const serverWaits = rec.waits.filter((w) => w.cause === 'server');
    expect(serverWaits.length).toBeGreaterThan(0);
    expect(serverWaits.every((w) => w.waitedMs === 1000)).toBe(true);
    expect(slept.filter((ms) => ms === 1000)).toHaveLength(serverWaits.length);
  });

  it('stays under emnify’s real events rate limit with its own limiter: no 429 at all', async () => {
    sim.setRateLimits(true);
    try {
      const rec = recorder();
      const client = new EmnifyClient({
        transport: fetchTransport({ baseUrl: sim.url }),
        applicationToken: sim.applicationToken,
        observer: rec,
      });
      const list = await client.listEvents({ perPage: 200 }, { concurrency: 4 });
      expect(list.events).toHaveLength(3000);
      expect(rec.requests.filter((r) => r.status === 429)).toHaveLength(0);
      expect(rec.waits.filter((w) => w.cause === 'client').length).toBeGreaterThan(0);
    } finally {
      sim.setRateLimits(false);
    }
  });
});

describe('client ↔ simulator: authentication', () => {
  let sim: RunningSimulator;
  let now = Date.now();

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 3,
      historyMs: HOUR,
      historyEvents: 50,
      eventsPerSecond: 0,
      tokenLifetimeSeconds: 600,
      now: () => now,
    });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetRequestLog());

  it('refreshes the token before it expires (reads exp from the JWT)', async () => {
    let clientNow = now;
    const client = clientFor(sim, { now: () => clientNow });
    await client.getEventPage({});
    clientNow += 300_000;
    await client.getEventPage({});
    expect(authCalls(sim)).toHaveLength(1);
    clientNow += 235_000; // 65 s before exp: still outside the 60 s margin
    await client.getEventPage({});
    expect(authCalls(sim)).toHaveLength(1);
    clientNow += 10_000; // 55 s before exp: a tenth of the 600 s life, capped at 60 s
    await client.getEventPage({});
    expect(authCalls(sim)).toHaveLength(2);
    expect(sim.requestLog().every((r) => r.status === 200)).toBe(true);
  });

  it('re-authenticates once and retries once when the API answers 401', async () => {
    const clientNow = now;
    const client = clientFor(sim, { now: () => clientNow });
    await client.getEventPage({});
    now += 700_000; // the server's clock passes exp; the client's does not know
    try {
      const page = await client.getEventPage({});
      expect(page.events.length).toBeGreaterThan(0);
      expect(sim.requestLog().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'POST /api/v1/authenticate 200',
        'GET /api/v1/event 200',
        'GET /api/v1/event 401',
        'POST /api/v1/authenticate 200',
        'GET /api/v1/event 200',
      ]);
    } finally {
      now -= 700_000;
    }
  });

  it('stops on a rejected application token: a clear error, no token in it, and no retry loop', async () => {
    const secret = 'not-the-right-token-123456';
    const client = clientFor(sim, { applicationToken: secret });
    const err = await errorOf(client.getEventPage({}));
    expect(err.code).toBe('EMNIFY_AUTH_REJECTED');
    expect(err.status).toBe(401);
    expect(err.message).toBe(
      'emnify rejected the application token (401). Check that it is correct, not revoked and not expired; create a new one in the emnify Portal if needed. Note: 3 failed attempts lock authentication for 5 minutes.'
    );
    const again = await errorOf(client.getEventPage({}));
    expect(again).toBe(err);
    expect(authCalls(sim)).toHaveLength(1);
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(secret);
  });

  it('says where the API is when it cannot be reached', async () => {
    const client = new EmnifyClient({
      transport: fetchTransport({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 2000 }),
      applicationToken: 'x',
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const err = await errorOf(client.getEventPage({}));
    expect(err.code).toBe('EMNIFY_NETWORK');
    expect(err.message).toMatch(
      /^Could not reach the emnify API at http:\/\/127\.0\.0\.1:1 \(.+\)\. Check the API URL and the network\.$/
    );
  });
});

describe('client ↔ simulator: a result that changes while it is paged (pages read concurrently)', () => {
  let sim: RunningSimulator;
  /** Every event before the change, id ascending (read once, checked against the ground truth). */
  let before: EmnifyEvent[];

  beforeEach(async () => {
    sim = await startSimulator({ port: 0, seed: 9, historyMs: 48 * HOUR, historyEvents: 3000, eventsPerSecond: 0 });
    before = (await clientFor(sim).listEvents({ perPage: 1000 })).events;
    expect(before).toHaveLength(sim.truth().total);
    sim.resetRequestLog();
  });
  afterEach(() => sim.close());

  /**
   * The real HTTP transport, with `change` run once at a point of the paging: after the answer to page 1
   * arrives (before the client sees it), or just before the first request for a later page is sent.
   */
  function changing(when: 'after-page-1' | 'before-page-2', change: () => void): Transport {
    const http = fetchTransport({ baseUrl: sim.url, timeoutMs: 5000 });
    let done = false;
    return async (request) => {
      const page = Number(request.query?.page ?? 1);
      if (!done && when === 'before-page-2' && request.kind === 'api' && page >= 2) {
        done = true;
        change();
      }
      const response = await http(request);
      if (!done && when === 'after-page-1' && request.kind === 'api' && page === 1) {
        done = true;
        change();
      }
      return response;
    };
  }

  const pagesRequested = () =>
    eventCalls(sim)
      .map((r) => Number(new URLSearchParams(r.query).get('page') ?? 1))
      .sort((a, b) => a - b);

  it('oldest events expire after page 1 (id ascending): reads to the new end, not past it, and says so', async () => {
    // 3000 events at 250 per page: 12 pages. After page 1, 1000 expire: 2000 left, 8 pages.
    const client = clientFor(sim, { transport: changing('after-page-1', () => sim.expireEvents(1000)) });
    const list = await client.listEvents({ perPage: 250 }, { concurrency: 3 });
    expect(pagesRequested()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(list).toMatchObject({
      totalCount: 2000,
      totalPages: 8,
      pagesFetched: 8,
      truncated: false,
      changedWhilePaging: true,
    });
    // Page 1 as it was, then pages 2-8 of the shrunk result: events 251-1250 shifted onto page 1 and were missed.
    const ids = (events: EmnifyEvent[]) => events.map((e) => e.id);
    expect(ids(list.events)).toEqual([...ids(before.slice(0, 250)), ...ids(before.slice(1250))]);
  });

  it('oldest events expire while pages 2-5 are in flight (newest first): stops at the new end, no loop, no repeat', async () => {
    // 12 pages; just before page 2 is requested, 2400 expire: 600 left, 3 pages. Pages 4 and 5 were asked
    // for before any answer told the new total; the API answers them with page 3 again. No page 6 or later.
    const client = clientFor(sim, { transport: changing('before-page-2', () => sim.expireEvents(2400)) });
    const list = await client.listEvents({ perPage: 250, sort: '-id' }, { concurrency: 4 });
    // Page 5 is abandoned (aborted) once page 4 shows the end: the server may or may not have seen it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pagesRequested().filter((p) => p !== 5)).toEqual([1, 2, 3, 4]);
    expect(list).toMatchObject({
      totalCount: 600,
      totalPages: 3,
      pagesFetched: 3,
      truncated: false,
      changedWhilePaging: true,
    });
    // Newest first, only the oldest expired: the 600 newest, each once.
    expect(list.events.map((e) => e.id)).toEqual(
      before
        .slice(-600)
        .reverse()
        .map((e) => e.id)
    );
  });

  it('abandons a page still in flight when the reading ends: its request is aborted, not left running', async () => {
    const http = changing('before-page-2', () => sim.expireEvents(2400));
    let page5: Promise<'aborted' | 'still running after 2 s'> | undefined;
    const transport: Transport = (request) => {
      if (request.query?.page === '5') {
        // Hold page 5 until it is aborted (or give up after 2 s).
        page5 = new Promise((resolve) => {
          const timer = setTimeout(() => resolve('still running after 2 s'), 2000);
          request.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve('aborted');
          });
        });
        return page5.then(() => Promise.reject(new Error('held')));
      }
      return http(request);
    };
    const list = await clientFor(sim, { transport }).listEvents({ perPage: 250, sort: '-id' }, { concurrency: 4 });
    expect(list.pagesFetched).toBe(3);
    expect(await page5).toBe('aborted');
  });

  it('yields each page once through iterateEventPages: the repeated last page is not a page', async () => {
    const client = clientFor(sim, { transport: changing('before-page-2', () => sim.expireEvents(2400)) });
    const served: Array<[number, number]> = [];
    for await (const page of client.iterateEventPages({ perPage: 250, sort: '-id' }, { concurrency: 4 })) {
      served.push([page.requestedPage, page.paging.currentPage]);
    }
    expect(served).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('events added after page 1 (id ascending): follows the grown total to its new end', async () => {
    // 3000 + 300 = 3300 events at 250 per page: 14 pages instead of 12.
    let added: number[] = [];
    const client = clientFor(sim, {
      transport: changing('after-page-1', () => {
        added = sim.addEvents(300).map((e) => e.id);
      }),
    });
    const list = await client.listEvents({ perPage: 250 }, { concurrency: 3 });
    expect(pagesRequested()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(list).toMatchObject({ totalCount: 3300, totalPages: 14, pagesFetched: 14, changedWhilePaging: true });
    expect(list.events.map((e) => e.id)).toEqual([...before.map((e) => e.id), ...added]);
  });

  it('an unchanged result says so', async () => {
    const list = await clientFor(sim).listEvents({ perPage: 250 }, { concurrency: 3 });
    expect(list).toMatchObject({ totalCount: 3000, totalPages: 12, pagesFetched: 12, changedWhilePaging: false });
  });
});
