#!/usr/bin/env node
// `npm run bench`: figures and ratios against baselines measured in the same run. Never pass/fail.
// Usage: node bench/run.mjs [ingest|metrics|dedup|paging|frames|catchup|steady|networks|gateway]...   (default: all)
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { bundleForNode } from './bundle.mjs';

const require = createRequire(import.meta.url);
const client = require('../packages/client/dist/index.js');
const { startSimulator } = require('../packages/simulator/dist/index.js');
const { Ledger, MEMORY_STORE } = require('../exporter/dist/ledger.js');
const { createMetrics } = require('../exporter/dist/metrics/index.js');
const { openState } = require('../exporter/dist/journal.js');
const { loadConfig } = require('../exporter/dist/config.js');
const { createExporter } = require('../exporter/dist/exporter.js');
const { silentLogger } = require('../exporter/dist/logger.js');
const promClient = require('prom-client');

const only = new Set(process.argv.slice(2));
const want = (name) => only.size === 0 || only.has(name);
const fmt = (n, d = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const rows = [];
const row = (bench, size, figure, value, baseline = '', ratio = '') => {
  rows.push({ bench, size, figure, value, baseline, ratio });
  console.log([bench, size, figure, value, baseline, ratio].join(' | '));
};
const time = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const HOUR = 3_600_000;

console.log(
  `machine: ${cpus().length} × ${cpus()[0].model}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}`
);
console.log('bench | size | figure | value | baseline | ratio');
// `# section: wall time (1-minute load average at its start)`: other processes on the machine show there.
let current;
const section = (name) => {
  if (current) {
    console.log(
      `# ${current.name}: ${fmt((Date.now() - current.started) / 1000, 1)} s (load average ${current.load} at start)`
    );
  }
  current = name ? { name, started: Date.now(), load: fmt(loadavg()[0], 2) } : undefined;
};

/** Raw API pages (JSON text) of `n` events, as the simulator serves them. */
async function rawPages(n) {
  const sim = await startSimulator({ port: 0, seed: 99, historyMs: 24 * HOUR, historyEvents: n, eventsPerSecond: 0 });
  const c = new client.EmnifyClient({
    transport: client.fetchTransport({ baseUrl: sim.url }),
    applicationToken: sim.applicationToken,
    rateLimiter: null,
  });
  await c.authenticate();
  const pages = [];
  const transport = client.fetchTransport({ baseUrl: sim.url });
  const token = (
    await (
      await fetch(`${sim.url}/api/v1/authenticate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ application_token: sim.applicationToken }),
      })
    ).json()
  ).auth_token;
  for (let p = 1; p <= Math.ceil(n / 1000); p++) {
    const res = await transport({
      method: 'GET',
      path: '/api/v1/event',
      query: { page: String(p), per_page: '1000' },
      headers: { authorization: `Bearer ${token}` },
      kind: 'api',
    });
    pages.push(res.body);
  }
  const types = await c.getEventTypes();
  await sim.close();
  return { pages, types };
}

if (want('ingest')) {
  section('ingest');
  for (const n of [10_000, 100_000, 300_000]) {
    const { pages, types } = await rawPages(n);
    const emptyState = () => ({
      watermark: 0,
      ids: [],
      counts: { events: new Map(), volume: new Map() },
      lateEvents: 0,
    });
    const ingestAll = (ledger) => {
      ledger.typeNames.addMissing(types);
      for (const text of pages) {
        ledger.ingest(JSON.parse(text).map(client.normalizeEvent), 'poll');
      }
    };
    // Rounds alternate the three (load from elsewhere falls on all alike); a fresh ledger and state each
    // round; the first round warms the JIT and is left out of the medians.
    const rounds = 5;
    const parseRuns = [];
    const ingestRuns = [];
    const durableRuns = [];
    for (let r = 0; r < rounds; r++) {
      globalThis.gc?.();
      parseRuns.push(
        time(() => {
          for (const text of pages) {
            JSON.parse(text);
          }
        })
      );
      globalThis.gc?.();
      const ledger = new Ledger(emptyState(), { overlapMs: 300_000, eventTypes: new Set(), store: MEMORY_STORE });
      ingestRuns.push(time(() => ingestAll(ledger)));
      const dir = mkdtempSync(join(tmpdir(), 'bench-'));
      // The exporter's own store: a journal append + fdatasync per page, compactions when the journal is due.
      const { state, journal } = openState(join(dir, 'state.json'), emptyState);
      const durable = new Ledger(state, { overlapMs: 300_000, eventTypes: new Set(), store: journal });
      globalThis.gc?.();
      durableRuns.push(time(() => ingestAll(durable)));
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    }
    const medianOf = (xs) => xs.slice(1).sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
    const parseMs = medianOf(parseRuns);
    const ingestMs = medianOf(ingestRuns);
    const durableMs = medianOf(durableRuns);
    const parseRate = (n / parseMs) * 1000;
    row(
      '1 ingest',
      fmt(n),
      'events/s parse+normalise+dedup+labels+count (median of 4)',
      fmt((n / ingestMs) * 1000),
      `${fmt(parseRate)} (JSON.parse only)`,
      `${fmt((parseRate ? ((n / ingestMs) * 1000) / parseRate : 0) * 100, 0)} % (target ≥ 50 %)`
    );
    row(
      '1 ingest',
      fmt(n),
      'events/s incl. durable state write per page (journal append)',
      fmt((n / durableMs) * 1000),
      '',
      `${fmt((((n / durableMs) * 1000) / parseRate) * 100, 0)} % of parse-only`
    );
  }
}

if (want('metrics')) {
  section('metrics');
  for (const series of [1_000, 10_000, 50_000]) {
    const ledger = new Ledger(
      { watermark: 0, ids: [], counts: { events: new Map(), volume: new Map() }, lateEvents: 0 },
      { overlapMs: 1000, eventTypes: new Set(), store: MEMORY_STORE }
    );
    for (let i = 0; i < series; i++) {
      ledger.counts.events.set(JSON.stringify([`type ${i % 70}`, 'INFO', 'Network', `C${i % 50}`, `operator ${i}`]), i);
    }
    const metrics = createMetrics(ledger, { dropLabels: [], version: 'bench' });
    const bare = new promClient.Registry();
    const counter = new promClient.Counter({
      name: 'emnify_events_total',
      help: 'x',
      labelNames: ['event_type', 'event_severity', 'event_source', 'country', 'operator'],
      registers: [bare],
    });
    for (let i = 0; i < series; i++) {
      counter.inc(
        {
          event_type: `type ${i % 70}`,
          event_severity: 'INFO',
          event_source: 'Network',
          country: `C${i % 50}`,
          operator: `operator ${i}`,
        },
        i
      );
    }
    const measure = async (registry, only) => {
      const runs = [];
      for (let r = 0; r < 7; r++) {
        const t = process.hrtime.bigint();
        await (only ? registry.getSingleMetricAsString(only) : registry.metrics());
        runs.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      runs.sort((a, b) => a - b);
      return runs[3];
    };
    const ours = await measure(metrics.registry, 'emnify_events_total');
    const base = await measure(bare, 'emnify_events_total');
    row(
      '4 /metrics render',
      `${fmt(series)} series`,
      'ms (median of 7; event-loop block)',
      fmt(ours, 1),
      `${fmt(base, 1)} (bare prom-client)`,
      `${fmt((ours / base) * 100, 0)} % (target ≤ 110 %)`
    );
  }
}

if (want('dedup')) {
  section('dedup');
  // Each size in a fresh process, so earlier benchmarks' garbage does not blur the heap figure.
  const { execFileSync } = require('node:child_process');
  for (const n of [100_000, 300_000, 1_000_000]) {
    const script = `const { DedupWindow } = require(${JSON.stringify(require.resolve('../exporter/dist/dedup.js'))});
      const v8 = require('node:v8'); gc(); const before = v8.getHeapStatistics().used_heap_size;
      const w = new DedupWindow(); for (let i = 0; i < ${n}; i++) w.add(351732524384257 + i * 4099, 1700000000000 + i);
      gc(); process.stdout.write(String((v8.getHeapStatistics().used_heap_size - before) / ${n} + 0 * w.size));`;
    const bytes = Number(execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' }));
    row(
      '5 dedup memory',
      `${fmt(n)} ids`,
      'heap bytes per remembered id',
      fmt(bytes, 1),
      '',
      n === 300_000 ? `10 min × 500/s = 300,000 ids: ${fmt((bytes * n) / 2 ** 20, 1)} MiB` : ''
    );
  }
}

if (want('paging')) {
  section('paging');
  for (const pages of [10, 100]) {
    const sim = await startSimulator({
      port: 0,
      seed: 5,
      historyMs: 24 * HOUR,
      historyEvents: pages * 100,
      eventsPerSecond: 0,
      rateLimits: true,
      faults: { latencyMs: 100 },
    });
    const run = async (concurrency) => {
      sim.setRateLimits(false);
      sim.setRateLimits(true);
      await new Promise((r) => setTimeout(r, 1000)); // let the server's bucket refill
      const c = new client.EmnifyClient({
        transport: client.fetchTransport({ baseUrl: sim.url }),
        applicationToken: sim.applicationToken,
      });
      await c.authenticate();
      sim.resetRequestLog();
      const t = Date.now();
      const list = await c.listEvents({ perPage: 100 }, { concurrency });
      const ms = Date.now() - t;
      const limited = sim.requestLog().filter((r) => r.status === 429).length;
      return { ms, n: list.events.length, limited };
    };
    const ours = await run(4);
    const serial = await run(1);
    // Floor: page 1 alone (one latency, it tells the total), then the server's bucket: 5 at once
    // (refilled while page 1 was in flight), then 10/s, plus the last page's latency.
    const floor = 2 * 100 + Math.max(0, pages - 1 - 5) * 100;
    row(
      '6 data source paging',
      `${pages} pages`,
      'ms, concurrency 4 (429s)',
      `${fmt(ours.ms)} (${ours.limited})`,
      `${fmt(serial.ms)} (one at a time)`,
      `${fmt(serial.ms / ours.ms, 2)}× faster; ${fmt((ours.ms / floor) * 100, 0)} % of floor ${fmt(floor)} ms (target ≤ 115 %)`
    );
    await sim.close();
  }
}

if (want('frames')) {
  section('frames');
  // The plugin's frame code is TypeScript importing @grafana/data: bundled for Node at bench time (as
  // webpack builds it for the browser, with the same alias for the shared client), into a temp dir.
  const bundledAt = Date.now();
  const { outfile, dir } = await bundleForNode('frames', [
    "export { logsFrame, tableFrame, countFrames, annotationFrame } from './src/frames/eventFrames';",
    "export { toEventQuery } from './src/query/toEventQuery';",
    "export { DEFAULT_QUERY, DEFAULT_PAGE_SIZE } from './src/types';",
    "export { EventTypeNames } from '@emnify-events/client';",
    "export { toDataFrame } from '@grafana/data';",
  ]);
  const f = require(outfile);
  row(
    '6 data source frames',
    'bundle',
    'esbuild of src/frames + @grafana/data (ms; bytes)',
    `${fmt(Date.now() - bundledAt)} ms; ${fmt(statSync(outfile).size)} B`
  );

  // The floor: the same columns with the same values, filled in one plain loop into preallocated arrays
  // (no frame objects, no @grafana/data): what touching every field of every event once costs.
  const LEVEL = { INFO: 'info', WARN: 'warning', CRITICAL: 'critical' };
  const floors = {
    logs(events, types) {
      const n = events.length;
      const time = new Array(n),
        body = new Array(n),
        severity = new Array(n),
        id = new Array(n),
        labels = new Array(n);
      for (let i = 0; i < n; i++) {
        const e = events[i];
        time[i] = e.time;
        body[i] = e.description;
        severity[i] = LEVEL[e.severityName] ?? 'unknown';
        id[i] = String(e.id);
        const l = { type: types.nameOf(e.typeId, e.typeDescription), severity: e.severityName, source: e.sourceName };
        if (e.endpoint?.name) {
          l.endpoint = e.endpoint.name;
        }
        if (e.sim?.iccid) {
          l.iccid = e.sim.iccid;
        }
        if (e.imsi?.imsi) {
          l.imsi = e.imsi.imsi;
        }
        if (e.network?.operatorName) {
          l.operator = e.network.operatorName;
        }
        if (e.network?.countryIso) {
          l.country = e.network.countryIso;
        }
        if (e.alert) {
          l.alert = 'true';
        }
        labels[i] = l;
      }
      return [time, body, severity, id, labels];
    },
    table(events, types) {
      const n = events.length;
      const cols = Array.from({ length: 12 }, () => new Array(n));
      for (let i = 0; i < n; i++) {
        const e = events[i];
        cols[0][i] = e.time;
        cols[1][i] = e.severityName;
        cols[2][i] = types.nameOf(e.typeId, e.typeDescription);
        cols[3][i] = e.sourceName;
        cols[4][i] = e.description;
        cols[5][i] = e.endpoint?.name ?? '';
        cols[6][i] = e.sim?.iccid ?? '';
        cols[7][i] = e.imsi?.imsi ?? '';
        cols[8][i] = e.network?.operatorName ?? '';
        cols[9][i] = e.network?.countryIso ?? '';
        cols[10][i] = e.alert;
        cols[11][i] = String(e.id);
      }
      return cols;
    },
    counts(events, types, range, step, groupBy) {
      const start = Math.floor(range.from / step) * step;
      const buckets = Math.floor((range.to - start) / step) + 1;
      const series = new Map();
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        const index = Math.floor((e.time - start) / step);
        if (index < 0 || index >= buckets) {
          continue;
        }
        const g = groupBy === 'type' ? types.nameOf(e.typeId, e.typeDescription) : e.network?.operatorName || 'none';
        let c = series.get(g);
        if (!c) {
          c = new Array(buckets).fill(0);
          series.set(g, c);
        }
        c[index]++;
      }
      return series;
    },
    annotations(events, types) {
      const n = events.length;
      const time = new Array(n),
        title = new Array(n),
        text = new Array(n),
        tags = new Array(n);
      for (let i = 0; i < n; i++) {
        const e = events[i];
        const type = types.nameOf(e.typeId, e.typeDescription);
        time[i] = e.time;
        title[i] = `${e.severityName}: ${type}`;
        let t = e.description;
        if (e.endpoint) {
          t = t ? `${t} · Endpoint ${e.endpoint.name}` : `Endpoint ${e.endpoint.name}`;
        }
        if (e.sim) {
          t = t ? `${t} · ICCID ${e.sim.iccid}` : `ICCID ${e.sim.iccid}`;
        }
        text[i] = t;
        const tg = [type, e.severityName];
        if (e.endpoint?.name) {
          tg.push(e.endpoint.name);
        }
        if (e.network?.countryIso) {
          tg.push(e.network.countryIso);
        }
        tags[i] = tg;
      }
      return [time, title, text, tags];
    },
  };
  const STEP = 60_000; // counts: 1-minute buckets over 24 h (1,441 per series)
  // Ours and the floor alternately (so that load from other processes falls on both alike), gc() before
  // each run: the first run of each (cold) is reported apart, then the median of `runs` more.
  const measurePair = (ours, floor, runs) => {
    const a = [];
    const b = [];
    for (let r = 0; r <= runs; r++) {
      gc();
      a.push(time(ours));
      gc();
      b.push(time(floor));
    }
    const median = (xs) => xs.slice(1).sort((x, y) => x - y)[Math.floor(runs / 2)];
    return { ours: { first: a[0], median: median(a) }, floor: { first: b[0], median: median(b) } };
  };
  // The event-loop block one query's frames cause, built after an await as DataSource.run builds them.
  const blocked = async (fn) => {
    gc();
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    await new Promise((r) => setTimeout(r, 20));
    await Promise.resolve().then(fn);
    await new Promise((r) => setTimeout(r, 20));
    h.disable();
    return h.max / 1e6;
  };
  for (const n of [10_000, 100_000, 300_000]) {
    // Events as the data source gets them: its query → the client's EventQuery → every page, normalised.
    const sim = await startSimulator({ port: 0, seed: 11, historyMs: 24 * HOUR, historyEvents: n, eventsPerSecond: 0 });
    const c = new client.EmnifyClient({
      transport: client.fetchTransport({ baseUrl: sim.url }),
      applicationToken: sim.applicationToken,
      rateLimiter: null,
    });
    const to = Date.now();
    const range = { from: to - 24 * HOUR, to };
    const pageSize = f.DEFAULT_PAGE_SIZE;
    const eventQuery = f.toEventQuery({ ...f.DEFAULT_QUERY, refId: 'A' }, range, pageSize);
    // maxPages raised to hold every event (the data source's default reads at most 20 pages = 20,000 events).
    const list = await c.listEvents(eventQuery, { maxPages: Math.ceil(n / pageSize) });
    const types = new f.EventTypeNames(await c.getEventTypes());
    await sim.close();
    const events = list.events;
    if (events.length !== n) {
      throw new Error(`frames: expected ${n} events, got ${events.length}`);
    }
    const runs = n <= 100_000 ? 7 : 5;
    const formats = [
      ['logs', () => [f.logsFrame(events, types, 'A')], () => floors.logs(events, types)],
      ['table', () => [f.tableFrame(events, types, 'A')], () => floors.table(events, types)],
      [
        'counts by type',
        () => f.countFrames(events, types, range, STEP, 'type', 'A'),
        () => floors.counts(events, types, range, STEP, 'type'),
      ],
      [
        'counts by operator',
        () => f.countFrames(events, types, range, STEP, 'operator', 'A'),
        () => floors.counts(events, types, range, STEP, 'operator'),
      ],
      ['annotations', () => [f.annotationFrame(events, types, 'A')], () => floors.annotations(events, types)],
    ];
    const blocks = [];
    for (const [name, ours, floor] of formats) {
      // The floor must build exactly what the frames hold, or the ratio means nothing.
      const frames = ours();
      const same = name.startsWith('counts')
        ? isDeepStrictEqual(new Map(frames.map((fr) => [fr.name, fr.fields[1].values])), floor())
        : isDeepStrictEqual(
            frames[0].fields.map((field) => field.values),
            floor()
          );
      if (!same) {
        throw new Error(`frames: the floor of ${name} does not build the same values`);
      }
      const { ours: o, floor: b } = measurePair(ours, floor, runs);
      const series = name.startsWith('counts') ? ` (${frames.length} series)` : '';
      row(
        '6 data source frames',
        `${fmt(n)} events`,
        `${name}${series}: ms (median of ${runs}; first run)`,
        `${fmt(o.median, 1)} (${fmt(o.first, 1)})`,
        `${fmt(b.median, 1)} (one plain loop, same values)`,
        `${fmt((o.median / b.median) * 100, 0)} % of floor (target: 100,000 in < 300 ms)`
      );
      blocks.push(`${name} ${fmt(await blocked(ours), 0)}`);
    }
    const generic = measurePair(
      () => f.toDataFrame(events),
      () => f.logsFrame(events, types, 'A'),
      runs
    );
    row(
      '6 data source frames',
      `${fmt(n)} events`,
      `reference: toDataFrame(events) of @grafana/data, ms (median of ${runs})`,
      fmt(generic.ours.median, 1),
      `${fmt(generic.floor.median, 1)} (our logs frame)`,
      'generic: one column per top-level key, nothing derived'
    );
    row(
      '6 data source frames',
      `${fmt(n)} events`,
      'event-loop block per query, ms (monitorEventLoopDelay max)',
      blocks.join('; ')
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The exporter builds the catch-up and steady-state sections compare: this checkout's, and with
 * BENCH_BASELINE=<another checkout, built with `npm run build:node`> that one's, measured in the same run
 * against the same simulator (this checkout's).
 */
const builds = [{ name: 'ours', dir: fileURLToPath(new URL('..', import.meta.url)) }];
if (process.env.BENCH_BASELINE) {
  builds.push({ name: 'baseline', dir: process.env.BENCH_BASELINE });
}
const exporterOf = (dir) => {
  const req = createRequire(join(dir, 'package.json'));
  return {
    loadConfig: req(join(dir, 'exporter/dist/config.js')).loadConfig,
    createExporter: req(join(dir, 'exporter/dist/exporter.js')).createExporter,
    silentLogger: req(join(dir, 'exporter/dist/logger.js')).silentLogger,
    main: join(dir, 'exporter/dist/main.js'),
  };
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
/** Event requests of an exporter, from its own metric (both builds have it). */
const eventRequestsOf = async (exporter) =>
  (await exporter.metrics.registry.metrics())
    .split('\n')
    .filter((l) => l.startsWith('emnify_exporter_api_requests_total{endpoint="/api/v1/event"'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);

if (want('catchup')) {
  section('catchup');
  for (const n of (process.env.BENCH_CATCHUP ?? '10000,100000,1000000').split(',').map(Number)) {
    for (const build of builds) {
      const sim = await startSimulator({
        port: 0,
        seed: 7,
        historyMs: 29 * 24 * HOUR,
        historyEvents: n,
        eventsPerSecond: 0,
      });
      const dir = mkdtempSync(join(tmpdir(), 'bench-catchup-'));
      const t = Date.now();
      const child = spawn(
        process.execPath,
        [
          exporterOf(build.dir).main,
          '--web.listen-address',
          '127.0.0.1:0',
          '--state.file',
          join(dir, 's.json'),
          '--backfill',
          '30d',
          '--poll.max-window',
          '30d',
          '--poll.interval',
          '1h',
          '--log.level',
          'debug',
        ],
        {
          env: { PATH: process.env.PATH, EMNIFY_API_URL: sim.url, EMNIFY_APPLICATION_TOKEN: sim.applicationToken },
          stdio: ['ignore', 'ignore', 'pipe'],
        }
      );
      let peak = 0;
      const sampler = setInterval(async () => {
        try {
          const status = (await import('node:fs')).readFileSync(`/proc/${child.pid}/status`, 'utf8');
          peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024);
        } catch {}
      }, 200);
      const windows = await new Promise((resolve) => {
        let log = '';
        child.stderr.on('data', (d) => {
          log += d;
          const done = /"msg":"poll done".*"windows":(\d+)/.exec(log);
          if (done) {
            resolve(Number(done[1]));
          }
        });
      });
      const ms = Date.now() - t;
      clearInterval(sampler);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      const requests = sim.requestLog().filter((r) => r.path === '/api/v1/event').length;
      const pages = Math.ceil(n / 1000);
      row(
        '2 catch-up',
        `${fmt(n)} events, ${build.name}`,
        's to count all; event requests; windows; peak RSS',
        `${fmt(ms / 1000, 1)} s; ${fmt(requests)} req; ${fmt(windows)} windows; ${fmt(peak / 2 ** 20)} MB`,
        `pages: ${fmt(pages)}; floor pages + windows: ${fmt(pages + windows)}`,
        `req/pages ${fmt(requests / pages, 3)}; req - pages ${fmt(requests - pages)} (target ≤ windows)`
      );
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/**
 * One simulated hour of polls (30 s unless the case says) on a fake clock: requests against the floor (pages of the events each
 * poll counted first), and freshness: from the second an event became visible in the API (an observer
 * reads the newly visible ids every simulated second) to the moment its counter moved (the poll's fake
 * start plus the real time the poll had taken until the page that counted it), or, with `push`, to the
 * answer of the push that delivered it at that second.
 */
async function steadyRun(build, { rate, late, push, interval, settle }) {
  const polls = 3600 / interval;
  const { loadConfig, createExporter, silentLogger: logger } = exporterOf(build.dir);
  let now = Date.UTC(2026, 0, 1);
  const sim = await startSimulator({
    port: 0,
    seed: 3,
    historyEvents: 0,
    eventsPerSecond: rate,
    lateFraction: late,
    maxLatenessMs: 20_000,
    now: () => now,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-steady-'));
  const exporter = createExporter(
    loadConfig(
      [
        '--emnify.url',
        sim.url,
        '--state.file',
        join(dir, 's.json'),
        '--poll.interval',
        `${interval}s`,
        '--poll.settle',
        `${settle}s`,
        '--backfill',
        '0s',
      ],
      {
        EMNIFY_APPLICATION_TOKEN: sim.applicationToken,
        ...(push ? { EXPORTER_DATASTREAMER_TOKEN: 'bench' } : {}),
      }
    ),
    { logger, now: () => now, client: { rateLimiter: null } }
  );
  const server = exporter.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const pushUrl = `http://127.0.0.1:${server.address().port}/datastreamer`;
  const observer = new client.EmnifyClient({
    transport: client.fetchTransport({ baseUrl: sim.url }),
    applicationToken: sim.applicationToken,
    rateLimiter: null,
  });
  const visibleAt = new Map();
  const delays = [];
  let newestSeen = 0;
  // Counted first by a poll: fake poll start + real time into the poll.
  let pollStart = 0;
  let pollReal = 0;
  let countedByPoll = 0;
  /** The oldest event time a poll counted (its deepest page, newest first). */
  let oldestByPoll = Infinity;
  const counted = new Set();
  const ingest = exporter.ledger.ingest.bind(exporter.ledger);
  exporter.ledger.ingest = (events, origin) => {
    const result = ingest(events, origin);
    if (origin === 'poll') {
      const at = pollStart + (performance.now() - pollReal);
      for (const e of events) {
        if (!counted.has(e.id)) {
          counted.add(e.id);
          countedByPoll++;
          oldestByPoll = Math.min(oldestByPoll, e.time);
          if (visibleAt.has(e.id)) {
            delays.push(at - visibleAt.get(e.id));
          }
        }
      }
    }
    return result;
  };
  await exporter.poller.pollOnce();
  const cpu = process.cpuUsage();
  const before = await eventRequestsOf(exporter);
  let floor = 0;
  let holding = 0;
  let wall = 0;
  for (let poll = 0; poll < polls; poll++) {
    for (let s = 0; s < interval; s++) {
      now += 1000;
      const page = await observer.getEventPage({ sort: '-id', perPage: 300, page: 1 });
      const fresh = page.events.filter((e) => e.id > newestSeen);
      for (const e of fresh) {
        visibleAt.set(e.id, now);
      }
      newestSeen = Math.max(newestSeen, ...page.events.map((e) => e.id));
      if (push && fresh.length > 0) {
        const t = performance.now();
        const res = await fetch(pushUrl, {
          method: 'POST',
          headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
          body: JSON.stringify(fresh.map((e) => e.raw ?? e)),
        });
        await res.text();
        const took = performance.now() - t;
        for (const e of fresh) {
          if (!counted.has(e.id)) {
            counted.add(e.id);
            delays.push(took);
          }
        }
      }
    }
    countedByPoll = 0;
    oldestByPoll = Infinity;
    pollStart = now;
    pollReal = performance.now();
    await exporter.poller.pollOnce();
    wall += performance.now() - pollReal;
    floor += Math.ceil(countedByPoll / 1000);
    // A reading newest first cannot find the poll's oldest new event before the page that holds it: its
    // position among the window's events at or after it (the simulator's truth, the window's end included).
    if (countedByPoll > 0) {
      const until = exporter.ledger.watermark + 999;
      holding += Math.ceil(sim.truth({ from: oldestByPoll, until }).total / 1000);
    }
  }
  const used = process.cpuUsage(cpu);
  const requests = (await eventRequestsOf(exporter)) - before;
  delays.sort((a, b) => a - b);
  server.close();
  await exporter.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  return { polls, requests, floor, holding, delays, cpu: (used.user + used.system) / 1e6, wall, events: counted.size };
}

if (want('steady')) {
  section('steady');
  // BENCH_STEADY: rate:late share[:push[:interval s[:settle s]]], comma-separated (`-` for no push).
  const cases = (process.env.BENCH_STEADY ?? '5:0,50:0,100:0,5:0.1,50:0.1,100:0.1,50:0.1:push')
    .split(',')
    .map((c) => c.split(':'))
    .map(([rate, late, push, interval, settle]) => ({
      rate: Number(rate),
      late: Number(late),
      push: push === 'push',
      interval: Number(interval ?? 30),
      settle: Number(settle ?? 10),
    }));
  for (const c of cases) {
    for (const build of builds) {
      const r = await steadyRun(build, c);
      const what = `${c.rate} events/s, ${c.late ? '10 % late ≤ 20 s' : 'none late'}${c.push ? ', push' : ''}${c.interval !== 30 ? `, ${c.interval} s polls` : ''}${c.settle !== 10 ? `, settle ${c.settle} s` : ''}, ${build.name}`;
      row(
        '3 steady state',
        what,
        'event requests / hour; per poll; floor per poll (pages of events new to the polls); pages holding them (newest first, to the oldest)',
        `${fmt(r.requests)}; ${fmt(r.requests / r.polls, 2)}; ${fmt(r.floor / r.polls, 2)}; ${fmt(r.holding / r.polls, 2)}`,
        `floor ${fmt(r.floor)} / hour`,
        `req - floor per poll ${fmt((r.requests - r.floor) / r.polls, 2)} (target ≤ 1)`
      );
      row(
        '3 freshness',
        what,
        'API visibility → counter, p50 / p95 / max (s); CPU s / hour; poll wall ms (mean)',
        `${fmt(percentile(r.delays, 50) / 1000, 1)} / ${fmt(percentile(r.delays, 95) / 1000, 1)} / ${fmt(r.delays[r.delays.length - 1] / 1000, 1)}; ${fmt(r.cpu, 1)} s; ${fmt(r.wall / r.polls, 0)} ms`,
        `${fmt(r.delays.length)} events timed of ${fmt(r.events)}`,
        ''
      );
    }
  }
}
if (want('networks')) {
  section('networks');
  // `--labels.last-network`: what one remembered endpoint costs. Each size in a fresh process (as dedup):
  // the exporter's own structure, filled the way a commit fills it (applyNetworkDelta), endpoints spread
  // over 30 operators in 12 countries; baseline in the same process: a bare Map of endpoint id → number.
  const { execFileSync } = require('node:child_process');
  const lastNetwork = JSON.stringify(require.resolve('../exporter/dist/lastNetwork.js'));
  for (const n of [10_000, 100_000, 1_000_000]) {
    const script = `const { applyNetworkDelta } = require(${lastNetwork});
      const v8 = require('node:v8'); const heap = () => { gc(); return v8.getHeapStatistics().used_heap_size; };
      const isos = ['DE','GB','FR','NL','ES','IT','AT','CH','PL','SE','US','BR'];
      let before = heap(); const bare = new Map();
      for (let i = 0; i < ${n}; i++) bare.set(11380016 + i * 7, 1700000000000 + i);
      const bareBytes = (heap() - before) / ${n}; bare.clear();
      before = heap(); const memory = new Map();
      for (let i = 0; i < ${n}; i++) applyNetworkDelta(memory, [], [[11380016 + i * 7, 1700000000000 + i * 13, 351732524384257 + i * 4099, isos[i % 12], 'Operator ' + (i % 30)]]);
      process.stdout.write(JSON.stringify([(heap() - before) / ${n}, bareBytes, memory.size]));`;
    const [bytes, bare] = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' })
    );
    row(
      '9 last network',
      `${fmt(n)} endpoints`,
      'heap bytes per remembered endpoint',
      fmt(bytes, 1),
      `${fmt(bare, 1)} (Map of id → number)`,
      `${fmt((bytes * n) / 2 ** 20, 1)} MiB in all`
    );
  }
  // The state file: the base's bytes with n endpoints remembered minus without, per endpoint; and the
  // time to write the base text (every completed window compacts, so every poll writes it).
  const { serializeState } = require('../exporter/dist/stateFormat.js');
  const stateWith = (n) => ({
    watermark: 1_700_000_000_000,
    ids: [],
    counts: { events: new Map(), volume: new Map() },
    lateEvents: 0,
    networks: Array.from({ length: n }, (_, i) => [
      11380016 + i * 7,
      1_700_000_000_000 + i * 13,
      351732524384257 + i * 4099,
      ['DE', 'GB', 'FR', 'NL', 'ES', 'IT', 'AT', 'CH', 'PL', 'SE', 'US', 'BR'][i % 12],
      `Operator ${i % 30}`,
    ]),
  });
  const empty = serializeState(stateWith(0)).length;
  for (const n of [10_000, 100_000, 1_000_000]) {
    const state = stateWith(n);
    const runs = [];
    let bytes = 0;
    for (let r = 0; r < 5; r++) {
      runs.push(time(() => (bytes = Buffer.byteLength(serializeState(state)))));
    }
    runs.sort((a, b) => a - b);
    row(
      '9 last network',
      `${fmt(n)} endpoints`,
      'state file bytes per remembered endpoint',
      fmt((bytes - empty) / n, 1),
      `${fmt(empty)} B without`,
      `${fmt(bytes / 2 ** 20, 1)} MiB base; serialised in ${fmt(runs[2], 1)} ms (median of 5)`
    );
  }
  // Ingest with attribution on, against off in the same run: events/s and journal bytes per event.
  const { serializeRecord } = require('../exporter/dist/stateFormat.js');
  const { pages, types } = await rawPages(100_000);
  const events = pages.map((text) => JSON.parse(text).map(client.normalizeEvent));
  const run = (networks) => {
    let journalBytes = 0;
    const store = { ...MEMORY_STORE, append: (delta) => (journalBytes += serializeRecord(1, delta).length + 1) };
    const ledger = new Ledger(
      { watermark: 0, ids: [], counts: { events: new Map(), volume: new Map() }, lateEvents: 0 },
      { overlapMs: 300_000, eventTypes: new Set(), store, networks }
    );
    ledger.typeNames.addMissing(types);
    globalThis.gc?.();
    const ms = time(() => events.forEach((page) => ledger.ingest(page, 'poll')));
    return { ms, journalBytes, endpoints: ledger.rememberedEndpoints };
  };
  const on = { maxEndpoints: 100_000, maxAgeMs: 30 * 86_400_000 };
  const offRuns = [];
  const onRuns = [];
  for (let r = 0; r < 5; r++) {
    offRuns.push(run(undefined));
    onRuns.push(run(on));
  }
  const median = (xs) => xs.slice(1).sort((a, b) => a.ms - b.ms)[1];
  const [off1, on1] = [median(offRuns), median(onRuns)];
  row(
    '9 last network',
    '100,000 events',
    'events/s counted with attribution on (median of 4)',
    fmt((100_000 / on1.ms) * 1000),
    `${fmt((100_000 / off1.ms) * 1000)} off`,
    `${fmt((on1.ms / off1.ms) * 100, 0)} % of the time off; ${fmt(on1.endpoints)} endpoints remembered`
  );
  row(
    '9 last network',
    '100,000 events',
    'journal bytes per event with attribution on',
    fmt(on1.journalBytes / 100_000, 1),
    `${fmt(off1.journalBytes / 100_000, 1)} off`,
    `+${fmt(((on1.journalBytes - off1.journalBytes) / off1.journalBytes) * 100, 0)} %`
  );
}
if (want('gateway')) {
  section('gateway');
  const { benchGateway } = await import('./gateway.mjs');
  await benchGateway({ row, fmt });
}
section();
