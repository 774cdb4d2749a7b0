/**
 * The real DataSource class against the simulator over HTTP, through stand-ins of Grafana that do what
 * Grafana does (test/grafana/): backend_srv, the data source proxy applying src/plugin.json's routes (an
 * upstream 401 becomes Grafana's 400), and template variables interpolated by @grafana/scenes itself.
 */
import { CoreApp, DataQueryRequest, DataQueryResponse, DataSourceInstanceSettings, dateTime } from '@grafana/data';
import { BackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { ClientObserver } from '@emnify-events/client';
import { COUNTRIES, RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { DataSource } from './datasource';
import { EmnifyDataSourceOptions, EmnifyQuery } from './types';
import { BackendSrvStandIn } from '../test/grafana/backendSrv';
import { dashboardScene } from '../test/grafana/dashboardScene';
import { GrafanaServer, grafanaBackend, instanceUrl } from '../test/grafana/grafanaServer';
import { ProxyOptions } from '../test/grafana/proxy';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 3, 1, 12, 0, 0);
const UID = 'emnify-test';
const BAD_TOKEN_MESSAGE =
  'Bad application token: emnify rejected it. Paste a valid, unrevoked application token (emnify Portal → Integrations → Application Tokens) and save again. Three failed attempts lock authentication for 5 minutes.';

/** Dashboard variables, as scenes holds them: a multi-value country, a one-value severity, a multi-value source. */
const variables = dashboardScene({
  uid: 'datasource-test',
  title: 'variables',
  panels: [],
  templating: {
    list: [
      {
        name: 'country',
        type: 'custom',
        multi: true,
        query: 'Germany,France,Spain',
        current: { value: ['Germany', 'France'] },
      },
      { name: 'severity', type: 'custom', query: '0,1,2', current: { value: '1' } },
      { name: 'sources', type: 'custom', multi: true, query: '0,1,2', current: { value: ['0', '1'] } },
    ],
  },
});
const templateSrv = variables.templateSrv;

/** A response without errors, with rows. */
function expectRows(res: DataQueryResponse): void {
  expect(res.errors).toBeUndefined();
  expect(res.data[0].length).toBeGreaterThan(0);
}

function settings(jsonData: EmnifyDataSourceOptions): DataSourceInstanceSettings<EmnifyDataSourceOptions> {
  return {
    // Deprecated (removed in Grafana 13) but still required by the 12.4 type, and Grafana still sets it.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    id: 1,
    uid: UID,
    type: 'emnify-events-datasource',
    name: 'emnify',
    url: instanceUrl(UID),
    jsonData,
    meta: {} as never,
    readOnly: false,
    access: 'proxy',
  } as DataSourceInstanceSettings<EmnifyDataSourceOptions>;
}

function request(
  targets: Array<Partial<EmnifyQuery>>,
  from = NOW - 2 * HOUR,
  to = NOW,
  intervalMs = 600_000
): DataQueryRequest<EmnifyQuery> {
  return {
    requestId: 'test',
    interval: '10m',
    intervalMs,
    range: { from: dateTime(from), to: dateTime(to), raw: { from: 'now-2h', to: 'now' } },
    scopedVars: {},
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), format: 'logs', ...t })) as EmnifyQuery[],
    timezone: 'utc',
    app: CoreApp.Dashboard,
    startTime: 0,
  };
}

