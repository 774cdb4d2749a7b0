/**
 * @jest-environment ./test/support/jsdomWithFetch.js
 */
/**
 * The real DataSource class against the simulator over HTTP, through stand-ins of Grafana that do what
 * Grafana does (test/grafana/): backend_srv, the data source proxy applying src/plugin.json's routes (an
 * upstream 401 becomes Grafana's 400), and template variables interpolated by @grafana/scenes itself.
 * Every query test runs in both connection modes: direct (the proxy reaches the simulator) and gateway
 * (the proxy reaches a real exporter process whose events gateway reads the simulator).
 */
import { CoreApp, DataQueryRequest, DataQueryResponse, DataSourceInstanceSettings, dateTime } from '@grafana/data';
import { BackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { ClientObserver, EmnifyClient, fetchTransport } from '@emnify-events/client';
import { COUNTRIES, RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { DataSource } from './datasource';
import { EmnifyDataSourceOptions, EmnifyQuery } from './types';
import { BackendSrvStandIn } from '../test/grafana/backendSrv';
import { dashboardScene } from '../test/grafana/dashboardScene';
import { GrafanaServer, grafanaBackend, instanceUrl } from '../test/grafana/grafanaServer';
import { ProxyOptions } from '../test/grafana/proxy';
import { GatewayExporter, startGatewayExporter } from '../test/support/gatewayExporter';
import { freePort } from '../test/support/freePort';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 3, 1, 12, 0, 0);
const UID = 'emnify-test';
const GATEWAY_TOKEN = 'datasource-test-gateway-token-7d41';
/** Any JWT: three base64url segments, the first a JSON object. */
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;
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

type Mode = 'direct' | 'gateway';

describe.each(['direct', 'gateway'] as const)('DataSource ↔ Grafana proxy stand-in ↔ %s ↔ simulator', (mode: Mode) => {
  let sim: RunningSimulator;
  let simNow = NOW;
  let exporter: GatewayExporter | undefined;
  let backend: BackendSrvStandIn;
  let server: GrafanaServer;
  let ds: DataSource;
  /** The data source's settings in this mode: its URL pointing at the simulator or at the exporter. */
  const stored = (
    jsonData: EmnifyDataSourceOptions,
    token?: string
  ): { jsonData: EmnifyDataSourceOptions; secureJsonData: Record<string, string> } =>
    mode === 'direct'
      ? {
          jsonData: { apiUrl: sim.url, ...jsonData },
          secureJsonData: { applicationToken: token ?? sim.applicationToken },
        }
      : {
          jsonData: { connection: 'gateway' as const, gatewayUrl: exporter!.url, ...jsonData },
          secureJsonData: { gatewayToken: token ?? GATEWAY_TOKEN },
        };
  const make = (
    jsonData: EmnifyDataSourceOptions = {},
    token?: string,
    proxy: ProxyOptions = {},
    observer: ClientObserver = {}
  ) => {
    const settingsOfMode = stored(jsonData, token);
    const grafana = grafanaBackend(
      UID,
      { jsonData: { ...settingsOfMode.jsonData }, secureJsonData: settingsOfMode.secureJsonData },
      proxy
    );
    backend = grafana.backendSrv;
    server = grafana.server;
    return new DataSource(settings(settingsOfMode.jsonData), templateSrv, () => backend as BackendSrv, {
      rateLimiter: null,
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
      observer,
    });
  };
  const run = (d: DataSource, req: DataQueryRequest<EmnifyQuery>): Promise<DataQueryResponse> =>
    lastValueFrom(d.query(req));
  /**
   * The event list requests the plugin made, as query strings: what reached the simulator in direct mode
   * (after Grafana re-encoded them); what the browser sent to the proxy in gateway mode (the gateway reads
   * emnify in time slices of its own).
   */
  const eventQueries = () =>
    mode === 'direct'
      ? sim
          .requestLog()
          .filter((r) => r.path === '/api/v1/event')
          .map((r) => r.query)
      : server.proxied.filter((p) => /^gateway-event(\?|$)/.test(p.path)).map((p) => p.path.split('?')[1] ?? '');
  const qOf = (query: string) => new URLSearchParams(query).get('q');
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
    if (mode === 'gateway') {
      exporter = await startGatewayExporter({
        apiUrl: sim.url,
        applicationToken: sim.applicationToken,
        gatewayToken: GATEWAY_TOKEN,
      });
    }
  });
  afterAll(async () => {
    await exporter?.close();
    await sim.close();
  });
  beforeEach(() => {
    sim.resetRequestLog();
    ds = make();
  });

  it('maps the dashboard range to from/until in YYYY-MM-DDTHH:mm:ssZ and returns a log frame', async () => {
    const res = await run(ds, request([{ format: 'logs', eventTypes: ['3', '5'] }]));
    expect(res.errors).toBeUndefined();
    const q = qOf(eventQueries()[0]);
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

  it('sends text with spaces and | through Grafana’s query re-encoding (+ for spaces) to the same events', async () => {
    const reference = new EmnifyClient({
      transport: fetchTransport({ baseUrl: sim.url }),
      applicationToken: sim.applicationToken,
      rateLimiter: null,
    });
    const range = { from: NOW - 2 * HOUR, until: NOW };
    const sample = (await reference.listEvents({ filter: range, perPage: 1000 })).events.find((e) =>
      e.description.includes(' ')
    )!;
    // Its first three words, as a user types them into the filter (the API matches a part of the text).
    const description = sample.description.split(' ').slice(0, 3).join(' ');
    const filter = { ...range, description, country: ['Germany', 'France'] };
    const want = (await reference.listEvents({ filter, perPage: 1000 })).events.map((e) => String(e.id));
    expect(want.length).toBeGreaterThan(5);
    const res = await run(ds, request([{ format: 'table', description, country: 'Germany|France' }]));
    expect(res.errors).toBeUndefined();
    expect(res.data[0].fields.find((f: { name: string }) => f.name === 'ID').values).toEqual(
      want.slice().sort((a, b) => Number(b) - Number(a))
    );
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
    expect(eventQueries().map((r) => new URLSearchParams(r).get('per_page'))).toEqual(['1', '1']);
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
        .map(qOf)
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
    expect(new URLSearchParams(eventQueries()[0]).get('sort')).toBe('-id');
    expect(full.data[0].meta.notices).toBeUndefined();
  });

  it('substitutes template variables, multi-values joined with |', async () => {
    await run(ds, request([{ format: 'table', country: '$country', severity: '$severity' }]));
    expect(qOf(eventQueries()[0])).toBe(
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
    expect(eventQueries().map(qOf)).toEqual(['from:2026-04-01T10:00:00Z,until:2026-04-01T12:00:00Z,severity:1']);
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

  it('never lets a credential reach the browser side: not in a request, an answer or a frame', async () => {
    const frames = await run(ds, request([{ format: 'logs' }]));
    const variableValues = await ds.getEventTypes();
    await ds.testDatasource();
    expect(backend.received.length).toBeGreaterThan(1);
    const browserSide = [...backend.sent, ...backend.received, frames, variableValues].map((x) => JSON.stringify(x));
    for (const text of browserSide) {
      expect(text).not.toContain(sim.applicationToken);
      expect(text).not.toContain(GATEWAY_TOKEN);
    }
    if (mode === 'direct') {
      // The POST to the auth route carries no body: the route adds the stored token; the JWT comes back.
      const auth = backend.sent.find((r) => r.url.endsWith('/emnify-auth'))!;
      expect(auth).toMatchObject({ method: 'POST', body: undefined });
      expect(backend.received.some((r) => JWT.test(r.body))).toBe(true);
    } else {
      // Gateway mode: no authentication, no JWT, no Authorization of any kind from the browser.
      expect(backend.sent.every((r) => /\/gateway-(event|endpoint|sim|user)(\/|\?|$)/.test(r.url))).toBe(true);
      expect(backend.sent.filter((r) => Object.keys(r.headers).some((h) => /authorization/i.test(h)))).toEqual([]);
      for (const text of browserSide) {
        expect(text).not.toMatch(JWT);
      }
    }
  });

  if (mode === 'direct') {
    describe('direct mode: the JWT, the application token and the API URL', () => {
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

      describe('Save & test', () => {
        it('says the token is valid and how many events the last hour has', async () => {
          expect(await ds.testDatasource()).toEqual({
            status: 'success',
            message: expect.stringMatching(
              new RegExp(
                `^Connected to the emnify API directly at ${sim.url.replace(/\./g, '\\.')}: the application token is valid; \\d+ event\\(s\\) in the last hour\\.$`
              )
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
  }

  if (mode === 'gateway') {
    describe('gateway mode: Save & test and the gateway’s answers as real Grafana shows them', () => {
      /** The exporter's requests to the simulator are its own business; what reached the exporter is in server.proxied. */
      const proxiedAnswers = () => server.proxied.map((p) => [p.path.split('?')[0], p.answer.status, p.answer.body]);

      it('says it tested the gateway, and how many events the last hour has', async () => {
        expect(await ds.testDatasource()).toEqual({
          status: 'success',
          message: expect.stringMatching(
            new RegExp(
              `^Connected through the events gateway at ${exporter!.url.replace(/\./g, '\\.')}: the gateway token is valid and the gateway reads emnify; \\d+ event\\(s\\) in the last hour\\. This browser holds no emnify credential\\.$`
            )
          ),
        });
        expect(server.proxied.map((p) => `${p.method} ${p.path.split('?')[0]} ${p.answer.status}`)).toEqual([
          'GET gateway-event 200',
        ]);
      });

      const wrongToken = (url: string) =>
        `Wrong gateway token: the events gateway at ${url} refused the token stored in this data source (Grafana's proxy answered 400 "Authentication to data source failed" for the gateway's 401). Paste the exporter's gateway token (EXPORTER_GATEWAY_TOKEN, or the file EXPORTER_GATEWAY_TOKEN_FILE names) and save again.`;

      it('names a wrong gateway token behind Grafana’s 400, in Save & test and in panels, and tries it once', async () => {
        const wrong = make({}, 'not-the-gateway-token');
        expect(await wrong.testDatasource()).toEqual({ status: 'error', message: wrongToken(exporter!.url) });
        // The gateway's 401 reached the browser as Grafana's own 400; a 401 of the gateway is final.
        expect(proxiedAnswers()).toEqual([['gateway-event', 400, 'Authentication to data source failed']]);
        const res = await run(wrong, request([{ format: 'logs' }]));
        expect(res.errors).toEqual([{ refId: 'A', message: wrongToken(exporter!.url) }]);
        expect(sim.requestLog()).toEqual([]);
      });

      it('names an absent gateway token the same way (the route sends "Bearer <no value>")', async () => {
        const grafana = grafanaBackend(UID, {
          jsonData: { connection: 'gateway', gatewayUrl: exporter!.url },
          secureJsonData: {},
        });
        const none = new DataSource(
          settings({ connection: 'gateway', gatewayUrl: exporter!.url }),
          templateSrv,
          () => grafana.backendSrv as BackendSrv,
          { rateLimiter: null, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } }
        );
        expect(await none.testDatasource()).toEqual({ status: 'error', message: wrongToken(exporter!.url) });
        expect(grafana.server.proxied.map((p) => p.answer.status)).toEqual([400]);
      });

      it('says the gateway is off when the exporter has no gateway token', async () => {
        const off = await startGatewayExporter({ apiUrl: sim.url, applicationToken: sim.applicationToken });
        try {
          expect(await make({ gatewayUrl: off.url }).testDatasource()).toEqual({
            status: 'error',
            message: `Gateway not found: the events gateway at ${off.url} answered 404 "The events gateway is off: set EXPORTER_GATEWAY_TOKEN(_FILE) to enable it.". Turn the gateway on (EXPORTER_GATEWAY_TOKEN_FILE on the exporter, then restart it) and check the gateway URL. The gateway URL is the exporter's base URL, e.g. http://exporter:8486.`,
          });
        } finally {
          await off.close();
        }
      });

      /** A data source reading through `gatewayUrl` that does not retry (the gateway retried emnify already). */
      const once = (gatewayUrl: string) => {
        const jsonData = { connection: 'gateway' as const, gatewayUrl };
        const grafana = grafanaBackend(UID, { jsonData, secureJsonData: { gatewayToken: GATEWAY_TOKEN } });
        server = grafana.server;
        return new DataSource(settings(jsonData), templateSrv, () => grafana.backendSrv as BackendSrv, {
          rateLimiter: null,
          retry: { maxRetries: 0 },
        });
      };
      const cannotRead = (url: string) =>
        new RegExp(
          `^The events gateway cannot read from emnify: the events gateway at ${url.replace(/\./g, '\\.')} answered 502 "(.+)"\\. Check the exporter: its application token, its network to emnify, its log\\.$`
        );

      it('says the gateway cannot read from emnify when emnify refuses the exporter’s application token', async () => {
        const refused = await startGatewayExporter({
          apiUrl: sim.url,
          applicationToken: 'not-the-application-token',
          gatewayToken: GATEWAY_TOKEN,
        });
        try {
          const result = await once(refused.url).testDatasource();
          expect(result.status).toBe('error');
          expect(cannotRead(refused.url).exec(result.message)?.[1]).toBe(
            // The exporter's own client's text, handed on by the gateway (no credential in it).
            'emnify rejected the application token (401). Check that it is correct, not revoked and not expired; create a new one in the emnify Portal if needed. Note: 3 failed attempts lock authentication for 5 minutes.'
          );
          expect(server.proxied.map((p) => p.answer.status)).toEqual([502]);
        } finally {
          await refused.close();
          // A good authentication, so that the simulator's lock-out counter starts again.
          expect((await make().testDatasource()).status).toBe('success');
        }
      });

      it('says the gateway cannot reach emnify, quoting the gateway', async () => {
        const port = await freePort();
        const stranded = await startGatewayExporter({
          apiUrl: `http://127.0.0.1:${port}`,
          applicationToken: sim.applicationToken,
          gatewayToken: GATEWAY_TOKEN,
        });
        try {
          const result = await once(stranded.url).testDatasource();
          expect(result.status).toBe('error');
          expect(cannotRead(stranded.url).exec(result.message)?.[1]).toBe(
            `Could not reach the emnify API at http://127.0.0.1:${port} (fetch failed: connect ECONNREFUSED 127.0.0.1:${port}). Check the API URL and the network.`
          );
          expect(stranded.log()).not.toContain(sim.applicationToken);
        } finally {
          await stranded.close();
        }
      }, 60_000);

      it('says Grafana cannot reach an unreachable gateway URL (its proxy answers 502)', async () => {
        expect(await make({ gatewayUrl: 'http://127.0.0.1:1' }).testDatasource()).toEqual({
          status: 'error',
          message:
            'No network: Grafana could not reach the events gateway at http://127.0.0.1:1 (its proxy answered 502). Check the gateway URL, that the exporter runs, and that the Grafana server can reach it.',
        });
      });

      it('says what is wrong with an unset gateway URL or one ending in /api/v1, and sends nothing', async () => {
        const unset = make({ gatewayUrl: undefined });
        expect((await unset.testDatasource()).message).toBe(
          "The gateway URL is not set. Open the data source settings (or its provisioning file) and set the gateway URL to the exporter's base URL, e.g. http://exporter:8486."
        );
        const withPath = make({ gatewayUrl: `${exporter!.url}/api/v1` });
        expect((await run(withPath, request([{ format: 'logs' }]))).errors?.[0].message).toMatch(
          /ends with "\/api\/v1": the data source adds the API path itself\./
        );
        expect(server.proxied).toEqual([]);
      });

      it('reads the scoped event lists through their own gateway routes', async () => {
        for (const scope of ['endpoint', 'sim', 'user'] as const) {
          const res = await run(ds, request([{ format: 'table', scope, scopeId: '1' }]));
          expect(res.errors).toBeUndefined();
        }
        expect(server.proxied.map((p) => `${p.path.split('?')[0]} ${p.answer.status}`)).toEqual([
          'gateway-event/type 200',
          'gateway-endpoint/1/event 200',
          'gateway-sim/1/event 200',
          'gateway-user/1/event 200',
        ]);
      });

      it('never logs a credential in the exporter', () => {
        const log = exporter!.log();
        expect(log).not.toContain(sim.applicationToken);
        expect(log).not.toContain(GATEWAY_TOKEN);
        expect(log).not.toMatch(JWT);
      });
    });
  }
});
