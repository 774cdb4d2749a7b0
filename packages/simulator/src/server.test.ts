/**
 * The simulator over real HTTP (127.0.0.1, ephemeral ports), pinned to ../shared/emnify-api.md: headers,
 * paging quirks, q/sort, errors, authentication, determinism, live/late events, ground truth.
 * Faults, rate limits and the /_simulator surface are in server.faults.test.ts.
 */
import type { RawEvent } from '@emnify-events/client';
import { RunningSimulator, startSimulator } from './index';
import { authenticate, get, post, readAll, timeOf } from './test-support/http';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 2, 14, 12, 0, 0);

const idsOf = (events: RawEvent[]) => events.map((e) => e.id);

function luhn(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

describe('event lists over HTTP', () => {
  let sim: RunningSimulator;
  let jwt: string;
  let all: RawEvent[];
  /** Exact event times by id, from the same seed served without drift (drifted formats drop milliseconds). */
  const exact = new Map<number, number>();
  const timeOfEvent = (e: RawEvent) => exact.get(e.id)!;

  beforeAll(async () => {
    const options = {
      port: 0,
      seed: 11,
      historyMs: 24 * HOUR,
      historyEvents: 1234,
      eventsPerSecond: 0,
      maxPerPage: 500,
      now: () => START,
    };
    sim = await startSimulator(options);
    jwt = await authenticate(sim);
    all = await readAll(sim, jwt);
    const plain = await startSimulator({ ...options, drift: false });
    try {
      for (const e of await readAll(plain, await authenticate(plain))) {
        expect(e.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        exact.set(e.id, Date.parse(e.timestamp));
      }
    } finally {
      await plain.close();
    }
  });
  afterAll(() => sim.close());

  it('reads all 1234 events in id order, the same events as without drift', () => {
    expect(all).toHaveLength(1234);
    expect([...exact.keys()]).toEqual(idsOf(all));
    expect(all.every((e) => Math.floor(timeOf(e.timestamp) / 1000) === Math.floor(timeOfEvent(e) / 1000))).toBe(true);
    expect(idsOf(all)).toEqual([...idsOf(all)].sort((a, b) => a - b));
  });

  it('sends the event service headers, lower case, with exact values (§2.3)', async () => {
    const r = await get(sim, '/api/v1/event?page=2&per_page=200&q=type:1%7C2%7C3%7C5', jwt);
    const total = all.filter((e) => [1, 2, 3, 5].includes(e.event_type.id)).length;
    const pages = Math.ceil(total / 200);
    const base = `${sim.url}/api/v1/event?q=type%3A1%7C2%7C3%7C5`;
    expect(r.status).toBe(200);
    expect(
      Object.fromEntries(
        [
          'content-type',
          'x-count-per-page',
          'x-current-page',
          'x-total-count',
          'x-total-pages',
          'x-filter',
          'x-sort',
          'link',
        ].map((h) => [h, r.headers.get(h)])
      )
    ).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'x-count-per-page': '200',
      'x-current-page': '2',
      'x-total-count': String(total),
      'x-total-pages': String(pages),
      'x-filter': 'type:1|2|3|5',
      'x-sort': 'id',
      link: [
        `<${base}&page=1&per_page=200>;rel="first"`,
        `<${base}&page=1&per_page=200>;rel="prev"`,
        `<${base}&page=3&per_page=200>;rel="next"`,
        `<${base}&page=${pages}&per_page=200>;rel="last"`,
      ].join(', '),
    });
    expect(r.headers.get('x-dns-prefetch-control')).toBe('off');
    expect(r.headers.get('x-download-options')).toBe('noopen');
    expect(r.headers.get('x-xss-protection')).toBe('1; mode=block');
    expect(r.headers.get('access-control-expose-headers')).toBe(
      'X-Count-Per-Page, X-Current-Page, X-Sort, X-Total-Count, X-Total-Pages, Location, X-Count, X-Per-Page, X-Pages, X-Page'
    );
    expect(r.headers.get('via')).toMatch(/^1\.1 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)$/);
    expect(r.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(r.headers.get('x-amz-apigw-id')).toMatch(/^[A-Za-z0-9]{15}=$/);
    expect(idsOf(r.json<RawEvent[]>())).toEqual(
      idsOf(all.filter((e) => [1, 2, 3, 5].includes(e.event_type.id)).slice(200, 400))
    );
  });

  it('defaults to 100 per page, id ascending, no x-filter; an empty link on a single page', async () => {
    const r = await get(sim, '/api/v1/event', jwt);
    expect([
      r.headers.get('x-count-per-page'),
      r.headers.get('x-current-page'),
      r.headers.get('x-total-count'),
      r.headers.get('x-total-pages'),
      r.headers.get('x-sort'),
    ]).toEqual(['100', '1', '1234', '13', 'id']);
    expect(r.headers.get('x-filter')).toBeNull();
    expect(r.headers.get('link')).toBe(
      `<${sim.url}/api/v1/event?page=1&per_page=100>;rel="first", <${sim.url}/api/v1/event?page=2&per_page=100>;rel="next", <${sim.url}/api/v1/event?page=13&per_page=100>;rel="last"`
    );
    expect(idsOf(r.json())).toEqual(idsOf(all.slice(0, 100)));
    const single = await get(sim, '/api/v1/event?per_page=500&q=severity:2', jwt);
    expect(single.headers.get('link')).toBe('');
    expect(single.headers.get('x-total-pages')).toBe('1');
    expect(single.headers.get('x-total-count')).toBe(String(all.filter((e) => e.event_severity?.id === 2).length));
  });

  it('clamps per_page silently, falls back to 100 below 1, serves the last page past the end and page 1 below 1 (§2.2)', async () => {
    expect((await get(sim, '/api/v1/event?per_page=5000', jwt)).headers.get('x-count-per-page')).toBe('500');
    expect((await get(sim, '/api/v1/event?per_page=0', jwt)).headers.get('x-count-per-page')).toBe('100');
    expect((await get(sim, '/api/v1/event?per_page=-3', jwt)).headers.get('x-count-per-page')).toBe('100');
    const last = await get(sim, '/api/v1/event?per_page=500&page=3', jwt);
    const past = await get(sim, '/api/v1/event?per_page=500&page=99', jwt);
    expect(past.headers.get('x-current-page')).toBe('3');
    expect(past.text).toBe(last.text);
    expect(past.json()).toHaveLength(234);
    const before = await get(sim, '/api/v1/event?per_page=500&page=-4', jwt);
    expect(before.headers.get('x-current-page')).toBe('1');
    expect(idsOf(before.json())).toEqual(idsOf(all.slice(0, 500)));
  });

  it('answers an empty result with 200 [], zero totals and the headers still present', async () => {
    const r = await get(sim, '/api/v1/endpoint/424242/event', jwt);
    expect(r.status).toBe(200);
    expect(r.text).toBe('[]');
    expect([
      r.headers.get('link'),
      r.headers.get('x-total-count'),
      r.headers.get('x-total-pages'),
      r.headers.get('x-current-page'),
      r.headers.get('x-count-per-page'),
    ]).toEqual(['', '0', '0', '1', '100']);
  });

  it('returns 200 [] for numeric ids that do not exist or are not visible, and 400 for non-numeric ones (§2.6, §6.3)', async () => {
    for (const path of [
      '/api/v1/organisation/1234/event',
      '/api/v1/endpoint/1/event',
      '/api/v1/sim/99/event',
      '/api/v1/user/5/event',
      '/api/v1/user/my/event',
    ]) {
      const r = await get(sim, path, jwt);
      expect([path, r.status, r.text, r.headers.get('x-total-pages')]).toEqual([path, 200, '[]', '0']);
    }
    expect((await get(sim, '/api/v1/organisation/13886/event', jwt)).headers.get('x-total-count')).toBe('1234');
    expect((await get(sim, '/api/v1/organisation/my/event', jwt)).headers.get('x-total-count')).toBe('1234');
    for (const [path, id] of [
      ['/api/v1/sim/abc/event', 'abc'],
      ['/api/v1/endpoint/None/event', 'None'],
      ['/api/v1/user/me/event', 'me'],
      ['/api/v1/organisation/acme/event', 'acme'],
    ]) {
      const bad = await get(sim, path, jwt);
      expect([bad.status, bad.json()]).toEqual([
        400,
        {
          error_code: 1000,
          error_token: 'BadRequest',
          message: `Cannot parse parameter id as Long: For input string: "${id}"`,
        },
      ]);
    }
  });

  it('scopes to an endpoint, a SIM and a user', async () => {
    const device = all.find((e) => e.endpoint)!;
    const byEndpoint = await readAll(sim, jwt, `/api/v1/endpoint/${device.endpoint!.id}/event`);
    expect(idsOf(byEndpoint)).toEqual(idsOf(all.filter((e) => e.endpoint?.id === device.endpoint!.id)));
    expect(byEndpoint.length).toBeGreaterThan(0);
    const bySim = await readAll(sim, jwt, `/api/v1/sim/${device.sim!.id}/event`);
    expect(idsOf(bySim)).toEqual(idsOf(byEndpoint));
    const user = all.find((e) => e.user)!.user!;
    const byUser = await readAll(sim, jwt, `/api/v1/user/${user.id}/event`);
    expect(idsOf(byUser)).toEqual(idsOf(all.filter((e) => e.user?.id === user.id)));
    expect(byUser.length).toBeGreaterThan(0);
  });

  describe('q selects exactly the matching events, field by field (§2.5)', () => {
    const pick = <T>(select: (e: RawEvent) => T | undefined): T =>
      all.map(select).find((v) => v !== undefined && v !== null && v !== '') as T;
    const day = () => new Date(timeOfEvent(all[600])).toISOString().slice(0, 10);
    const fromMs = () => Math.floor(timeOfEvent(all[300]) / 1000) * 1000;
    const untilMs = () => Math.floor(timeOfEvent(all[900]) / 1000) * 1000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    const network = (e: RawEvent) => (e.detail?.country ? e.detail : undefined);

    const cases: Array<[string, () => string, (e: RawEvent) => boolean]> = [
      ['type', () => 'type:3', (e) => e.event_type.id === 3],
      ['type (multi)', () => 'type:1|15|18', (e) => [1, 15, 18].includes(e.event_type.id)],
      ['source', () => 'source:1', (e) => e.event_source?.id === 1],
      ['severity', () => 'severity:1', (e) => e.event_severity?.id === 1],
      ['alert', () => 'alert:true', (e) => e.alert === true || e.alert === 1],
      ['description', () => 'description:Quota', (e) => (e.description ?? '').toLowerCase().includes('quota')],
      ['organisation (name)', () => 'organisation:Acme Fleet', () => true],
      ['organisation (id)', () => 'organisation:13886', () => true],
      ['organisation (other)', () => 'organisation:Globex', () => false],
      ['user (name)', () => `user:${pick((e) => e.user?.name)}`, (e) => e.user?.name === pick((x) => x.user?.name)],
      [
        'endpoint (multi)',
        () => `endpoint:${pick((e) => e.endpoint?.name)}|no-such-device`,
        (e) => e.endpoint?.name === pick((x) => x.endpoint?.name),
      ],
      ['tags', () => 'tags:metering', (e) => !!e.endpoint?.tags?.split(',').includes('metering')],
      [
        'ip_address',
        () => `ip_address:${pick((e) => e.endpoint?.ip_address)}`,
        (e) => e.endpoint?.ip_address === pick((x) => x.endpoint?.ip_address),
      ],
      [
        'imei',
        () => `imei:${pick((e) => e.endpoint?.imei)}`,
        (e) => e.endpoint?.imei === pick((x) => x.endpoint?.imei),
      ],
      [
        'iccid (19 digits)',
        () => `iccid:${pick((e) => e.sim?.iccid)}`,
        (e) => e.sim?.iccid === pick((x) => x.sim?.iccid),
      ],
      [
        'iccid (prefix, multi)',
        () => 'iccid:89883030000067341|89883030000067342',
        (e) => /^8988303000006734[12]/.test(e.sim?.iccid ?? ''),
      ],
      [
        'iccid_with_luhn (exact)',
        () => `iccid_with_luhn:${pick((e) => e.sim?.iccid)}${luhn(pick((e) => e.sim?.iccid)!)}`,
        (e) => e.sim?.iccid === pick((x) => x.sim?.iccid),
      ],
      ['imsi', () => `imsi:${pick((e) => e.imsi?.imsi)}`, (e) => e.imsi?.imsi === pick((x) => x.imsi?.imsi)],
      [
        'timestamp (one day)',
        () => `timestamp:${day()}`,
        (e) => new Date(timeOfEvent(e)).toISOString().slice(0, 10) === day(),
      ],
      [
        'from/until (inclusive, until to the end of its second)',
        () => `from:${iso(fromMs())},until:${iso(untilMs())}`,
        (e) => timeOfEvent(e) >= fromMs() && timeOfEvent(e) < untilMs() + 1000,
      ],
      [
        'network (multi)',
        () => 'network:Telekom|vodafone',
        (e) => ['Telekom', 'Vodafone'].includes(network(e)?.name ?? ''),
      ],
      [
        'country (multi)',
        () => 'country:Germany|France',
        (e) => ['Germany', 'France'].includes(network(e)?.country?.name ?? ''),
      ],
      ['rat', () => 'rat:6', (e) => e.detail?.pdp_context?.rat_type === 6],
      ['rat (multi)', () => 'rat:2|8', (e) => [2, 8].includes(e.detail?.pdp_context?.rat_type ?? -1)],
      [
        'combined',
        () => 'type:3,alert:false,country:Germany',
        (e) => e.event_type.id === 3 && !e.alert && network(e)?.country?.name === 'Germany',
      ],
    ];

    it.each(cases)('%s', async (_name, q, predicate) => {
      const expected = idsOf(all.filter(predicate));
      const r = await get(sim, `/api/v1/event?per_page=500&q=${encodeURIComponent(q())}`, jwt);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-filter')).toBe(q());
      expect(r.headers.get('x-total-count')).toBe(String(expected.length));
      const served = await readAll(sim, jwt, '/api/v1/event', `q=${encodeURIComponent(q())}`);
      expect(idsOf(served)).toEqual(expected);
    });

    it('has matches for every positive case above', () => {
      for (const [name, , predicate] of cases.filter(([n]) => !n.includes('other'))) {
        expect([name, all.filter(predicate).length > 0]).toEqual([name, true]);
      }
    });
  });

  it.each([
    [
      'q=foo:1',
      422,
      { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria foo:1 is invalid' },
    ],
    [
      'q=type:abc',
      422,
      { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria type:abc is invalid' },
    ],
    [
      'q=from:2025-01-01T00:00:00Z',
      422,
      {
        error_code: 1301,
        error_token: 'InvalidQueryCriteria',
        message: 'Search criteria from:2025-01-01T00:00:00Z is invalid',
      },
    ],
    [
      'q=type:1%7C2%7C3%7C4%7C5%7C6%7C7',
      422,
      {
        error_code: 1301,
        error_token: 'InvalidQueryCriteria',
        message: 'Search criteria type:1|2|3|4|5|6|7 is invalid',
      },
    ],
    [
      'q=severity:3',
      422,
      { error_code: 1301, error_token: 'InvalidQueryCriteria', message: 'Search criteria severity:3 is invalid' },
    ],
    [
      'q=ip_address:300.1.1.1',
      422,
      {
        error_code: 1301,
        error_token: 'InvalidQueryCriteria',
        message: 'Search criteria ip_address:300.1.1.1 is invalid',
      },
    ],
    [
      'q=timestamp:yesterday',
      422,
      {
        error_code: 1301,
        error_token: 'InvalidQueryCriteria',
        message: 'Search criteria timestamp:yesterday is invalid',
      },
    ],
    [
      'sort=colour',
      400,
      { error_code: 1302, error_token: 'InvalidSortCriteria', message: 'Sort criteria colour is invalid' },
    ],
    [
      'sort=-timestamp,colour',
      400,
      { error_code: 1302, error_token: 'InvalidSortCriteria', message: 'Sort criteria colour is invalid' },
    ],
    [
      'page=two',
      400,
      {
        error_code: 1000,
        error_token: 'BadRequest',
        message: 'Cannot parse parameter page as Integer: For input string: "two"',
      },
    ],
    [
      'per_page=lots',
      400,
      {
        error_code: 1000,
        error_token: 'BadRequest',
        message: 'Cannot parse parameter per_page as Integer: For input string: "lots"',
      },
    ],
  ])('answers %s with %i and the API error body', async (query, status, body) => {
    const r = await get(sim, `/api/v1/event?${query}`, jwt);
    expect([r.status, r.headers.get('content-type'), r.json()]).toEqual([
      status,
      'application/json; charset=utf-8',
      body,
    ]);
  });

  it('sorts ascending and descending with ties by id (§2.4)', async () => {
    expect(idsOf(await readAll(sim, jwt, '/api/v1/event', 'sort=-id'))).toEqual(idsOf(all).reverse());
    const byTime = [...all].sort((a, b) => timeOfEvent(b) - timeOfEvent(a) || a.id - b.id);
    const desc = await readAll(sim, jwt, '/api/v1/event', 'sort=-timestamp');
    expect(idsOf(desc)).toEqual(idsOf(byTime));
    const byType = [...all].sort((a, b) => a.event_type.id - b.event_type.id || b.id - a.id);
    const r = await get(sim, '/api/v1/event?sort=type,-id&per_page=500', jwt);
    expect(r.headers.get('x-sort')).toBe('type,-id');
    expect(r.headers.get('link')).toContain('sort=type%2C-id&page=2&per_page=500>;rel="next"');
    expect(idsOf(r.json())).toEqual(idsOf(byType.slice(0, 500)));
    const name = (e: RawEvent) => e.endpoint?.name ?? '';
    const byEndpoint = [...all].sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : a.id - b.id));
    expect(idsOf(await readAll(sim, jwt, '/api/v1/event', 'sort=endpoint'))).toEqual(idsOf(byEndpoint));
  });

  it('serves the type lookup with its own spellings, ids 0-67 without 66 (§2.1, §3.4)', async () => {
    const r = await get(sim, '/api/v1/event/type', jwt);
    const types = r.json<Array<{ id: number; description: string }>>();
    expect(types).toHaveLength(67);
    expect(types.map((t) => t.id)).toEqual([...Array(66).keys(), 67]);
    expect(types.filter((t) => [1, 2, 13, 18].includes(t.id))).toEqual([
      { id: 1, description: 'Update Location' },
      { id: 2, description: 'Update GPRS Location' },
      { id: 13, description: 'Support' },
      { id: 18, description: 'Threshold reached' },
    ]);
    expect(r.headers.get('x-total-count')).toBeNull();
  });

  it('shapes events as documented, with drift on by default (§3)', () => {
    const ul = all.find((e) => e.event_type.id === 1)!;
    expect(Object.keys(ul.detail!).sort()).toEqual(['country', 'id', 'mnc', 'name', 'tapcode']);
    const del = all.find((e) => e.event_type.id === 5 && e.detail)!;
    expect(Math.round(Number(del.detail!.volume!.total) * 1e6)).toBe(
      Math.round(Number(del.detail!.volume!.rx) * 1e6) + Math.round(Number(del.detail!.volume!.tx) * 1e6)
    );
    expect(all.find((e) => e.event_type.id === 3 && e.detail)!.detail!.pdp_context!.tariff_id).toBe('555');
    const rejected = all.find((e) => e.event_type.id === 3 && !e.detail)!;
    expect(rejected.description).toMatch(/^PDP Context Request rejected, because /);
    expect(rejected).toMatchObject({ event_source: { id: 1 }, event_severity: { id: 1 } });
    expect(all.some((e) => e.event_severity?.id === 2)).toBe(true);
    expect(all.filter((e) => e.timestamp.endsWith('+0000')).length).toBeGreaterThan(0);
    expect(all.filter((e) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(e.timestamp)).length).toBeGreaterThan(0);
    expect(all.filter((e) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(e.timestamp)).length).toBeGreaterThan(0);
    expect(all.filter((e) => e.alert === 1).length).toBeGreaterThan(0);
    expect(all.filter((e) => e.event_source?.name !== undefined).length).toBeGreaterThan(0);
    expect(all.filter((e) => e.event_severity?.description === 'INFO').length).toBeGreaterThan(0);
    expect(
      all.filter((e) => e.event_type.id === 8 && e.event_source?.id === 2 && !('user' in e)).length
    ).toBeGreaterThan(0);
  });

  it('answers unknown routes with 404 JSON and wrong methods with 405', async () => {
    const r = await get(sim, '/api/v1/events', jwt);
    expect([r.status, r.json()]).toEqual([404, { message: 'Not Found' }]);
    const m = await post(sim, '/api/v1/event', {});
    expect([m.status, m.json()]).toEqual([405, { message: 'Method Not Allowed' }]);
  });
});

