/**
 * The events gateway over real HTTP, with the simulator behind the exporter and the simulator itself as
 * the truth: the same request sent to both must get the same status, body (events and their order)
 * and paging headers (`link` compared with each server's own origin taken out). Also: its credential,
 * its allowlist and methods, no emnify credential in any byte it sends or logs, the upstream cost of a
 * moving-range refresh (read from the simulator's request log), coalescing, the byte bound of its
 * cache, and the poller's priority in the budget they share.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmnifyClient,
  EventQuery,
  buildEventQuery,
  encodeQuery,
  fetchTransport,
  normalizeEvent,
} from '@emnify-events/client';
import { RunningSimulator, SimulatorOptions, startSimulator } from '@emnify-events/simulator';
import { simulatorJwt } from '../../packages/client/src/testing/simulatorJwt';
import { loadConfig } from '../src/config';
import { Exporter, createExporter } from '../src/exporter';
import { createLogger } from '../src/logger';
import { explorerQueries } from './explorerQueries';
import { parseSamples } from './metricsText';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const TOKEN = 'gateway-test-token-5f1c9e27';
/** Any JWT: three base64url segments, the first a JSON object. */
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;
const PAGING_HEADERS = [
  'content-type',
  'link',
  'x-count-per-page',
  'x-current-page',
  'x-total-count',
  'x-total-pages',
  'x-sort',
  'x-filter',
];

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const range = (from: number, until: number, more = '') =>
  `q=${encodeURIComponent(`from:${iso(from)},until:${iso(until)}${more}`)}`;

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

const dir = mkdtempSync(join(tmpdir(), 'emnify-gateway-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every log line the exporters wrote (checked for credentials at the end of each suite). */
const logLines: string[] = [];

interface Setup {
  sim: RunningSimulator;
  /** The test's own JWT for asking the simulator directly. */
  jwt: string;
  clock: { now: number };
}

async function simulatorAt(now: number, options: SimulatorOptions): Promise<Setup> {
  const clock = { now };
  const sim = await startSimulator({ port: 0, now: () => clock.now, ...options });
  return { sim, jwt: await simulatorJwt(sim), clock };
}

interface RunningGateway {
  exporter: Exporter;
  base: string;
  close(): Promise<void>;
}

let exporters = 0;

async function gatewayFor(
  { sim, clock }: Setup,
  extra: string[] = [],
  env: Record<string, string> = { EXPORTER_GATEWAY_TOKEN: TOKEN },
  client: Record<string, unknown> = { rateLimiter: null },
  applicationToken = sim.applicationToken
): Promise<RunningGateway> {
  const exporter = createExporter(
    loadConfig(
      [
        '--emnify.url',
        sim.url,
        '--state.file',
        join(dir, `state-${++exporters}.json`),
        '--web.listen-address',
        ':0',
        ...extra,
      ],
      { EMNIFY_APPLICATION_TOKEN: applicationToken, ...env }
    ),
    {
      logger: createLogger('debug', [], (line) => logLines.push(line)),
      now: () => clock.now,
      client: { retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...client },
    }
  );
  const server: Server = exporter.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    exporter,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.close();
      server.closeAllConnections();
      await exporter.stop();
    },
  };
}

/** Every header of an answer, one `name: value` per line. */
function headerLines(headers: Headers): string {
  const lines: string[] = [];
  headers.forEach((value, name) => lines.push(`${name}: ${value}`));
  return lines.join('\n');
}

/** A request to the gateway; every byte of its answer is checked for the application token and JWTs. */
async function ask(
  setup: Setup,
  base: string,
  path: string,
  init: { method?: string; authorization?: string | null } = {}
): Promise<Answer> {
  const authorization = init.authorization === undefined ? `Bearer ${TOKEN}` : init.authorization;
  const res = await fetch(base + path, {
    method: init.method ?? 'GET',
    headers: authorization === null ? {} : { authorization },
  });
  const body = await res.text();
  const bytes = `${res.status}\n${headerLines(res.headers)}\n\n${body}`;
  expect(bytes).not.toContain(setup.sim.applicationToken);
  expect(bytes).not.toMatch(JWT);
  return { status: res.status, headers: res.headers, body };
}

