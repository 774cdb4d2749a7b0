/**
 * The hostile-input suite, HTTP surface: what an attacker (or a broken sender) can send to a running
 * exporter, each case a row: the request, the status and error it must get, the self-metrics that must
 * move (by exactly how much), and the counters, which must stay equal to the simulator's ground truth
 * (plus exactly what a row adds on purpose). Requests go over real HTTP on loopback. Two exporters: A with
 * basic auth (users `prometheus`, `constructor`, `__proto__`) and the Data Streamer on, B with neither.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { RawEvent } from '@emnify-events/client';
import { EVENT_TYPE_CATALOGUE, RunningSimulator, startSimulator } from '@emnify-events/simulator';
import bcrypt from 'bcryptjs';
import { Exporter } from '../src/exporter';
import { countsFromMetrics, exporterOn, truthAsCounts } from './helpers';
import { parseSamples, singleValue } from './metricsText';
import { Answer, CountingServer, Sent, answer, basicAuthorization, gzipBomb, send } from './rawHttp';

const NOW = Date.UTC(2026, 2, 1, 8);
const TOKEN = 'push-token-hostile-5c1';
/** User → password. Entries, not an object literal: `{ __proto__: ... }` would set a prototype (the very trap). */
const USERS = new Map([
  ['prometheus', 'scrape-pw'],
  ['constructor', 'ctor-pw'],
  ['__proto__', 'proto-pw'],
]);
const SCRAPE = basicAuthorization('prometheus', USERS.get('prometheus')!);
const TYPE_NAME = new Map(EVENT_TYPE_CATALOGUE.map((t) => [t.id, t.description]));

const bearer = (token = TOKEN) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

/** A minimal valid pushed event of type 1 (Update location), `ago` ms before NOW. */
const pushed = (id: number, ago = 60_000, extra: Record<string, unknown> = {}) => ({
  id,
  timestamp: new Date(NOW - ago).toISOString(),
  event_type: { id: 1, description: 'Update location' },
  event_severity: { id: 0, description: 'Info' },
  event_source: { id: 0, description: 'Network' },
  ...extra,
});