describe('authentication over HTTP (§1)', () => {
  let sim: RunningSimulator;
  let now = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      historyEvents: 10,
      eventsPerSecond: 0,
      tokenLifetimeSeconds: 600,
      now: () => now,
    });
  });
  afterAll(() => sim.close());

  it('answers only {"auth_token"} with a decodable HS384 JWT whose exp - iat is the configured lifetime', async () => {
    const r = await post(sim, '/api/v1/authenticate', { application_token: sim.applicationToken });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(Object.keys(r.json<object>())).toEqual(['auth_token']);
    const token = r.json<{ auth_token: string }>().auth_token;
    const [head, payload] = token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, number>);
    expect(token.split('.')).toHaveLength(3);
    expect(head).toEqual({ alg: 'HS384' });
    expect(payload).toMatchObject({
      aud: '/api/v1/authentication',
      'esc.org': 13886,
      'esc.orgName': 'Acme Fleet GmbH',
      api_key: true,
      iss: 'spc-frontend001@spc-frontend',
    });
    expect(payload.iat).toBe(now / 1000);
    expect(payload.exp - payload.iat).toBe(600);
  });

  it('answers gateway-style and application-style 401s (§1.3)', async () => {
    const none = await get(sim, '/api/v1/event');
    expect([none.status, none.headers.get('x-amzn-errortype'), none.headers.get('content-type'), none.json()]).toEqual([
      401,
      'UnauthorizedException',
      'application/json',
      { message: 'Unauthorized' },
    ]);
    const malformed = await get(sim, '/api/v1/event', 'None');
    expect([
      malformed.status,
      malformed.headers.get('x-amzn-errortype'),
      malformed.headers.get('content-type'),
      malformed.json(),
    ]).toEqual([
      401,
      'AccessDeniedException',
      'application/json',
      { message: 'token contains an invalid number of segments' },
    ]);
    const forged = await get(sim, '/api/v1/event', 'eyJhbGciOiJIUzM4NCJ9.eyJleHAiOjF9.c2lnbmF0dXJl');
    expect([forged.status, forged.json()]).toEqual([
      401,
      { error_code: 1102, error_token: 'InvalidToken', message: 'Invalid token' },
    ]);
    const jwt = await authenticate(sim);
    expect((await get(sim, '/api/v1/event/type', jwt)).status).toBe(200);
    now += 600_000;
    const expired = await get(sim, '/api/v1/event', jwt);
    expect([expired.status, expired.json()]).toEqual([
      401,
      { error_code: 1103, error_token: 'TokenExpired', message: 'Token expired' },
    ]);
    const lookup = await get(sim, '/api/v1/event/type', jwt);
    expect(lookup.status).toBe(401);
  });

  it('answers 400 to malformed bodies, 401 with an empty body to wrong credentials, then locks the IP for 5 minutes after 3', async () => {
    for (const body of ['{not json', '{}', '[]']) {
      const r = await post(sim, '/api/v1/authenticate', body);
      expect([r.status, r.json<{ error_code: number }>().error_code]).toEqual([400, 1000]);
    }
    const attempts = [
      { application_token: 'wrong' },
      { username: 'jane.ops@acme.example', password: '5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8' },
      { refresh_token: 'a.b.c' },
    ];
    for (const body of attempts) {
      const wrong = await post(sim, '/api/v1/authenticate', body);
      expect([wrong.status, wrong.text]).toEqual([401, '']);
    }
    const locked = await post(sim, '/api/v1/authenticate', { application_token: sim.applicationToken });
    expect([locked.status, locked.json()]).toEqual([
      401,
      {
        error_code: 1105,
        error_token: 'TooManyRequests',
        message: 'Too many failed authentication attempts. Try again in 5 minutes.',
      },
    ]);
    now += 5 * 60_000;
    expect((await post(sim, '/api/v1/authenticate', { application_token: sim.applicationToken })).status).toBe(200);
  });
});