async function askSimulator({ sim, jwt }: Setup, path: string): Promise<Answer> {
  const res = await fetch(sim.url + path, { headers: { authorization: `Bearer ${jwt}` } });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/**
 * The answer's status, paging headers (`link` with the server's origin replaced by `ORIGIN`) and the
 * ids of its events in order (or its body when it is not a list), so that a difference reads short.
 */
function comparable(answer: Answer, origin: string) {
  let body: unknown = answer.body;
  try {
    const parsed: unknown = JSON.parse(answer.body);
    body = Array.isArray(parsed) ? parsed.map((e) => (e as { id: number }).id) : parsed;
  } catch {
    // not JSON: compared as text
  }
  return {
    status: answer.status,
    body,
    headers: PAGING_HEADERS.map((h) => [h, answer.headers.get(h)?.split(origin).join('ORIGIN') ?? null]),
  };
}

/** The gateway's answer equals the simulator's: status, paging headers, ids in order, then every byte of the body. */
async function expectSameAnswer(setup: Setup, base: string, path: string): Promise<Answer> {
  const mine = await ask(setup, base, path);
  const truth = await askSimulator(setup, path);
  expect({ path, ...comparable(mine, base) }).toEqual({ path, ...comparable(truth, setup.sim.url) });
  expect(mine.body === truth.body).toBe(true);
  return mine;
}

/** The query string the shared client sends for `query`. */
const queryString = (query: EventQuery, page?: number) => encodeQuery(buildEventQuery({ ...query, page })).slice(1);

const upstreamEventReads = (sim: RunningSimulator) =>
  sim.requestLog().filter((r) => r.path !== '/api/v1/authenticate' && r.path !== '/api/v1/event/type');

async function metric(base: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return parseSamples(text, name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

function expectNoCredentialInLogs(setup: Setup): void {
  expect(logLines.length).toBeGreaterThan(0);
  for (const line of logLines) {
    expect(line).not.toContain(setup.sim.applicationToken);
    expect(line).not.toContain(TOKEN);
    expect(line).not.toMatch(JWT);
  }
}

describe('events gateway: credential, allowlist, methods', () => {
  let setup: Setup;
  let gw: RunningGateway;

  beforeAll(async () => {
    setup = await simulatorAt(Date.UTC(2026, 2, 1, 12, 1, 0, 250), {
      seed: 21,
      historyMs: 2 * HOUR,
      historyEvents: 200,
      eventsPerSecond: 0,
    });
    gw = await gatewayFor(setup);
  });
  afterAll(async () => {
    await gw.close();
    await setup.sim.close();
  });
  beforeEach(() => setup.sim.resetRequestLog());

  const LISTED = [
    '/api/v1/event',
    '/api/v1/event/type',
    '/api/v1/endpoint/1/event',
    '/api/v1/sim/2/event',
    '/api/v1/user/3/event',
  ];
  const OUTSIDE = [
    '/api/v1',
    '/api/v1/',
    '/api/v1/authenticate',
    '/api/v1/events',
    '/api/v1/event/type/1',
    '/api/v1/event/alerts_pending',
    '/api/v1/organisation/my/event',
    '/api/v1/organisation/13886/event',
    '/api/v1/imsi/1/event',
    '/api/v1/endpoint',
    '/api/v1/endpoint/1',
    '/api/v1/endpoint/1/event/x',
    '/api/v1/sim/1',
    '/api/v1/sim/1/stats',
    '/api/v1/user/1',
    '/api/v1/application_token',
    '/api/v1/event/../endpoint',
    '/api/v1//event',
    '/API/V1/EVENT',
    '/api/v1/Event',
  ];

  it.each([
    ['no Authorization', null],
    ['a wrong token', 'Bearer gateway-test-token-5f1c9e2'],
    ['the token with one character more', `Bearer ${TOKEN}x`],
    ['the token as basic credentials', `Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`],
    ['the token without a scheme', TOKEN],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 to %s, on every path and method, before anything else', async (_what, authorization) => {
    for (const path of [...LISTED, ...OUTSIDE.slice(0, 4)]) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const answer = await ask(setup, gw.base, path, { method, authorization });
        expect([path, method, answer.status, answer.body]).toEqual([
          path,
          method,
          401,
          JSON.stringify({
            message:
              "Missing or wrong gateway token: send Authorization: Bearer <the exporter's EXPORTER_GATEWAY_TOKEN>.",
          }),
        ]);
        expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="emnify events gateway"');
      }
    }
    expect(setup.sim.requestLog()).toEqual([]);
  });

  it('takes the token with the scheme in any case', async () => {
    expect((await ask(setup, gw.base, '/api/v1/event/type', { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it.each(OUTSIDE)('answers 404 to %s (valid token), asking emnify nothing', async (path) => {
    for (const method of ['GET', 'POST']) {
      const answer = await ask(setup, gw.base, path, { method });
      expect([method, answer.status, JSON.parse(answer.body)]).toEqual([
        method,
        404,
        {
          message:
            'Not Found: the events gateway serves GET /api/v1/event, /api/v1/event/type and /api/v1/{endpoint|sim|user}/{id}/event.',
        },
      ]);
    }
    expect(setup.sim.requestLog()).toEqual([]);
  });

  it.each(LISTED)('answers 405 to every method but GET on %s, asking emnify nothing', async (path) => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) {
      const answer = await ask(setup, gw.base, path, { method });
      expect([method, answer.status, answer.headers.get('allow')]).toEqual([method, 405, 'GET']);
      if (method !== 'HEAD') {
        expect(JSON.parse(answer.body)).toEqual({
          message: 'Method Not Allowed: the events gateway is read-only (GET).',
        });
      }
    }
    expect(setup.sim.requestLog()).toEqual([]);
  });

  it('is off without a token: 404 under /api/v1, no credential asked', async () => {
    const off = await gatewayFor(setup, [], {});
    try {
      const answer = await ask(setup, off.base, '/api/v1/event', { authorization: null });
      expect([answer.status, JSON.parse(answer.body)]).toEqual([
        404,
        { message: 'The events gateway is off: set EXPORTER_GATEWAY_TOKEN(_FILE) to enable it.' },
      ]);
      expect(await (await fetch(`${off.base}/metrics`)).text()).not.toContain('emnify_exporter_gateway_');
    } finally {
      await off.close();
    }
  });

  it('is not behind basic auth: Prometheus routes want basic credentials, the gateway its bearer token', async () => {
    // User "prometheus", password "demo-password" (exporter/examples/web-config.yml).
    const webConfig = join(dir, 'web-config.yml');
    writeFileSync(
      webConfig,
      'basic_auth_users:\n  prometheus: $2a$10$GwFMoHqC8xOsBnWCrJFZL.rCepsLG3lWhZXb09XcoJPsvoXSs5lze\n'
    );
    const basic = `Basic ${Buffer.from('prometheus:demo-password').toString('base64')}`;
    const guarded = await gatewayFor(setup, ['--web.config.file', webConfig]);
    try {
      expect((await fetch(`${guarded.base}/metrics`)).status).toBe(401);
      expect((await fetch(`${guarded.base}/metrics`, { headers: { authorization: basic } })).status).toBe(200);
      expect((await ask(setup, guarded.base, '/api/v1/event/type')).status).toBe(200);
      const withBasic = await ask(setup, guarded.base, '/api/v1/event/type', { authorization: basic });
      expect([withBasic.status, withBasic.headers.get('www-authenticate')]).toEqual([
        401,
        'Bearer realm="emnify events gateway"',
      ]);
      expect((await ask(setup, guarded.base, '/api/v1/nothing', { authorization: basic })).status).toBe(401);
    } finally {
      await guarded.close();
    }
  });

  it("says when emnify refuses the exporter's own credential, without handing emnify's 401 on as the caller's", async () => {
    const refused = await gatewayFor(
      setup,
      [],
      { EXPORTER_GATEWAY_TOKEN: TOKEN },
      { rateLimiter: null },
      'revoked-app-token-123'
    );
    try {
      for (const path of [
        '/api/v1/event/type',
        `/api/v1/event?${range(Date.UTC(2026, 2, 1, 11), Date.UTC(2026, 2, 1, 12))}`,
      ]) {
        const answer = await ask(setup, refused.base, path);
        expect([answer.status, JSON.parse(answer.body)]).toEqual([
          502,
          {
            message:
              'emnify rejected the application token (401). Check that it is correct, not revoked and not expired; create a new one in the emnify Portal if needed. Note: 3 failed attempts lock authentication for 5 minutes.',
          },
        ]);
        expect(answer.body).not.toContain('revoked-app-token-123');
      }
    } finally {
      await refused.close();
    }
    expect(logLines.join('\n')).not.toContain('revoked-app-token-123');
  });

  it('logs no credential', () => {
    expectNoCredentialInLogs(setup);
  });
});

describe('events gateway: the same answers as emnify', () => {
  // 12:01:00.250: the newest 5-minute slices are unsealed, everything before 11:50 is sealed.
  const NOW = Date.UTC(2026, 2, 1, 12, 1, 0, 250);
  let setup: Setup;
  let gw: RunningGateway;
  /** Events of the last 8 hours, as the simulator serves them (oldest first). */
  let events: Array<{
    id: number;
    timestamp: string;
    endpoint?: { id: number; name: string };
    sim?: { id: number };
    user?: { id: number };
  }>;

  beforeAll(async () => {
    setup = await simulatorAt(NOW, { seed: 22, historyMs: 8 * HOUR, historyEvents: 4000, eventsPerSecond: 0 });
    gw = await gatewayFor(setup);
    const all = await askSimulator(setup, `/api/v1/event?${range(NOW - 8 * HOUR, NOW)}&per_page=1000&page=1`);
    events = JSON.parse(all.body) as typeof events;
  });
  afterAll(async () => {
    await gw.close();
    await setup.sim.close();
  });

  it("serves the explorer dashboard's queries page by page as emnify does, through the shared client unchanged", async () => {
    const queries = explorerQueries({ from: NOW - 6 * HOUR, to: NOW });
    expect(queries.map((q) => buildEventQuery(q).q?.replace(/from:\S+?Z,until:\S+?Z/, 'RANGE'))).toEqual([
      'RANGE',
      'RANGE,severity:2',
      'RANGE,type:5',
    ]);
    for (const query of queries) {
      for (const perPage of [1000, 100]) {
        const first = await expectSameAnswer(setup, gw.base, `/api/v1/event?${queryString({ ...query, perPage }, 1)}`);
        const pages = Number(first.headers.get('x-total-pages'));
        for (let page = 2; page <= pages + 1; page++) {
          await expectSameAnswer(setup, gw.base, `/api/v1/event?${queryString({ ...query, perPage }, page)}`);
        }
      }
    }
    // The client the data source uses, unchanged but for its bearer: the same events as straight from emnify.
    const viaGateway = new EmnifyClient({
      transport: fetchTransport({ baseUrl: gw.base }),
      bearerToken: TOKEN,
      rateLimiter: null,
    });
    const direct = new EmnifyClient({
      transport: fetchTransport({ baseUrl: setup.sim.url }),
      applicationToken: setup.sim.applicationToken,
      rateLimiter: null,
    });
    for (const query of queries) {
      const [mine, truth] = await Promise.all([viaGateway.listEvents(query), direct.listEvents(query)]);
      expect(mine.events.map((e) => e.id)).toEqual(truth.events.map((e) => e.id));
      expect(mine.events).toEqual(truth.events);
      expect([mine.totalCount, mine.totalPages, mine.pagesFetched]).toEqual([
        truth.totalCount,
        truth.totalPages,
        truth.pagesFetched,
      ]);
      expect(mine.events.length).toBeGreaterThan(0);
    }
  });

  it('cuts ranges at any second, across slice boundaries, with every edge as emnify does', async () => {
    const at = (i: number) => normalizeEvent(events[i]).time;
    const cases: Array<[number, number]> = [
      [NOW - 6 * HOUR, NOW], // neither edge on a slice boundary
      [Date.UTC(2026, 2, 1, 10), Date.UTC(2026, 2, 1, 11)], // both on boundaries
      [Date.UTC(2026, 2, 1, 11, 31, 17), Date.UTC(2026, 2, 1, 11, 33, 42)], // inside one slice
      [Date.UTC(2026, 2, 1, 11, 54, 59), Date.UTC(2026, 2, 1, 11, 55, 0)], // two seconds across a boundary
      [NOW - 3 * MINUTE, NOW + 10 * MINUTE], // in the unsealed tail, ending ahead of now
      [at(100), at(300)], // edges exactly on the seconds of events: both inclusive
      [at(300), at(300)], // one second
      [NOW - 20 * 24 * HOUR, NOW - 19 * 24 * HOUR], // no events
    ];
    for (const [from, until] of cases) {
      for (const sort of ['', '&sort=-id', '&sort=id']) {
        await expectSameAnswer(setup, gw.base, `/api/v1/event?${range(from, until)}${sort}&per_page=1000`);
      }
    }
  });

  it('pages as emnify does: default and clamped per_page, pages below 1 and past the end', async () => {
    const q = range(NOW - 4 * HOUR, NOW);
    for (const paging of [
      '',
      '&page=2',
      '&per_page=0',
      '&per_page=-3&page=3',
      '&per_page=5000',
      '&per_page=7&page=0',
      '&per_page=7&page=-4',
      '&per_page=250&page=99',
      '&per_page=250&page=+2',
      '&page=&per_page=',
    ]) {
      await expectSameAnswer(setup, gw.base, `/api/v1/event?${q}${paging}&sort=-id`);
    }
  });

  it('filters and scopes as emnify does', async () => {
    const withEndpoint = events.find((e) => e.endpoint && e.sim)!;
    const withUser = events.find((e) => e.user)!;
    const q = (more: string) => range(NOW - 6 * HOUR, NOW, more);
    const paths = [
      `/api/v1/event?${q(',type:1|2|3')}&sort=-id&per_page=500&page=2`,
      `/api/v1/event?${q(',severity:1,source:1')}`,
      `/api/v1/event?${q(',country:Germany|France,rat:6')}&sort=-id`,
      `/api/v1/event?${q(`,endpoint:${withEndpoint.endpoint!.name}`)}&sort=-id`,
      `/api/v1/event?${q(',description:quota,alert:true')}`,
      `/api/v1/event?${q(', type : 5 ')}&sort=-id`,
      `/api/v1/endpoint/${withEndpoint.endpoint!.id}/event?${q('')}&sort=-id`,
      `/api/v1/endpoint/${withEndpoint.endpoint!.id}/event/?${q(',type:1')}`,
      `/api/v1/sim/${withEndpoint.sim!.id}/event?${q('')}&sort=-id&per_page=3&page=2`,
      `/api/v1/user/${withUser.user!.id}/event?${q('')}&sort=-id`,
      `/api/v1/endpoint/999999/event?${q('')}`,
      `/api/v1/event/?${q('')}&per_page=10`,
    ];
    for (const path of paths) {
      await expectSameAnswer(setup, gw.base, path);
    }
  });

  it('hands what it cannot assemble exactly to emnify as it is, errors included', async () => {
    const q = range(NOW - 2 * HOUR, NOW);
    const paths = [
      `/api/v1/event?${q}&sort=-timestamp&per_page=50&page=3`,
      `/api/v1/event?${q}&sort=endpoint,-timestamp`,
      '/api/v1/event?q=type:5&per_page=20&page=2',
      '/api/v1/event?per_page=20',
      `/api/v1/event?${range(NOW - 40 * 24 * HOUR, NOW)}&per_page=5`,
      `/api/v1/event?q=${encodeURIComponent(`from:${iso(NOW)},until:${iso(NOW - HOUR)}`)}`,
      `/api/v1/event?${range(NOW - HOUR, NOW, ',timestamp:2026-03-01')}`,
      `/api/v1/event?${range(NOW - HOUR, NOW, ',colour:blue')}`,
      `/api/v1/event?${range(NOW - HOUR, NOW, ',type:1,type:2')}`,
      `/api/v1/event?${q}&sort=colour`,
      `/api/v1/event?${q}&page=two`,
      `/api/v1/event?${q}&per_page=abc`,
      `/api/v1/event?q=${encodeURIComponent('from:2026-02-30T00:00:00Z,until:2026-03-01T00:00:00Z')}`,
      '/api/v1/user/my/event',
      '/api/v1/endpoint/-5/event',
      '/api/v1/endpoint/abc/event',
      '/api/v1/sim/1.5/event',
      '/api/v1/event/type',
    ];
    for (const path of paths) {
      await expectSameAnswer(setup, gw.base, path);
    }
    expect(await metric(gw.base, 'emnify_exporter_gateway_as_is_requests_total')).toBeGreaterThanOrEqual(13);
  });

  it('counts its requests by route template and code, and the emnify requests it caused', async () => {
    expect(
      await metric(gw.base, 'emnify_exporter_gateway_requests_total', { route: '/api/v1/sim/{id}/event', code: '200' })
    ).toBeGreaterThan(0);
    expect(
      await metric(gw.base, 'emnify_exporter_gateway_requests_total', {
        route: '/api/v1/endpoint/{id}/event',
        code: '400',
      })
    ).toBe(1);
    const caused = await metric(gw.base, 'emnify_exporter_gateway_upstream_requests_total');
    const all = await metric(gw.base, 'emnify_exporter_api_requests_total');
    // The exporter's own client also authenticated once; its poller never ran here.
    expect(caused).toBe(all - 1);
  });

  it('logs no credential', () => {
    expectNoCredentialInLogs(setup);
  });
});

describe('events gateway: a dashboard whose range moves on every refresh', () => {
  // 12:01:00: slices up to 11:55 are sealable (their end lies 5 min 10 s back), 11:55-12:05 are not.
  const START = Date.UTC(2026, 2, 1, 12, 1, 0, 250);
  let setup: Setup;
  let gw: RunningGateway;

  beforeAll(async () => {
    setup = await simulatorAt(START, {
      seed: 23,
      historyMs: 8 * HOUR,
      historyEvents: 4000,
      eventsPerSecond: 0.2,
      lateFraction: 0.3,
      maxLatenessMs: 20_000,
    });
    gw = await gatewayFor(setup);
  });
  afterAll(async () => {
    await gw.close();
    await setup.sim.close();
  });

  /** The simulator's events of each explorer query (all pages, in order) at the last fresh refresh. */
  let previousTruth: Array<Array<{ id: number; time: number }>> = [];

  /** Every page of `query` from `read`, as the data source reads them: the events' ids and times in order. */
  async function readAll(read: (path: string) => Promise<Answer>, query: EventQuery) {
    const events: Array<{ id: number; time: number }> = [];
    for (let page = 1, pages = 1; page <= pages; page++) {
      const answer = await read(`/api/v1/event?${queryString(query, page)}`);
      pages = Number(answer.headers.get('x-total-pages'));
      events.push(
        ...(JSON.parse(answer.body) as unknown[]).map((e) => ({
          id: normalizeEvent(e).id,
          time: normalizeEvent(e).time,
        }))
      );
    }
    return events;
  }

  /**
   * One refresh of the explorer's three queries over the last 6 hours, every page as the data source
   * reads them; returns the readings it cost upstream. Then every page is compared with the simulator's
   * answer at the same moment (`fresh`); or, when nothing may be read again (within max-age), the
   * answer must be the previous refresh's truth cut to the new range (a trivial model of max-age).
   */
  async function refresh(fresh = true): Promise<number> {
    const now = setup.clock.now;
    const queries = explorerQueries({ from: now - 6 * HOUR, to: now });
    setup.sim.resetRequestLog();
    const served = [];
    for (const query of queries) {
      served.push(await readAll((path) => ask(setup, gw.base, path), query));
    }
    const reads = upstreamEventReads(setup.sim).length;
    if (!fresh) {
      const from = Math.floor((now - 6 * HOUR) / 1000) * 1000;
      expect(served).toEqual(previousTruth.map((events) => events.filter((e) => e.time >= from)));
      return reads;
    }
    previousTruth = [];
    for (const query of queries) {
      const first = await expectSameAnswer(setup, gw.base, `/api/v1/event?${queryString(query, 1)}`);
      for (let page = 2; page <= Number(first.headers.get('x-total-pages')); page++) {
        await expectSameAnswer(setup, gw.base, `/api/v1/event?${queryString(query, page)}`);
      }
      previousTruth.push(await readAll((path) => askSimulator(setup, path), query));
    }
    return reads;
  }

  /**
   * Pages of 1,000 a reading of `[from, until]` takes, per explorer query (all, severity 2, type 5), from
   * the simulator's ground truth (emnify's `until` covers its whole second).
   */
  function readingPages(from: number, until: number): number[] {
    const truth = setup.sim.truth({ from, until: until + 999 });
    const count = (keep: (l: (typeof truth.byLabels)[number]) => boolean) =>
      truth.byLabels.filter(keep).reduce((n, l) => n + l.count, 0);
    return [truth.total, count((l) => l.severityId === 2), count((l) => l.typeId === 5)].map((n) =>
      Math.max(1, Math.ceil(n / 1000))
    );
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it('reads the whole range once, then only the newest slices, with a late event caught', async () => {
    // Cold: per query one reading of the sealed slices (06:00-11:55) and one of the unsealed tail.
    const sealed = readingPages(Date.UTC(2026, 2, 1, 6), Date.UTC(2026, 2, 1, 11, 55));
    expect(sealed).toEqual([4, 1, 1]);
    expect(readingPages(Date.UTC(2026, 2, 1, 11, 55), Date.UTC(2026, 2, 1, 12, 10))).toEqual([1, 1, 1]);
    expect(await refresh()).toBe(sum(sealed) + 3);
    setup.clock.now += 30_000;
    expect(await refresh()).toBe(3);
    // An event that shows up 4 minutes late, in a slice that is not sealed yet.
    setup.clock.now += 30_000;
    setup.sim.addEvents(1, { lateByMs: 4 * MINUTE, typeId: 5 });
    expect(await refresh()).toBe(3);
    // 12:05:10 seals 11:55-12:00: one reading per query seals it, one reads the new tail.
    setup.clock.now = Date.UTC(2026, 2, 1, 12, 5, 40);
    expect(await refresh()).toBe(6);
    setup.clock.now += 30_000;
    expect(await refresh()).toBe(3);
    // Within max-age (30 s) nothing is read again.
    setup.clock.now += 10_000;
    expect(await refresh(false)).toBe(0);
    expect(await metric(gw.base, 'emnify_exporter_gateway_cache_hits_total', { kind: 'slice' })).toBeGreaterThan(400);
  });

  it('reads identical concurrent requests once', async () => {
    const fresh = await gatewayFor(setup);
    try {
      const now = setup.clock.now;
      const path = `/api/v1/event?${queryString(explorerQueries({ from: now - 6 * HOUR, to: now })[0], 1)}`;
      setup.sim.resetRequestLog();
      const answers = await Promise.all(Array.from({ length: 8 }, () => ask(setup, fresh.base, path)));
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      // One reading of the sealed slices (06:00-12:00, four pages), one of the tail.
      expect(readingPages(Date.UTC(2026, 2, 1, 6), Date.UTC(2026, 2, 1, 12))[0]).toBe(4);
      expect(upstreamEventReads(setup.sim)).toHaveLength(4 + 1);
      expect(await metric(fresh.base, 'emnify_exporter_gateway_coalesced_requests_total')).toBe(7);
      await expectSameAnswer(setup, fresh.base, path);
    } finally {
      await fresh.close();
    }
  });

  it('stays within its byte bound, evicting the least recently used, and still answers as emnify', async () => {
    const small = await gatewayFor(setup, ['--gateway.cache-size', '1MB']);
    const large = await gatewayFor(setup);
    try {
      const hourAt = (h: number) =>
        `/api/v1/event?${range(Date.UTC(2026, 2, 1, h), Date.UTC(2026, 2, 1, h + 1))}&sort=-id&per_page=1000`;
      for (const h of [5, 6, 7, 8, 9]) {
        for (const g of [small, large]) {
          await expectSameAnswer(setup, g.base, hourAt(h));
        }
      }
      expect(await metric(small.base, 'emnify_exporter_gateway_cache_bytes')).toBeLessThanOrEqual(2 ** 20);
      expect(await metric(small.base, 'emnify_exporter_gateway_cache_max_bytes')).toBe(2 ** 20);
      expect(
        await metric(small.base, 'emnify_exporter_gateway_cache_evictions_total', { kind: 'slice' })
      ).toBeGreaterThan(0);
      expect(await metric(large.base, 'emnify_exporter_gateway_cache_evictions_total')).toBe(0);
      // The first hour is gone from the small cache (read again) and still held by the large one.
      setup.sim.resetRequestLog();
      await expectSameAnswer(setup, large.base, hourAt(5));
      expect(upstreamEventReads(setup.sim)).toHaveLength(1); // the test's own request to the simulator
      setup.sim.resetRequestLog();
      await expectSameAnswer(setup, small.base, hourAt(5));
      expect(upstreamEventReads(setup.sim)).toHaveLength(2);
    } finally {
      await small.close();
      await large.close();
    }
  });

  it('logs no credential', () => {
    expectNoCredentialInLogs(setup);
  });
});

describe('events gateway: the poller goes first in the budget they share', () => {
  let setup: Setup;
  let gw: RunningGateway;

  beforeAll(async () => {
    // Real time and the client's real pacing (10 requests/s, burst 4), 20 ms of latency per answer.
    const sim = await startSimulator({
      port: 0,
      seed: 24,
      historyMs: 3 * HOUR,
      historyEvents: 3000,
      eventsPerSecond: 0,
      faults: { latencyMs: 20 },
    });
    const realTime = {
      get now() {
        return Date.now();
      },
    };
    setup = { sim, jwt: '', clock: realTime as { now: number } };
    gw = await gatewayFor(setup, ['--backfill', '3h'], { EXPORTER_GATEWAY_TOKEN: TOKEN }, {});
  });
  afterAll(async () => {
    await gw.close();
    await setup.sim.close();
  });

  it('keeps the poller waiting at most a refill per request while 24 panels wait for their readings', async () => {
    const now = Date.now();
    // 24 distinct cold requests (one series each: a sealed reading and a tail reading): 48 readings queued.
    const panels = Array.from({ length: 24 }, (_, i) =>
      ask(setup, gw.base, `/api/v1/event?${range(now - 2 * HOUR, now, `,type:${i + 1}`)}&sort=-id&per_page=1000`)
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waitedBefore = await metric(gw.base, 'emnify_exporter_rate_limit_wait_seconds_total', { cause: 'client' });
    const gatewayBefore = await metric(gw.base, 'emnify_exporter_gateway_budget_wait_seconds_total');
    const requestsBefore = await metric(gw.base, 'emnify_exporter_api_requests_total');
    const gatewayRequestsBefore = await metric(gw.base, 'emnify_exporter_gateway_upstream_requests_total');
    await gw.exporter.poller.pollOnce();
    const pollerWaited =
      (await metric(gw.base, 'emnify_exporter_rate_limit_wait_seconds_total', { cause: 'client' })) -
      waitedBefore -
      ((await metric(gw.base, 'emnify_exporter_gateway_budget_wait_seconds_total')) - gatewayBefore);
    const pollerRequests =
      (await metric(gw.base, 'emnify_exporter_api_requests_total')) -
      requestsBefore -
      ((await metric(gw.base, 'emnify_exporter_gateway_upstream_requests_total')) - gatewayRequestsBefore);
    expect(await metric(gw.base, 'emnify_exporter_poll_success')).toBe(1);
    // Types, authentication, page 1 (sizing) and the rest of 3 hours of events: a few requests, each
    // waiting for at most one refill (100 ms) although dozens of gateway readings were queued first.
    expect(pollerRequests).toBeGreaterThanOrEqual(3);
    expect(pollerWaited).toBeLessThanOrEqual(0.1 * pollerRequests + 0.05);
    const answers = await Promise.all(panels);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 24 }, () => 200));
    expect(await metric(gw.base, 'emnify_exporter_gateway_budget_wait_seconds_total')).toBeGreaterThan(1);
  });
});