describe('DataSource ↔ Grafana proxy stand-in ↔ simulator', () => {
  let sim: RunningSimulator;
  let simNow = NOW;
  let backend: BackendSrvStandIn;
  let server: GrafanaServer;
  let ds: DataSource;
  const make = (
    jsonData: EmnifyDataSourceOptions = {},
    token?: string,
    proxy: ProxyOptions = {},
    observer: ClientObserver = {}
  ) => {
    const grafana = grafanaBackend(
      UID,
      {
        jsonData: { apiUrl: sim.url, ...jsonData },
        secureJsonData: { applicationToken: token ?? sim.applicationToken },
      },
      proxy
    );
    backend = grafana.backendSrv;
    server = grafana.server;
    return new DataSource(settings({ apiUrl: sim.url, ...jsonData }), templateSrv, () => backend as BackendSrv, {
      rateLimiter: null,
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
      observer,
    });
  };
  const run = (d: DataSource, req: DataQueryRequest<EmnifyQuery>): Promise<DataQueryResponse> =>
    lastValueFrom(d.query(req));
  const eventQueries = () => sim.requestLog().filter((r) => r.path === '/api/v1/event');
  /** What reached the simulator: method, path and status of each request. */
  const upstream = () => sim.requestLog().map((r) => `${r.method} ${r.path} ${r.status}`);

  beforeAll(async () => {
    await variables.load();
    sim = await startSimulator({
      port: 0,
      seed: 17,
      historyMs: 3 * HOUR,
      historyEvents: 900,
      eventsPerSecond: 0,
      tokenLifetimeSeconds: 600,
      now: () => simNow,
    });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.resetRequestLog();
    ds = make();
  });

  it('maps the dashboard range to from/until in YYYY-MM-DDTHH:mm:ssZ and returns a log frame', async () => {
    const res = await run(ds, request([{ format: 'logs', eventTypes: ['3', '5'] }]));
    expect(res.errors).toBeUndefined();
    const q = new URLSearchParams(eventQueries()[0].query).get('q');
    expect(q).toBe('from:2026-04-01T10:00:00Z,until:2026-04-01T12:00:00Z,type:3|5');
    const frame = res.data[0];
    expect(frame.meta).toMatchObject({ type: 'log-lines', preferredVisualisationType: 'logs' });
    expect(frame.fields.map((f: { name: string }) => f.name)).toEqual([
      'timestamp',
      'body',
      'severity',
      'id',
      'labels',
    ]);
    const truth = sim.truth({ from: NOW - 2 * HOUR, until: NOW + 999 });
    const expected = truth.byLabels.filter((l) => l.typeId === 3 || l.typeId === 5).reduce((a, l) => a + l.count, 0);
    expect(frame.length).toBe(expected);
    expect(frame.fields[4].values[0]).toHaveProperty('type');
  });

  it('returns a flat table with every useful column', async () => {
    const res = await run(ds, request([{ format: 'table', severity: '1' }]));
    const frame = res.data[0];
    expect(frame.fields.map((f: { name: string }) => f.name)).toEqual([
      'Time',
      'Severity',
      'Type',
      'Source',
      'Description',
      'Endpoint',
      'ICCID',
      'Operator',
      'Country',
      'Alert',
      'ID',
      'IMSI',
      'Country name',
    ]);
    expect(frame.length).toBeGreaterThan(0);
    expect(new Set(frame.fields[1].values)).toEqual(new Set(['WARN']));
  });

  it('counts events in buckets of the panel interval, one series per group, summing to the events', async () => {
    const [logs, counts] = await Promise.all([
      run(ds, request([{ format: 'logs' }])),
      run(make(), request([{ format: 'counts', groupBy: 'severity' }])),
    ]);
    const total = counts.data.reduce(
      (sum: number, f: { fields: Array<{ values: number[] }> }) => sum + f.fields[1].values.reduce((a, b) => a + b, 0),
      0
    );
    expect(total).toBe(logs.data[0].length);
    expect(counts.data.map((f: { name?: string }) => f.name).sort()).toEqual(expect.arrayContaining(['INFO', 'WARN']));
    expect(counts.data[0].fields[0].values).toHaveLength(13); // 2 h in 10-minute buckets, both ends included
  });

  it('counts exactly with the total format: one request whatever the number, beyond the page cap', async () => {
    const capped = make({ pageSize: 10, maxPages: 1 });
    const truth = sim.truth({ from: NOW - 2 * HOUR, until: NOW + 999 });
    const warnings = truth.byLabels.filter((l) => l.severityId === 1).reduce((a, l) => a + l.count, 0);
    const res = await run(capped, request([{ format: 'total' }, { format: 'total', severity: '1' }]));
    expect(res.errors).toBeUndefined();
    expect(res.data.map((f) => [f.refId, f.fields[0].name, f.fields[0].values, f.fields[0].config])).toEqual([
      ['A', 'events', [truth.total], { decimals: 0, unit: 'none' }],
      ['B', 'events', [warnings], { decimals: 0, unit: 'none' }],
    ]);
    expect(truth.total).toBeGreaterThan(10);
    expect(eventQueries().map((r) => new URLSearchParams(r.query).get('per_page'))).toEqual(['1', '1']);
    // Nothing matched: 0, not "No data".
    const none = await run(capped, request([{ format: 'total', iccid: '1' }]));
    expect(none.data[0].fields[0].values).toEqual([0]);
  });

  it('takes countries as ISO codes or names, and event types by name, as the tables show them', async () => {
    const truth = sim.truth({ from: NOW - 2 * HOUR, until: NOW + 999 });
    const germanUpdates = truth.byLabels
      .filter((l) => l.countryIso === 'DE' && (l.typeId === 1 || l.typeId === 3))
      .reduce((a, l) => a + l.count, 0);
    const res = await run(
      ds,
      request([
        { format: 'table', country: 'de', eventTypes: ['update location', 'Create PDP Context'] },
        { format: 'total', country: 'Germany|DE (Germany)', eventTypes: ['1', '3'] },
        { format: 'table', country: 'Germny' },
        { format: 'table', eventTypes: ['Update Locaton'] },
      ])
    );
    expect(germanUpdates).toBeGreaterThan(0);
    const table = res.data.find((f) => f.refId === 'A')!;
    expect(table.length).toBe(germanUpdates);
    expect(new Set(table.fields.find((f: { name: string }) => f.name === 'Country').values)).toEqual(new Set(['DE']));
    expect(new Set(table.fields.find((f: { name: string }) => f.name === 'Country name').values)).toEqual(
      new Set(['Germany'])
    );
    expect(res.data.find((f) => f.refId === 'B')!.fields[0].values).toEqual([germanUpdates]);
    expect(
      eventQueries()
        .map((r) => new URLSearchParams(r.query).get('q'))
        .filter((q) => q?.includes('country'))
    ).toEqual([
      'from:2026-04-01T10:00:00Z,until:2026-04-01T12:00:00Z,type:1|3,country:Germany',
      'from:2026-04-01T10:00:00Z,until:2026-04-01T12:00:00Z,type:1|3,country:Germany',
    ]);
    expect(res.errors?.map((e) => [e.refId, e.message]).sort()).toEqual([
      [
        'C',
        'Invalid filter "country": "Germny" is not a country: give its ISO 3166-1 alpha-2 code (e.g. DE) or its English name (e.g. Germany)',
      ],
      [
        'D',
        'Invalid filter "type": "Update Locaton" is not an event type of the lookup (/api/v1/event/type): pick it from the list, or give its numeric id',
      ],
    ]);
  });

  it('reads every page up to the maximum and says when that cut results off', async () => {
    const capped = make({ pageSize: 100, maxPages: 2 });
    const res = await run(capped, request([{ format: 'table' }]));
    const frame = res.data[0];
    expect(frame.length).toBe(200);
    const total = sim.truth({ from: NOW - 2 * HOUR, until: NOW + 999 }).total;
    expect(frame.meta.notices).toEqual([
      {
        severity: 'warning',
        text: `Showing the newest 200 of ${total} events: the data source reads at most 2 page(s) per query. Narrow the time range or the filters, or raise "Maximum pages per query" in the data source settings.`,
      },
    ]);
    const full = await run(make({ pageSize: 100, maxPages: 50 }), request([{ format: 'table' }]));
    expect(full.data[0].length).toBe(total);
    // Read newest first, so the cap left out the oldest events: the capped rows are the full read's first 200.
    const ids = (f: { fields: Array<{ name: string; values: unknown[] }> }) =>
      f.fields.find((x) => x.name === 'ID')!.values;
    expect(ids(frame)).toEqual(ids(full.data[0]).slice(0, 200));
    const times = full.data[0].fields[0].values as number[];
    expect(times[0]).toBeGreaterThanOrEqual(times[times.length - 1]);
    expect(new URLSearchParams(eventQueries()[0].query).get('sort')).toBe('-id');
    expect(full.data[0].meta.notices).toBeUndefined();
  });

  it('substitutes template variables, multi-values joined with |', async () => {
    await run(ds, request([{ format: 'table', country: '$country', severity: '$severity' }]));
    expect(new URLSearchParams(eventQueries()[0].query).get('q')).toBe(
      'from:2026-04-01T10:00:00Z,until:2026-04-01T12:00:00Z,severity:1,country:Germany|France'
    );
    expect(ds.interpolateVariablesInQueries([{ refId: 'A', format: 'logs', country: '$country' }], {})[0].country).toBe(
      'Germany|France'
    );
  });

  it('answers a multi-value variable in a one-value field with a panel error, and sends no event request', async () => {
    const res = await run(
      ds,
      request([
        { format: 'table', source: '$sources' },
        { format: 'logs', severity: '$severity' },
      ])
    );
    expect(res.errors).toEqual([
      {
        refId: 'A',
        message:
          'Invalid filter "source": $sources holds 2 values (0, 1), but Source takes one: select a single value of the variable',
      },
    ]);
    expect(res.data.map((f: { refId?: string }) => f.refId)).toEqual(['B']);
    expect(eventQueries().map((r) => new URLSearchParams(r.query).get('q'))).toEqual([
      'from:2026-04-01T10:00:00Z,until:2026-04-01T12:00:00Z,severity:1',
    ]);
    // Explore and alerting get the query with its variables, not a literal `0|1`.
    expect(ds.interpolateVariablesInQueries([{ refId: 'A', format: 'logs', source: '$sources' }], {})).toEqual([
      { refId: 'A', format: 'logs', source: '$sources' },
    ]);
  });

  it('shows invalid input as a panel error and sends no event request', async () => {
    const res = await run(ds, request([{ format: 'logs', imei: '35776208330122AB' }]));
    // `errors` only: DataQueryResponse.error is deprecated (@grafana/data 12.4).
    expect(res).not.toHaveProperty('error');
    expect(res.errors).toEqual([
      {
        refId: 'A',
        message: 'Invalid filter "imei": "35776208330122AB" is not an IMEI (expected up to 16 digits, nothing else)',
      },
    ]);
    expect(eventQueries()).toHaveLength(0);
  });

  it('serves repeated identical queries from one shared read', async () => {
    await Promise.all([
      run(ds, request([{ format: 'logs' }])),
      run(ds, request([{ format: 'table' }])),
      run(ds, request([{ format: 'counts' }])),
    ]);
    await run(ds, request([{ format: 'logs' }]));
    expect(eventQueries()).toHaveLength(1);
  });

  it('cancels a running query when the panel unsubscribes (re-queries)', async () => {
    sim.setFaults({ latencyMs: 300 });
    try {
      const emitted: unknown[] = [];
      const subscription = ds
        .query(request([{ format: 'table', source: '0' }]))
        .subscribe({ next: (v) => emitted.push(v), error: (e) => emitted.push(e) });
      await new Promise((r) => setTimeout(r, 50));
      subscription.unsubscribe();
      await new Promise((r) => setTimeout(r, 700));
      expect(emitted).toEqual([]);
      // Grafana saw the browser close the request (499), which the browser itself never sees.
      expect(server.proxied.map((p) => p.answer.status)).toContain(499);
      // The cancelled read is not cached: the same query runs again in full.
      const res = await run(ds, request([{ format: 'table', source: '0' }]));
      expect(res.errors).toBeUndefined();
      expect(res.data[0].length).toBeGreaterThan(0);
    } finally {
      sim.setFaults({ latencyMs: 0 });
    }
  });

  it('builds annotations with title, text and tags', async () => {
    const res = await run(ds, request([{ format: 'annotations', severity: '1', alert: 'true' }]));
    const frame = res.data[0];
    expect(frame.fields.map((f: { name: string }) => f.name)).toEqual(['time', 'title', 'text', 'tags']);
    expect(frame.length).toBeGreaterThan(0);
    expect(frame.fields[1].values[0]).toMatch(/^WARN: /);
    expect(frame.fields[3].values[0]).toContain('WARN');
  });

  it('runs stored annotation queries as annotations, and starts new ones at critical events', async () => {
    const support = ds.annotations!;
    expect(support.getDefaultQuery!()).toEqual({ format: 'annotations', scope: 'all', groupBy: 'type', severity: '2' });
    const prepared = support.prepareQuery!({
      name: 'Critical',
      enable: true,
      iconColor: 'red',
      target: { refId: 'Anno', format: 'logs', severity: '2' } as EmnifyQuery,
    });
    expect(prepared).toEqual({ refId: 'Anno', format: 'annotations', severity: '2', scope: 'all', groupBy: 'type' });
    const res = await run(ds, request([prepared!]));
    const frame = res.data[0];
    expect(frame.fields.map((f: { name: string }) => f.name)).toEqual(['time', 'title', 'text', 'tags']);
    const critical = sim.truth({ from: NOW - 2 * HOUR, until: NOW }).byLabels.filter((l) => l.severityId === 2);
    expect(frame.length).toBe(critical.reduce((sum, l) => sum + l.count, 0));
    expect(frame.length).toBeGreaterThan(0);
    expect(frame.fields[1].values.every((t: string) => t.startsWith('CRITICAL: '))).toBe(true);
  });

  it('feeds variables: event types from the lookup, countries seen in the range', async () => {
    const { variableValues } = await import('./variables');
    const types = await variableValues(ds, { refId: 'v', kind: 'eventTypes' }, { from: NOW - 2 * HOUR, to: NOW });
    expect(types).toHaveLength(67);
    expect(types[1]).toEqual({ text: 'Update Location', value: '1' });
    const names = await variableValues(ds, { refId: 'v', kind: 'eventTypeNames' }, { from: 0, to: 1 });
    expect(names[1]).toEqual({ text: 'Update Location', value: 'Update Location' });
    // Countries: the ISO codes of the range (the exporter's label), each shown with its name.
    const countries = await variableValues(ds, { refId: 'v', kind: 'countries' }, { from: NOW - 2 * HOUR, to: NOW });
    const seen = [
      ...new Set(
        sim
          .truth({ from: NOW - 2 * HOUR, until: NOW + 999 })
          .byLabels.map((l) => l.countryIso)
          .filter(Boolean)
      ),
    ].sort();
    const simulated = Object.values(COUNTRIES);
    expect(countries).toEqual(
      seen.map((iso) => ({ text: `${iso} (${simulated.find((c) => c.iso === iso.toLowerCase())!.name})`, value: iso }))
    );
    expect(countries.length).toBeGreaterThan(3);
    const severities = await variableValues(ds, { refId: 'v', kind: 'severities' }, { from: 0, to: 1 });
    expect(severities).toEqual([
      { text: 'INFO', value: '0' },
      { text: 'WARN', value: '1' },
      { text: 'CRITICAL', value: '2' },
    ]);
  });

  it('keeps working after the JWT expires: Grafana turns emnify’s 401 into a 400, the plugin re-authenticates once', async () => {
    await run(ds, request([{ format: 'logs' }]));
    simNow += 700_000; // the server's clock passes the token's exp; the client's does not know
    try {
      expectRows(await run(ds, request([{ format: 'logs', severity: '0' }])));
      expect(upstream()).toEqual([
        'POST /api/v1/authenticate 200',
        'GET /api/v1/event/type 200',
        'GET /api/v1/event 200',
        'GET /api/v1/event 401',
        'POST /api/v1/authenticate 200',
        'GET /api/v1/event 200',
      ]);
      // What the browser got for emnify's 401: Grafana's own answer.
      expect(
        server.proxied.map((p) => [p.path.split('?')[0], p.answer.status, p.answer.body.slice(0, 40)])
      ).toContainEqual(['emnify-event', 400, 'Authentication to data source failed']);
    } finally {
      simNow -= 700_000;
    }
  });

  it('never lets the application token reach the browser side', async () => {
    await run(ds, request([{ format: 'logs' }]));
    await ds.testDatasource();
    const secret = sim.applicationToken;
    expect(backend.received.length).toBeGreaterThan(2);
    for (const res of backend.received) {
      expect(JSON.stringify(res)).not.toContain(secret);
    }
    for (const req of backend.sent) {
      expect(JSON.stringify(req)).not.toContain(secret);
    }
    const auth = backend.sent.find((r) => r.url.endsWith('/emnify-auth'))!;
    expect(auth).toMatchObject({ method: 'POST', body: undefined });
  });

  describe('Save & test', () => {
    it('says the token is valid and how many events the last hour has', async () => {
      expect(await ds.testDatasource()).toEqual({
        status: 'success',
        message: expect.stringMatching(
          /^Connected to emnify: the application token is valid; \d+ event\(s\) in the last hour\.$/
        ),
      });
    });

    it('names a bad token (behind Grafana’s 400), and does not try it again within the cool-down', async () => {
      const bad = make({}, 'wrong-token');
      expect(await bad.testDatasource()).toEqual({ status: 'error', message: BAD_TOKEN_MESSAGE });
      // emnify locks authentication after 3 failures: a second test and a query within the cool-down send nothing.
      expect(await bad.testDatasource()).toEqual({ status: 'error', message: BAD_TOKEN_MESSAGE });
      const res = await run(bad, request([{ format: 'logs' }]));
      expect(res.errors?.[0].message).toMatch(/^emnify rejected the application token \(401\)\./);
      expect(upstream()).toEqual(['POST /api/v1/authenticate 401']);
      expect(server.proxied.map((p) => [p.path, p.answer.status, p.answer.body])).toEqual([
        ['emnify-auth', 400, 'Authentication to data source failed'],
      ]);
      // A good authentication next, so that the simulator's lock-out counter starts again.
      expect((await make().testDatasource()).status).toBe('success');
    });

    it('says exactly what is wrong: no network, rate limited, wrong URL, proxy timeout', async () => {
      expect((await make({ apiUrl: 'http://127.0.0.1:1' }).testDatasource()).message).toMatch(
        /^No network: Grafana could not reach the emnify API \(its proxy answered 502\)\. Check the API URL/
      );
      sim.setFaults({ rateLimitEvery: 1, rateLimitLength: 1 });
      try {
        expect((await make().testDatasource()).message).toMatch(/^Rate limited: the emnify API answered 429/);
      } finally {
        sim.setFaults({ rateLimitEvery: 0 });
      }
      expect((await make({ apiUrl: `${sim.url}/_simulator` }).testDatasource()).message).toMatch(
        /^Wrong URL\? The server at the API URL did not answer like the emnify API/
      );
      sim.setFaults({ latencyMs: 300 });
      try {
        expect((await make({}, undefined, { timeoutMs: 100 }).testDatasource()).message).toBe(
          'No network: Grafana could not reach the emnify API (its proxy answered 504). Check the API URL and that the Grafana server can reach it (proxy, firewall).'
        );
      } finally {
        sim.setFaults({ latencyMs: 0 });
      }
    });
  });

  describe('emnify’s error answers through backend_srv (text bodies wrapped, no headers)', () => {
    it('quotes emnify’s own message of a 429, and retries on its own backoff: no Retry-After reaches the plugin', async () => {
      const retries: Array<{ reason: string; retryAfterMs?: number }> = [];
      const limited = make(
        {},
        undefined,
        {},
        { onRetry: ({ reason, retryAfterMs }) => retries.push({ reason, retryAfterMs }) }
      );
      await run(limited, request([{ format: 'logs' }]));
      sim.setFaults({ rateLimitEvery: 1, rateLimitLength: 1, retryAfterSeconds: 30 });
      try {
        const res = await run(limited, request([{ format: 'logs', severity: '2' }]));
        expect(res.errors).toEqual([
          {
            refId: 'A',
            message:
              'emnify API /api/v1/event answered 429: "Too Many Requests". The emnify API rate limit was exceeded: lower the request rate (fewer panels, longer poll interval) and try again shortly.',
          },
        ]);
      } finally {
        sim.setFaults({ rateLimitEvery: 0, retryAfterSeconds: undefined });
      }
      // The simulator sent Retry-After: 30 with each 429; the plugin never saw it.
      expect(server.proxied.filter((p) => p.answer.status === 429)[0].answer.headers['retry-after']).toBe('30');
      expect(retries).toEqual([
        { reason: 'rate_limited', retryAfterMs: undefined },
        { reason: 'rate_limited', retryAfterMs: undefined },
      ]);
    });
  });

  describe('the API URL setting', () => {
    it('reaches the default API URL when the setting is unset (a data source saved without touching the field)', async () => {
      const unset = make({ apiUrl: undefined }, undefined, { network: { 'https://cdn.emnify.net': sim.url } });
      expectRows(await run(unset, request([{ format: 'table', severity: '1' }])));
      expect(upstream()).toEqual([
        'POST /api/v1/authenticate 200',
        'GET /api/v1/event/type 200',
        'GET /api/v1/event 200',
      ]);
      expect((await unset.testDatasource()).status).toBe('success');
    });

    it('says what is wrong with a trailing slash, and sends nothing', async () => {
      const slashed = make({ apiUrl: `${sim.url}/` });
      const message = `The API URL "${sim.url}/" ends with "/": Grafana would request "${sim.url}//api/v1/…" with a double slash. Remove the trailing "/" (saving the data source settings again does it).`;
      expect(await run(slashed, request([{ format: 'logs' }]))).toEqual({
        data: [],
        errors: [{ refId: 'A', message }],
      });
      expect(await slashed.testDatasource()).toEqual({ status: 'error', message });
      expect(server.proxied).toEqual([]);
      expect(sim.requestLog()).toEqual([]);
    });
  });
});