describe('determinism, live mode and ground truth', () => {
  it('serves identical pages for the same seed and different ones for another seed', async () => {
    const sims = await Promise.all(
      [5, 5, 6].map((seed) =>
        startSimulator({ port: 0, seed, historyEvents: 300, eventsPerSecond: 0, now: () => START })
      )
    );
    try {
      const [pa, pb, pc] = await Promise.all(
        sims.map(async (s) => (await get(s, '/api/v1/event?per_page=300&sort=-timestamp', await authenticate(s))).text)
      );
      expect(pa).toBe(pb);
      expect(pa).not.toBe(pc);
    } finally {
      await Promise.all(sims.map((s) => s.close()));
    }
  });

  it('publishes live events at the configured rate, late ones after their timestamp with larger ids', async () => {
    let now = START;
    const sim = await startSimulator({
      port: 0,
      seed: 9,
      historyEvents: 0,
      eventsPerSecond: 20,
      lateFraction: 0.3,
      maxLatenessMs: 10_000,
      now: () => now,
    });
    try {
      now += 60_000;
      const jwt = await authenticate(sim);
      const events = await readAll(sim, jwt);
      // ~1200 expected at 20/s over 60 s, minus the late ones still in flight
      expect(events.length).toBeGreaterThan(1000);
      expect(events.length).toBeLessThan(1400);
      expect(sim.counts()).toEqual({ visible: events.length, pending: expect.any(Number) });
      expect(sim.counts().pending).toBeGreaterThan(0);
      expect(idsOf(events)).toEqual([...idsOf(events)].sort((a, b) => a - b));
      const times = events.map((e) => timeOf(e.timestamp));
      expect(times.filter((t, i) => i > 0 && t < times[i - 1]).length).toBeGreaterThan(0); // late: larger id, earlier timestamp
      expect(times.every((t) => t >= START && t <= now)).toBe(true);
      const before = sim.truth().total;
      now += 15_000;
      const after = await readAll(sim, jwt);
      expect(after.length).toBeGreaterThan(before);
      expect(idsOf(after.slice(0, events.length))).toEqual(idsOf(events));
      const newcomers = after.slice(events.length);
      expect(newcomers.some((e) => timeOf(e.timestamp) <= START + 60_000)).toBe(true);
      expect(sim.truth().total).toBe(after.length);
    } finally {
      await sim.close();
    }
  });

  it('addEvents appends events now (or late), visible at once with the next ids, served without drift', async () => {
    const sim = await startSimulator({ port: 0, seed: 4, historyEvents: 50, eventsPerSecond: 0, now: () => START });
    try {
      const jwt = await authenticate(sim);
      const before = await readAll(sim, jwt);
      const added = sim.addEvents(3, { lateByMs: 60_000, typeId: 19 });
      expect(added.map((e) => [e.event_type.id, e.timestamp])).toEqual(
        Array(3).fill([19, new Date(START - 60_000).toISOString()])
      );
      expect(added[0].id).toBeGreaterThan(before[49].id);
      const after = await readAll(sim, jwt);
      expect(after.slice(50)).toEqual(
        added.map((e) => expect.objectContaining({ id: e.id, description: e.description }))
      );
      expect(sim.truth().newestId).toBe(added[2].id);
      expect(() => sim.addEvents(1, { typeId: 66 })).toThrow('unknown event type id 66');
    } finally {
      await sim.close();
    }
  });

  it('ground truth equals a full paged read of /api/v1/event, counted by labels, with exact byte volumes', async () => {
    const sim = await startSimulator({ port: 0, seed: 4, historyEvents: 2500, eventsPerSecond: 0, now: () => START });
    try {
      const jwt = await authenticate(sim);
      const events = await readAll(sim, jwt);
      const counts = new Map<string, number>();
      const volumes = new Map<string, { rx: number; tx: number }>();
      for (const e of events) {
        const iso = (e.detail?.country?.iso_code ?? '').toUpperCase();
        const op = e.detail?.country ? (e.detail.name ?? '') : '';
        const key = `${e.event_type.id}|${e.event_severity!.id}|${e.event_source!.id}|${iso}|${op}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (e.detail?.volume) {
          const v = volumes.get(`${iso}|${op}`) ?? { rx: 0, tx: 0 };
          v.rx += Math.round(Number(e.detail.volume.rx) * 1e6);
          v.tx += Math.round(Number(e.detail.volume.tx) * 1e6);
          volumes.set(`${iso}|${op}`, v);
        }
      }
      const truth = sim.truth();
      expect(truth.total).toBe(2500);
      expect(truth.newestId).toBe(events[2499].id);
      expect(
        new Map(
          truth.byLabels.map((l) => [
            `${l.typeId}|${l.severityId}|${l.sourceId}|${l.countryIso}|${l.operator}`,
            l.count,
          ])
        )
      ).toEqual(counts);
      expect(new Map(truth.volumeBytes.map((v) => [`${v.countryIso}|${v.operator}`, { rx: v.rx, tx: v.tx }]))).toEqual(
        volumes
      );
      const http = await get(sim, '/_simulator/truth');
      expect(http.json()).toEqual(truth);
      // limited by event time, both ends inclusive (whole seconds: drifted timestamps have no milliseconds)
      const from = Math.floor(timeOf(events[1000].timestamp) / 1000) * 1000;
      const until = Math.floor(timeOf(events[2000].timestamp) / 1000) * 1000 - 1;
      const window = events.filter((e) => timeOf(e.timestamp) >= from && timeOf(e.timestamp) < until + 1).length;
      expect(sim.truth({ from, until }).total).toBe(window);
      const windowed = await get(
        sim,
        `/_simulator/truth?from=${new Date(from).toISOString()}&until=${new Date(until).toISOString()}`
      );
      expect(windowed.json<{ total: number }>().total).toBe(window);
    } finally {
      await sim.close();
    }
  });
});