describe('hostile input over HTTP', () => {
  let sim: RunningSimulator;
  let dir: string;
  let a: Exporter;
  let b: Exporter;
  let serverA: CountingServer;
  let serverB: CountingServer;
  let urlA: string;
  let urlB: string;

  const make = (name: string, extra: string[], env: Record<string, string>) =>
    exporterOn(sim, join(dir, `${name}.json`), {
      now: () => NOW,
      args: ['--web.listen-address', '127.0.0.1:0', '--poll.settle', '0s', ...extra],
      env,
    });

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 14,
      historyMs: 20 * 60_000,
      historyEvents: 300,
      eventsPerSecond: 0,
      now: () => NOW,
    });
    dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-hostile-'));
    const web = join(dir, 'web.yml');
    writeFileSync(
      web,
      'basic_auth_users:\n' + [...USERS].map(([user, pw]) => `  ${user}: ${bcrypt.hashSync(pw, 10)}\n`).join('')
    );
    a = make('a', ['--web.config.file', web], { EXPORTER_DATASTREAMER_TOKEN: TOKEN });
    b = make('b', [], {});
    await a.poller.pollOnce();
    await b.poller.pollOnce();
    serverA = new CountingServer(a.app);
    serverB = new CountingServer(b.app);
    urlA = await serverA.listen();
    urlB = await serverB.listen();
  }, 30_000);

  afterAll(async () => {
    await serverA.close();
    await serverB.close();
    await a.stop();
    await b.stop();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scrapeA = async () =>
    (await answer(`${urlA}/metrics`, { method: 'GET', headers: { authorization: SCRAPE } })).text;
  /** Sample values by `metric{labels}` text, for the metrics a row watches. */
  const watched = (text: string, keys: readonly string[]) =>
    Object.fromEntries(
      keys.map((key) => {
        const [, name, labels] = /^([a-z_]+)(?:\{(.*)\})?$/.exec(key)!;
        const want = Object.fromEntries(
          (labels ? labels.split(',') : []).map((kv) => kv.split('=') as [string, string])
        );
        const sample = parseSamples(text, name).find((s) => Object.entries(want).every(([k, v]) => s.labels[k] === v));
        return [key, sample?.value ?? 0];
      })
    );

  interface Row {
    name: string;
    to?: 'A' | 'B';
    path?: string;
    sent: () => Sent;
    status: number;
    /** The `error` of the JSON answer (a string is an exact match). */
    error?: string | RegExp;
    /** Which key of the JSON answer holds it: `error` (the exporter's routes) or `message` (the gateway's, emnify's shape). */
    errorKey?: 'error' | 'message';
    /** Metric deltas, `name{label=value,...}` → exact increase. */
    metrics?: Record<string, number>;
    /** More checks of the answer. */
    check?: (res: Answer) => void;
  }

  const unauthorizedPush = {
    'emnify_exporter_http_requests_refused_total{route=datastreamer,reason=unauthorized}': 1,
    'emnify_exporter_datastreamer_requests_total{outcome=unauthorized}': 1,
  };
  const rejectedPush = { 'emnify_exporter_datastreamer_requests_total{outcome=rejected}': 1 };
  const rejected = (reason: string) => ({
    ...rejectedPush,
    [`emnify_exporter_events_rejected_total{origin=push,reason=${reason}}`]: 1,
  });

  const rows: Row[] = [
    {
      name: 'a gzip bomb without a token',
      sent: () => ({ headers: { ...json, 'content-encoding': 'gzip' }, body: gzipBomb() }),
      status: 401,
      error: 'Missing or wrong bearer token.',
      metrics: unauthorizedPush,
    },
    {
      name: 'a gzip bomb with a wrong token',
      sent: () => ({ headers: { ...json, ...bearer('wrong'), 'content-encoding': 'gzip' }, body: gzipBomb() }),
      status: 401,
      error: 'Missing or wrong bearer token.',
      metrics: unauthorizedPush,
    },
    {
      name: "a gzip bomb with the scrape's basic auth instead of the push token",
      sent: () => ({ headers: { ...json, authorization: SCRAPE, 'content-encoding': 'gzip' }, body: gzipBomb() }),
      status: 401,
      error: 'Missing or wrong bearer token.',
      metrics: unauthorizedPush,
    },
    {
      name: 'a gzip bomb while the Data Streamer endpoint is off',
      to: 'B',
      sent: () => ({ headers: { ...json, ...bearer(), 'content-encoding': 'gzip' }, body: gzipBomb() }),
      status: 404,
      error: 'The Data Streamer endpoint is off: set EXPORTER_DATASTREAMER_TOKEN(_FILE) to enable it.',
    },
    {
      name: 'a gzip bomb with the right token (20 KB inflating to 20 MB)',
      sent: () => ({ headers: { ...json, ...bearer(), 'content-encoding': 'gzip' }, body: gzipBomb() }),
      status: 413,
      error:
        /^The body is larger than 16 MiB \(inflated from .*\), the bound of one push \(after decompression\): send smaller batches\.$/,
      metrics: rejectedPush,
    },
    {
      name: 'a deflate bomb with the right token',
      sent: () => ({
        headers: { ...json, ...bearer(), 'content-encoding': 'deflate' },
        body: deflateSync(Buffer.alloc(20 * 1024 * 1024, 0x20)),
      }),
      status: 413,
      error: /^The body is larger than 16 MiB \(inflated from/,
      metrics: rejectedPush,
    },
    {
      name: 'a body announcing 1 GiB (refused before a byte is read)',
      sent: () => ({ headers: { ...json, ...bearer(), 'content-length': String(2 ** 30) }, body: '[' }),
      status: 413,
      error: /^The body is larger than 16 MiB \(1 GiB announced\)/,
      metrics: rejectedPush,
    },
    {
      name: '20 MB of plain JSON text',
      sent: () => ({ headers: { ...json, ...bearer() }, body: Buffer.alloc(20 * 1024 * 1024, 0x20) }),
      status: 413,
      error: /^The body is larger than 16 MiB \(/,
      metrics: rejectedPush,
    },
    {
      name: 'gzip that is not gzip',
      sent: () => ({ headers: { ...json, ...bearer(), 'content-encoding': 'gzip' }, body: 'not gzip at all' }),
      status: 400,
      error: 'The body is not valid gzip data.',
      metrics: rejectedPush,
    },
    {
      name: 'an unsupported Content-Encoding (br)',
      sent: () => ({ headers: { ...json, ...bearer(), 'content-encoding': 'br' }, body: '[]' }),
      status: 415,
      error: 'Content-Encoding "br" is not supported: send identity, gzip or deflate (one coding).',
      metrics: rejectedPush,
    },
    {
      name: 'two codings (gzip, gzip)',
      sent: () => ({ headers: { ...json, ...bearer(), 'content-encoding': 'gzip, gzip' }, body: '[]' }),
      status: 415,
      error: 'Content-Encoding "gzip, gzip" is not supported: send identity, gzip or deflate (one coding).',
      metrics: rejectedPush,
    },
    {
      name: 'a charset other than UTF-8',
      sent: () => ({ headers: { 'content-type': 'application/json; charset=latin1', ...bearer() }, body: '[]' }),
      status: 415,
      error: 'charset "latin1" is not supported: send UTF-8 JSON.',
      metrics: rejectedPush,
    },
    {
      name: 'a body that is not JSON',
      sent: () => ({ headers: { ...json, ...bearer() }, body: '{oops' }),
      status: 400,
      error: 'The body is not JSON.',
      metrics: rejectedPush,
    },
    {
      name: 'an empty array',
      sent: () => ({ headers: { ...json, ...bearer() }, body: '[]' }),
      status: 400,
      error: 'No event in the body was taken. The body holds no event.',
      metrics: rejectedPush,
    },
    {
      name: '100,000 valid events in one push (nothing committed)',
      sent: () => ({
        headers: { ...json, ...bearer() },
        body: JSON.stringify(
          Array.from({ length: 100_000 }, (_, i) => ({
            id: 9_000_000_000 + i,
            timestamp: new Date(NOW - 60_000).toISOString(),
            event_type: { id: 1 },
          }))
        ),
      }),
      status: 413,
      error:
        'The push holds 100000 events; at most 10000 are taken in one push: send smaller batches. Nothing was counted.',
      metrics: rejectedPush,
    },
    ...(
      [
        ['an id of 1.5', { id: 1.5 }, 'EVENT_ID_INVALID'],
        ['an id of -5', { id: -5 }, 'EVENT_ID_INVALID'],
        ['an id given as a text', { id: '351732524384257' }, 'EVENT_ID_INVALID'],
        ['an id of 1e300', { id: 1e300 }, 'EVENT_ID_UNSAFE'],
        ['an id past 2^53 (9007199254740993)', { id: 9007199254740993 }, 'EVENT_ID_UNSAFE'],
        ['a timestamp in year 9999', { timestamp: '9999-01-01T00:00:00.000Z' }, 'EVENT_TIME_OUT_OF_RANGE'],
        ['a timestamp 2026-13-45T99:99:99Z', { timestamp: '2026-13-45T99:99:99Z' }, 'EVENT_TIME_INVALID'],
        ['a timestamp on February 30', { timestamp: '2026-02-30T00:00:00.000Z' }, 'EVENT_TIME_INVALID'],
        [
          'a timestamp an hour ahead of the clock',
          { timestamp: new Date(NOW + 3_600_000).toISOString() },
          'EVENT_TIME_IN_FUTURE',
        ],
        ['a timestamp that is a number', { timestamp: NOW }, 'EVENT_TIME_FORMAT'],
        ['no event_type', { event_type: null }, 'EVENT_TYPE_MISSING'],
        ['an event_type id of -1', { event_type: { id: -1 } }, 'EVENT_TYPE_INVALID'],
      ] as const
    ).map(([what, fields, reason]): Row => ({
      name: `an event with ${what}`,
      sent: () => ({
        headers: { ...json, ...bearer() },
        body: JSON.stringify([{ ...pushed(8_000_000_001), ...fields }]),
      }),
      status: 400,
      error: /^No event in the body was taken\. Event|^No event in the body was taken\. An event/,
      metrics: rejected(reason),
      check: (res) => expect(JSON.parse(res.text)).toMatchObject({ invalid: 1, rejected: { [reason]: 1 } }),
    })),
    {
      name: 'a body of one JSON number',
      sent: () => ({ headers: { ...json, ...bearer() }, body: '42' }),
      status: 400,
      error: 'No event in the body was taken. An event is not a JSON object but 42.',
      metrics: rejected('EVENT_NOT_OBJECT'),
    },
    ...['/DataStreamer', '/DATASTREAMER', '/datastreamer/', '/datastreamer/x', '/datastreamer?token=x'].map(
      (path): Row => ({
        name: `${path} without a token (every spelling express would route is guarded)`,
        path,
        sent: () => ({ headers: json, body: gzipBomb() }),
        status: 401,
        error: 'Missing or wrong bearer token.',
        metrics: unauthorizedPush,
      })
    ),
    {
      name: 'the events gateway path while the gateway is off',
      path: '/api/v1/event',
      sent: () => ({ method: 'GET', headers: bearer() }),
      status: 404,
      error: 'The events gateway is off: set EXPORTER_GATEWAY_TOKEN(_FILE) to enable it.',
      errorKey: 'message',
    },
  ];

  it.each(rows.map((r) => [r.name, r]))('%s', async (_name, row) => {
    const base = row.to === 'B' ? urlB : urlA;
    const keys = Object.keys(row.metrics ?? {});
    const before = await scrapeA();
    const newestBefore = singleValue(before, 'emnify_exporter_newest_event_timestamp_seconds');
    const res = await answer(`${base}${row.path ?? '/datastreamer'}`, row.sent());
    expect(res.status).toBe(row.status);
    if (row.error !== undefined) {
      const error = (JSON.parse(res.text) as Record<string, string>)[row.errorKey ?? 'error'];
      if (typeof row.error === 'string') {
        expect(error).toBe(row.error);
      } else {
        expect(error).toMatch(row.error);
      }
    }
    row.check?.(res);
    const after = await scrapeA();
    const moved = watched(after, keys);
    const was = watched(before, keys);
    expect(Object.fromEntries(keys.map((k) => [k, moved[k] - was[k]]))).toEqual(row.metrics ?? {});
    // Nothing was counted: the counters equal the simulator's ground truth, and no time was pinned.
    expect(countsFromMetrics(after)).toEqual(truthAsCounts(sim.truth()));
    expect(singleValue(after, 'emnify_exporter_newest_event_timestamp_seconds')).toBe(newestBefore);
  });

  it('reads no more of a refused body than its header section (a 20 MB body without a token)', async () => {
    await serverA.settled();
    const before = serverA.bytesRead;
    const res = await send(`${urlA}/datastreamer`, {
      headers: { ...json, connection: 'keep-alive' },
      body: Buffer.alloc(20 * 1024 * 1024, 0x5b),
    });
    expect(res).toMatchObject({ status: 401 });
    await serverA.settled();
    // The header section, plus what one socket read takes in at most (64 KiB) and what was in flight.
    expect(serverA.bytesRead - before).toBeLessThan(1024 * 1024);
  });

  it('a fifth push while four bodies are still arriving is answered 503 at once', async () => {
    const key = 'emnify_exporter_datastreamer_requests_total{outcome=unavailable}';
    const before = watched(await scrapeA(), [key])[key];
    // Four pushes that announce 1,000 bytes and send 10: their bodies stay open.
    const slow = Array.from({ length: 4 }, () => {
      const req = request(`${urlA}/datastreamer`, {
        method: 'POST',
        agent: false,
        headers: { ...json, ...bearer(), 'content-length': '1000' },
      });
      req.on('error', () => undefined);
      req.write('[{"id":123');
      return req;
    });
    await new Promise((r) => setTimeout(r, 100));
    const fifth = await answer(`${urlA}/datastreamer`, { headers: { ...json, ...bearer() }, body: '[]' });
    for (const req of slow) {
      req.destroy();
    }
    expect(fifth.status).toBe(503);
    expect(fifth.headers['retry-after']).toBe('1');
    expect(JSON.parse(fifth.text)).toEqual({ error: '4 pushes are being read already; retry shortly.' });
    expect(watched(await scrapeA(), [key])[key] - before).toBe(1);
  });

  it.each([
    ['POST /metrics (no such route), open exporter', 'B', 'POST', '/metrics', 404],
    ['GET /metrics with a body, open exporter', 'B', 'GET', '/metrics', 200],
    ['POST to an unknown path, open exporter', 'B', 'POST', '/upload', 404],
    ['POST /metrics without basic auth', 'A', 'POST', '/metrics', 401],
  ])('does not read a 20 MB body that no route takes: %s', async (_name, to, method, path, status) => {
    const server = to === 'A' ? serverA : serverB;
    await server.settled();
    const before = server.bytesRead;
    const res = await send(`${to === 'A' ? urlA : urlB}${path}`, {
      method,
      // Keep-alive: a server that wants the connection again would drain the body to reach the next request.
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(20 * 1024 * 1024),
        connection: 'keep-alive',
      },
      body: Buffer.alloc(20 * 1024 * 1024, 0x41),
    });
    expect(res).toMatchObject({ status });
    await server.settled();
    expect(server.bytesRead - before).toBeLessThan(1024 * 1024);
  });

  it('with basic auth on, a push with its own bearer token is counted (and basic auth does not apply to it)', async () => {
    const fresh: RawEvent[] = sim.addEvents(3, { lateByMs: 1000 });
    const res = await answer(`${urlA}/datastreamer`, {
      headers: { ...json, ...bearer() },
      body: JSON.stringify(fresh),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      counted: 3,
      duplicates: 0,
      late: 0,
      outsideWindow: 0,
      filtered: 0,
      invalid: 0,
      rejected: {},
    });
    const text = await scrapeA();
    expect(countsFromMetrics(text)).toEqual(truthAsCounts(sim.truth()));
    // The poll reads the same three: nothing twice.
    await a.poller.pollOnce();
    expect(countsFromMetrics(await scrapeA())).toEqual(truthAsCounts(sim.truth()));
  });

  it('takes a push of exactly 10,000 events (the bound), and names the newest event time right', async () => {
    // Up to 9.999 s ahead of the clock (within the 10 minutes taken), newest last.
    const events = Array.from({ length: 10_000 }, (_, i) => pushed(7_000_000_000 + i, -i));
    const before = countsFromMetrics(await scrapeA());
    const res = await answer(`${urlA}/datastreamer`, {
      headers: { ...json, ...bearer() },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ counted: 10_000, duplicates: 0, invalid: 0 });
    const text = await scrapeA();
    const key = JSON.stringify([TYPE_NAME.get(1), 'INFO', 'Network', '', '']);
    expect(countsFromMetrics(text).events[key]).toBe((before.events[key] ?? 0) + 10_000);
    expect(singleValue(text, 'emnify_exporter_newest_event_timestamp_seconds')).toBe((NOW + 9_999) / 1000);
  });

  it('cuts a 5 MB operator name to 256 characters, and keeps the event', async () => {
    const long = 'O'.repeat(5 * 1024 * 1024);
    const event = pushed(6_000_000_001, 60_000, {
      detail: { id: 1, name: long, country: { id: 74, name: 'Germany', iso_code: 'de', mcc: '262' } },
    });
    const res = await answer(`${urlA}/datastreamer`, {
      headers: { ...json, ...bearer() },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ counted: 1 });
    const text = await scrapeA();
    const sample = parseSamples(text, 'emnify_events_total').find((s) => s.labels.operator.startsWith('OOO'));
    expect(sample).toEqual({
      labels: {
        event_type: TYPE_NAME.get(1),
        event_severity: 'INFO',
        event_source: 'Network',
        country: 'DE',
        operator: `${'O'.repeat(255)}…`,
      },
      value: 1,
    });
    expect(text.length).toBeLessThan(200_000);
    expect(watched(text, ['emnify_exporter_event_labels_truncated_total{origin=push}'])).toEqual({
      'emnify_exporter_event_labels_truncated_total{origin=push}': 1,
    });
  });

  it('bounds the series of types the lookup lacks: 20 spellings, then "other", no operator', async () => {
    const events = Array.from({ length: 30 }, (_, i) =>
      pushed(5_000_000_000 + i, 60_000, {
        event_type: { id: 1000 + i, description: `invented type ${i}` },
        detail: { id: 1, name: `operator ${i}`, country: { id: 74, name: 'Germany', iso_code: 'DE', mcc: '262' } },
      })
    );
    const res = await answer(`${urlA}/datastreamer`, {
      headers: { ...json, ...bearer() },
      body: JSON.stringify(events),
    });
    expect(JSON.parse(res.text)).toMatchObject({ counted: 30 });
    const samples = parseSamples(await scrapeA(), 'emnify_events_total').filter(
      (s) => s.labels.event_type.startsWith('invented') || s.labels.event_type === 'other'
    );
    expect(samples.map((s) => [s.labels.event_type, s.labels.operator, s.labels.country, s.value]).sort()).toEqual(
      [...Array.from({ length: 20 }, (_, i) => [`invented type ${i}`, '', '', 1]), ['other', '', '', 10]].sort()
    );
  });

  describe('basic auth', () => {
    it.each([
      ['no Authorization header', undefined, 401],
      ['a wrong password', basicAuthorization('prometheus', 'nope'), 401],
      ['the right password', SCRAPE, 200],
      ['user "constructor", its password', basicAuthorization('constructor', USERS.get('constructor')!), 200],
      ['user "constructor", a wrong password', basicAuthorization('constructor', 'nope'), 401],
      ['user "__proto__", its password', basicAuthorization('__proto__', USERS.get('__proto__')!), 200],
      ['user "toString" (not configured)', basicAuthorization('toString', 'x'), 401],
      ['user "hasOwnProperty" (not configured)', basicAuthorization('hasOwnProperty', 'x'), 401],
      ['a header without a colon', `Basic ${Buffer.from('prometheus').toString('base64')}`, 401],
      ['a header that is not base64', 'Basic !!!', 401],
      ['a bearer token instead', `Bearer ${TOKEN}`, 401],
    ])('%s', async (_case, authorization, status) => {
      const res = await answer(`${urlA}/metrics`, {
        method: 'GET',
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(status);
      if (status === 401) {
        expect(res.headers['www-authenticate']).toBe('Basic realm="emnify-events-exporter"');
        expect(res.text).toBe('Unauthorized\n');
      }
    });

    it('60 wrong passwords at once do not hold up a scrape (bcrypt runs off the event loop)', async () => {
      const before = watched(await scrapeA(), [
        'emnify_exporter_http_requests_refused_total{route=prometheus,reason=unauthorized}',
      ]);
      const answered: string[] = [];
      const wrong = Array.from({ length: 60 }, (_, i) =>
        answer(`${urlA}/metrics`, {
          method: 'GET',
          headers: { authorization: basicAuthorization('prometheus', `guess-${i}`) },
        }).then((res) => {
          answered.push('wrong');
          return res.status;
        })
      );
      // The scrape (its credential verified before, so cached) is sent after the 60.
      await new Promise((r) => setTimeout(r, 20));
      const scrape = await answer(`${urlA}/metrics`, { method: 'GET', headers: { authorization: SCRAPE } });
      answered.push('scrape');
      expect(scrape.status).toBe(200);
      const statuses = await Promise.all(wrong);
      expect(statuses).toEqual(Array(60).fill(401));
      // Each comparison takes tens of milliseconds; the scrape did not wait behind them.
      expect(answered.indexOf('scrape')).toBeLessThan(10);
      const after = watched(await scrapeA(), [
        'emnify_exporter_http_requests_refused_total{route=prometheus,reason=unauthorized}',
      ]);
      expect(
        after['emnify_exporter_http_requests_refused_total{route=prometheus,reason=unauthorized}'] -
          before['emnify_exporter_http_requests_refused_total{route=prometheus,reason=unauthorized}']
      ).toBe(60);
    }, 30_000);

    it('more wrong passwords than may wait are answered 503 at once, counted as busy', async () => {
      const key = 'emnify_exporter_http_requests_refused_total{route=prometheus,reason=busy}';
      const before = watched(await scrapeA(), [key])[key];
      const statuses = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          answer(`${urlA}/-/healthy`, {
            method: 'GET',
            headers: { authorization: basicAuthorization(`u${i}`, 'x') },
          }).then((res) => res.status)
        )
      );
      const busy = statuses.filter((s) => s === 503).length;
      expect(busy).toBeGreaterThan(0);
      expect(busy + statuses.filter((s) => s === 401).length).toBe(120);
      expect(watched(await scrapeA(), [key])[key] - before).toBe(busy);
    }, 30_000);
  });
});
