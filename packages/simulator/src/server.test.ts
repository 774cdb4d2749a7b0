/**
 * The simulator pinned to ../shared/emnify-api.md over raw HTTP: headers, paging quirks, errors,
 * authentication, determinism, live/late events, faults and rate limits.
 */
import { RunningSimulator, startSimulator } from './index';
import { loadSimulatorOptions } from './config';

const HOUR = 3_600_000;

async function token(sim: RunningSimulator): Promise<string> {
  const res = await fetch(`${sim.url}/api/v1/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ application_token: sim.applicationToken }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['auth_token']);
  return body.auth_token as string;
}

async function get(sim: RunningSimulator, path: string, jwt: string) {
  const res = await fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${jwt}` } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as any };
}

describe('simulator API surface', () => {
  let sim: RunningSimulator;
  let jwt: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 11, historyMs: 24 * HOUR, historyEvents: 1234, eventsPerSecond: 0, maxPerPage: 500 });
    jwt = await token(sim);
  });
  afterAll(() => sim.close());

  it('sends the event service headers in lower case with exact paging values', async () => {
    const r = await get(sim, '/api/v1/event?page=2&per_page=200&q=type:1|2|3|5', jwt);
    expect(r.status).toBe(200);
    const total = Number(r.headers.get('x-total-count'));
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('x-count-per-page')).toBe('200');
    expect(r.headers.get('x-current-page')).toBe('2');
    expect(r.headers.get('x-total-pages')).toBe(String(Math.ceil(total / 200)));
    expect(r.headers.get('x-filter')).toBe('type:1|2|3|5');
    expect(r.headers.get('x-sort')).toBe('id');
    expect(r.headers.get('via')).toMatch(/^1\.1 [0-9a-f]+\.cloudfront\.net \(CloudFront\)$/);
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('x-xss-protection')).toBe('1; mode=block');
    expect(r.headers.get('access-control-expose-headers')).toContain('X-Total-Pages');
    const link = r.headers.get('link')!;
    expect(link).toContain(`page=1&per_page=200>;rel="first"`);
    expect(link).toContain(`q=type%3A1%7C2%7C3%7C5&page=3&per_page=200>;rel="next"`);
    expect(link).toContain(';rel="prev"');
    expect(link).toContain(';rel="last"');
    expect(r.json()).toHaveLength(200);
  });

  it('defaults to 100 per page, sorted by id ascending, with an empty link on a single page and no x-filter', async () => {
    const r = await get(sim, '/api/v1/event', jwt);
    expect(r.headers.get('x-count-per-page')).toBe('100');
    expect(r.headers.get('x-total-count')).toBe('1234');
    expect(r.headers.get('x-total-pages')).toBe('13');
    expect(r.headers.get('x-filter')).toBeNull();
    const ids = r.json().map((e: { id: number }) => e.id);
    expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
    const single = await get(sim, '/api/v1/event?per_page=500&q=severity:2', jwt);
    expect(single.headers.get('link')).toBe('');
    expect(single.headers.get('x-total-pages')).toBe('1');
  });

  it('clamps per_page silently, falls back to the default below 1, and serves the last page past the end', async () => {
    expect((await get(sim, '/api/v1/event?per_page=5000', jwt)).headers.get('x-count-per-page')).toBe('500');
    expect((await get(sim, '/api/v1/event?per_page=0', jwt)).headers.get('x-count-per-page')).toBe('100');
    const last = await get(sim, '/api/v1/event?per_page=500&page=3', jwt);
    const past = await get(sim, '/api/v1/event?per_page=500&page=99', jwt);
    expect(past.headers.get('x-current-page')).toBe('3');
    expect(past.text).toBe(last.text);
    expect(past.json()).toHaveLength(234);
    const before = await get(sim, '/api/v1/event?per_page=500&page=-4', jwt);
    expect(before.headers.get('x-current-page')).toBe('1');
  });

  it('answers an empty result with zero totals', async () => {
    const r = await get(sim, '/api/v1/endpoint/424242/event', jwt);
    expect(r.status).toBe(200);
    expect(r.text).toBe('[]');
    expect(r.headers.get('x-total-count')).toBe('0');
    expect(r.headers.get('x-total-pages')).toBe('0');
    expect(r.headers.get('x-current-page')).toBe('1');
  });

  it('returns 200 [] for an inaccessible numeric organisation id, and 400 for a non-numeric id', async () => {
    expect((await get(sim, '/api/v1/organisation/1234/event', jwt)).text).toBe('[]');
    expect((await get(sim, '/api/v1/organisation/13886/event', jwt)).headers.get('x-total-count')).toBe('1234');
    expect((await get(sim, '/api/v1/organisation/my/event', jwt)).headers.get('x-total-count')).toBe('1234');
    const bad = await get(sim, '/api/v1/sim/abc/event', jwt);
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ error_code: 1000, error_token: 'BadRequest', message: 'Cannot parse parameter id as Long: For input string: "abc"' });
  });

  it('scopes to an endpoint, a SIM and a user', async () => {
    const all = (await get(sim, '/api/v1/event?per_page=500', jwt)).json();
    const withDevice = all.find((e: any) => e.endpoint);
    const byEndpoint = (await get(sim, `/api/v1/endpoint/${withDevice.endpoint.id}/event?per_page=500`, jwt)).json();
    expect(byEndpoint.length).toBeGreaterThan(0);
    expect(byEndpoint.every((e: any) => e.endpoint.id === withDevice.endpoint.id)).toBe(true);
    const bySim = (await get(sim, `/api/v1/sim/${withDevice.sim.id}/event?per_page=500`, jwt)).json();
    expect(bySim.map((e: any) => e.id)).toEqual(byEndpoint.map((e: any) => e.id));
    const byUser = (await get(sim, '/api/v1/user/278906/event?per_page=500', jwt)).json();
    expect(byUser.every((e: any) => e.user.id === 278906)).toBe(true);
    expect((await get(sim, '/api/v1/user/my/event', jwt)).text).toBe('[]');
  });

  it.each([
    ['q=foo:1', 422, { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria foo:1 is invalid' }],
    ['q=type:abc', 422, { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria type:abc is invalid' }],
    ['q=from:2025-01-01T00:00:00Z', 422, { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria from:2025-01-01T00:00:00Z is invalid' }],
    ['q=type:1|2|3|4|5|6|7', 422, { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria type:1|2|3|4|5|6|7 is invalid' }],
    ['q=severity:3', 422, { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria severity:3 is invalid' }],
    ['q=ip_address:300.1.1.1', 422, { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria ip_address:300.1.1.1 is invalid' }],
    ['sort=colour', 400, { error_code: 1302, error_token: 'InvalidSortCriteria', message: 'Sort criteria colour is invalid' }],
    ['page=two', 400, { error_code: 1000, error_token: 'BadRequest', message: 'Cannot parse parameter page as Integer: For input string: "two"' }],
  ])('answers %s with %i and the API error body', async (query, status, body) => {
    const r = await get(sim, `/api/v1/event?${query.replace(/\|/g, '%7C')}`, jwt);
    expect(r.status).toBe(status);
    expect(r.json()).toEqual(body);
  });

  it('sorts descending with - and breaks ties by id', async () => {
    const desc = (await get(sim, '/api/v1/event?sort=-timestamp&per_page=500', jwt)).json();
    const times = desc.map((e: any) => Date.parse(e.timestamp.replace(' ', 'T').replace('+0000', 'Z')));
    expect(times).toEqual([...times].sort((a: number, b: number) => b - a));
    const byType = (await get(sim, '/api/v1/event?sort=type,-id&per_page=500', jwt)).json();
    for (let i = 1; i < byType.length; i++) {
      const [a, b] = [byType[i - 1], byType[i]];
      expect(a.event_type.id < b.event_type.id || (a.event_type.id === b.event_type.id && a.id > b.id)).toBe(true);
    }
  });

  it('serves the type lookup with its own spellings, ids 0-67 without 66', async () => {
    const types = (await get(sim, '/api/v1/event/type', jwt)).json();
    expect(types).toHaveLength(67);
    expect(types.map((t: any) => t.id)).toEqual([...Array(66).keys(), 67]);
    expect(types.find((t: any) => t.id === 2)).toEqual({ id: 2, description: 'Update GPRS Location' });
    expect(types.find((t: any) => t.id === 18)).toEqual({ id: 18, description: 'Threshold reached' });
    expect(types.find((t: any) => t.id === 13)).toEqual({ id: 13, description: 'Support' });
  });

  it('shapes network, PDP and quota events as the reference documents, with drift on by default', async () => {
    const all: any[] = [];
    for (let page = 1; page <= 3; page++) {
      all.push(...(await get(sim, `/api/v1/event?per_page=500&page=${page}`, jwt)).json());
    }
    const ul = all.find((e) => e.event_type.id === 1);
    expect(Object.keys(ul.detail).sort()).toEqual(['country', 'id', 'mnc', 'name', 'tapcode']);
    expect(Object.keys(ul.detail.country).sort()).toEqual(['country_code', 'id', 'iso_code', 'mcc', 'name']);
    expect(ul.detail.country.iso_code).toMatch(/^[a-z]{2}$/);
    const del = all.find((e) => e.event_type.id === 5);
    expect(del.detail.volume.total).toBeCloseTo(del.detail.volume.rx + del.detail.volume.tx, 6);
    expect(del.detail.pdp_context.tariff_id).toBeUndefined();
    const create = all.find((e) => e.event_type.id === 3 && e.detail);
    expect(create.detail.pdp_context.tariff_id).toBe('555');
    const rejected = all.find((e) => e.event_type.id === 3 && !e.detail);
    expect(rejected).toMatchObject({ alert: expect.anything(), event_source: { id: 1 }, event_severity: { id: 1 } });
    expect(rejected.description).toMatch(/^PDP Context Request rejected, because /);
    expect(all.some((e) => e.event_severity.id === 2)).toBe(true);
    // Drift: other timestamp formats, alert as 1, event_source.name, upper-case severities.
    expect(all.some((e) => e.timestamp.endsWith('+0000'))).toBe(true);
    expect(all.some((e) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(e.timestamp))).toBe(true);
    expect(all.some((e) => e.event_source.name !== undefined)).toBe(true);
    expect(all.some((e) => e.event_severity.description === 'INFO')).toBe(true);
    const appTokenActions = all.filter((e) => e.event_type.id === 8 && e.event_source.id === 2 && !e.user);
    expect(appTokenActions.length).toBeGreaterThan(0);
  });
});

describe('simulator authentication', () => {
  let sim: RunningSimulator;
  let now = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, historyEvents: 10, eventsPerSecond: 0, tokenLifetimeSeconds: 600, now: () => now });
  });
  afterAll(() => sim.close());

  const auth = (body: unknown) =>
    fetch(`${sim.url}/api/v1/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('issues a decodable HS384 JWT whose exp - iat is the configured lifetime', async () => {
    const jwt = await token(sim);
    const [head, payload] = jwt
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(jwt.split('.')).toHaveLength(3);
    expect(head).toEqual({ alg: 'HS384' });
    expect(payload).toMatchObject({ aud: '/api/v1/authentication', 'esc.org': 13886, iss: 'spc-frontend001@spc-frontend' });
    expect(payload.exp - payload.iat).toBe(600);
  });

  it('answers gateway-style and application-style 401s', async () => {
    const none = await fetch(`${sim.url}/api/v1/event`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: 'Unauthorized' });
    const malformed = await get(sim, '/api/v1/event', 'None');
    expect(malformed.status).toBe(401);
    expect(malformed.json()).toEqual({ message: 'token contains an invalid number of segments' });
    const forged = await get(sim, '/api/v1/event', 'eyJhbGciOiJIUzM4NCJ9.eyJleHAiOjF9.c2lnbmF0dXJl');
    expect(forged.json()).toMatchObject({ error_code: 1102, error_token: 'InvalidToken' });
    const jwt = await token(sim);
    now += 601_000;
    const expired = await get(sim, '/api/v1/event', jwt);
    expect(expired.status).toBe(401);
    expect(expired.json()).toMatchObject({ error_code: 1103, error_token: 'TokenExpired' });
  });

  it('answers 400 to a malformed body and 401 with an empty body to a wrong token, then locks after 3 failures', async () => {
    const malformed = await auth('{not json');
    expect(malformed.status).toBe(400);
    for (let i = 0; i < 3; i++) {
      const wrong = await auth({ application_token: 'wrong' });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toBe('');
    }
    const locked = await auth({ application_token: sim.applicationToken });
    expect(locked.status).toBe(401);
    expect(await locked.json()).toMatchObject({ error_code: 1105, error_token: 'TooManyRequests' });
    now += 5 * 60_000 + 1;
    expect((await auth({ application_token: sim.applicationToken })).status).toBe(200);
  });
});

describe('simulator determinism, live mode and ground truth', () => {
  it('serves identical pages for the same seed and different ones for another seed', async () => {
    const start = Date.UTC(2026, 5, 1);
    const a = await startSimulator({ port: 0, seed: 5, historyEvents: 300, eventsPerSecond: 0, now: () => start });
    const b = await startSimulator({ port: 0, seed: 5, historyEvents: 300, eventsPerSecond: 0, now: () => start });
    const c = await startSimulator({ port: 0, seed: 6, historyEvents: 300, eventsPerSecond: 0, now: () => start });
    try {
      const [pa, pb, pc] = await Promise.all([a, b, c].map(async (s) => (await get(s, '/api/v1/event?per_page=300', await token(s))).text));
      expect(pa).toBe(pb);
      expect(pa).not.toBe(pc);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('publishes live events at the configured rate, late ones after their timestamp with larger ids', async () => {
    let now = Date.UTC(2026, 5, 1);
    const sim = await startSimulator({ port: 0, seed: 9, historyEvents: 0, eventsPerSecond: 20, lateFraction: 0.3, maxLatenessMs: 10_000, now: () => now });
    try {
      now += 60_000;
      const jwt = await token(sim);
      const first = await get(sim, '/api/v1/event?per_page=1000', jwt);
      const events = [...first.json(), ...(await get(sim, '/api/v1/event?per_page=1000&page=2', jwt)).json()];
      // ~1200 expected at 20/s over 60 s, minus the late ones still in flight.
      expect(Number(first.headers.get('x-total-count'))).toBe(events.length);
      expect(events.length).toBeGreaterThan(1000);
      expect(events.length).toBeLessThan(1400);
      expect(sim.counts().pending).toBeGreaterThan(0);
      const times = events.map((e: any) => Date.parse(e.timestamp.replace(' ', 'T').replace(/(\d)$/, '$1Z').replace('+0000', 'Z')));
      const outOfOrder = times.filter((t: number, i: number) => i > 0 && t < times[i - 1]).length;
      expect(outOfOrder).toBeGreaterThan(0); // late events: larger id, earlier timestamp
      now += 15_000;
      expect(sim.counts().pending).toBeLessThan(50);
      const truth = sim.truth();
      expect(truth.total).toBe(sim.counts().visible);
    } finally {
      await sim.close();
    }
  });

  it('ground truth counts by labels equal a full read of the API', async () => {
    const sim = await startSimulator({ port: 0, seed: 4, historyEvents: 2000, eventsPerSecond: 0 });
    try {
      const jwt = await token(sim);
      const counts = new Map<string, number>();
      for (let page = 1; page <= 2; page++) {
        for (const e of (await get(sim, `/api/v1/event?per_page=1000&page=${page}`, jwt)).json()) {
          const key = `${e.event_type.id}|${e.event_severity.id}|${e.event_source.id}|${(e.detail?.country?.iso_code ?? '').toUpperCase()}|${e.detail?.country ? e.detail.name : ''}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
      const truth = sim.truth();
      expect(truth.total).toBe(2000);
      expect(new Map(truth.byLabels.map((l) => [`${l.typeId}|${l.severityId}|${l.sourceId}|${l.countryIso}|${l.operator}`, l.count]))).toEqual(counts);
      const http = await fetch(`${sim.url}/_simulator/truth`);
      expect(await http.json()).toEqual(truth);
    } finally {
      await sim.close();
    }
  });
});

describe('simulator faults and rate limits', () => {
  let sim: RunningSimulator;
  let jwt: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 2, historyEvents: 100, eventsPerSecond: 0 });
    jwt = await token(sim);
  });
  afterAll(() => sim.close());
  afterEach(() => {
    sim.setFaults({ latencyMs: 0, errorRate: 0, rateLimitEvery: 0, malformedRate: 0, dropRate: 0, retryAfterSeconds: undefined });
    sim.setRateLimits(false);
  });

  it('injects 429 bursts with Retry-After', async () => {
    sim.setFaults({ rateLimitEvery: 3, rateLimitLength: 2, retryAfterSeconds: 7 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const r = await get(sim, '/api/v1/event', jwt);
      statuses.push(r.status);
      if (r.status === 429) {
        retryAfter = r.headers.get('retry-after');
      }
    }
    expect(statuses).toEqual([200, 200, 429, 429, 200, 429]);
    expect(retryAfter).toBe('7');
  });

  it('injects 5xx answers, malformed bodies, dropped connections and latency', async () => {
    sim.setFaults({ errorRate: 1 });
    expect((await get(sim, '/api/v1/event', jwt)).status).toBeGreaterThanOrEqual(500);
    sim.setFaults({ errorRate: 0, malformedRate: 1 });
    const broken = await get(sim, '/api/v1/event', jwt);
    expect(broken.status).toBe(200);
    expect(() => {
      const parsed = broken.json();
      if (!Array.isArray(parsed)) {
        throw new Error('not an array');
      }
    }).toThrow();
    sim.setFaults({ malformedRate: 0, dropRate: 1 });
    await expect(get(sim, '/api/v1/event', jwt)).rejects.toThrow();
    sim.setFaults({ dropRate: 0, latencyMs: 300 });
    const started = Date.now();
    await get(sim, '/api/v1/event', jwt);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('enforces 10 requests/s with a burst of 5 on the events list when rate limits are on, with no Retry-After', async () => {
    sim.setRateLimits(true);
    const results = await Promise.all(Array.from({ length: 11 }, () => get(sim, '/api/v1/event', jwt)));
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(limited).toHaveLength(6);
    expect(limited[0].json()).toEqual({ error_code: 1105, error_token: 'TooManyRequests', message: 'Too Many Requests' });
    expect(limited[0].headers.get('retry-after')).toBeNull();
    sim.setRateLimits(false);
    const free = await Promise.all(Array.from({ length: 11 }, () => get(sim, '/api/v1/event', jwt)));
    expect(free.every((r) => r.status === 200)).toBe(true);
  });
});

describe('loadSimulatorOptions', () => {
  it('reads every variable', () => {
    expect(
      loadSimulatorOptions({
        SIMULATOR_HOST: '0.0.0.0',
        SIMULATOR_PORT: '9999',
        SIMULATOR_SEED: '3',
        SIMULATOR_EVENTS_PER_SECOND: '2.5',
        SIMULATOR_HISTORY: '2d',
        SIMULATOR_HISTORY_EVENTS: '100',
        SIMULATOR_TOKEN_LIFETIME: '15m',
        SIMULATOR_RATE_LIMITS: 'on',
        SIMULATOR_DRIFT: 'off',
        SIMULATOR_FAULT_5XX_RATE: '0.1',
        SIMULATOR_FAULT_429_EVERY: '20',
        SIMULATOR_FAULT_429_RETRY_AFTER: '2',
        SIMULATOR_FAULT_LATENCY: '100ms',
      })
    ).toEqual({
      host: '0.0.0.0',
      port: 9999,
      seed: 3,
      eventsPerSecond: 2.5,
      historyMs: 2 * 86_400_000,
      historyEvents: 100,
      tokenLifetimeSeconds: 900,
      rateLimits: true,
      drift: false,
      faults: { errorRate: 0.1, rateLimitEvery: 20, retryAfterSeconds: 2, latencyMs: 100 },
    });
  });

  it.each([
    [{ SIMULATOR_PORT: 'http' }, 'SIMULATOR_PORT: "http" is not a port number (0-65535)'],
    [{ SIMULATOR_HISTORY: '31d' }, 'SIMULATOR_HISTORY: "31d" is longer than 30d (the API keeps 30 days of events)'],
    [{ SIMULATOR_HISTORY: 'week' }, 'SIMULATOR_HISTORY: "week" is not a duration'],
    [{ SIMULATOR_FAULT_5XX_RATE: '2' }, 'SIMULATOR_FAULT_5XX_RATE: "2" is not a share between 0 and 1'],
    [{ SIMULATOR_RATE_LIMITS: 'maybe' }, 'SIMULATOR_RATE_LIMITS: "maybe" is not on or off'],
    [{ SIMULATOR_APPLICATION_TOKEN: ' ' }, 'SIMULATOR_APPLICATION_TOKEN: must not be empty'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadSimulatorOptions(env)).toThrow(message);
  });
});
