// The events gateway under load (issue #13): N simulated viewers (1, 10, 50) of the event explorer
// dashboard, each refreshing "last 6 hours" every 30 s for 10 simulated minutes, in direct mode (each
// viewer its own client straight to emnify, with the data source's own 30 s cache) and in gateway mode
// (each viewer's client → the exporter's gateway), against the simulator with emnify's rate limits and
// 100 ms of latency, the exporter's poller polling every 30 s in both modes. Figures, not pass/fail.
//
// Time can be compressed SPEEDUP times (env BENCH_GATEWAY_SPEEDUP, default 1: not compressed): one
// clock drives the simulator (event arrivals, rate limits), the exporter (poller windows, cache ages)
// and every client (pacing, retry backoff); every sleep and the simulated latency are divided by
// SPEEDUP. Request counts and 429s stay exact under compression; latencies do not, because CPU work is
// not compressed: one process plays every browser (parsing 1 MB pages), and at 2× it used about 73 %
// of a core, queueing answers behind each other. The table in BENCHMARKS.md is measured at 1×, 10 minutes per
// run. Env BENCH_GATEWAY_MINUTES, BENCH_GATEWAY_VIEWERS (e.g. 50) and BENCH_GATEWAY_MODES (e.g.
// "gateway;gateway, unpaced") narrow a run for a quicker look.
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, bundleForNode } from './bundle.mjs';

const require = createRequire(import.meta.url);
const client = require('../packages/client/dist/index.js');
const { startSimulator } = require('../packages/simulator/dist/index.js');
const { loadConfig } = require('../exporter/dist/config.js');
const { createExporter } = require('../exporter/dist/exporter.js');
const { silentLogger } = require('../exporter/dist/logger.js');

const HOUR = 3_600_000;
const SPEEDUP = Number(process.env.BENCH_GATEWAY_SPEEDUP ?? 1);
const REFRESH_MS = 30_000;
/** 10 simulated minutes (env BENCH_GATEWAY_MINUTES for a quicker look). */
const RUN_MS = Number(process.env.BENCH_GATEWAY_MINUTES ?? 10) * 60_000;
const LATENCY_MS = 100;
/** Live events per second (and the history's density): a fleet whose 6 hours hold about 4,300 events. */
const RATE = 0.2;
const TOKEN = 'bench-gateway-token-0123456789';

/** The explorer's panel queries (the plugin's own toEventQuery) and the data source's SharedRequests, bundled from TypeScript. */
async function pluginParts() {
  const { outfile, dir } = await bundleForNode('gateway', [
    "export { panelQueries } from './exporter/test/panelQueries';",
    "export { SharedRequests } from './src/api/sharedRequests';",
    "export { DEFAULT_MAX_PAGES } from './src/types';",
  ]);
  const parts = require(outfile);
  rmSync(dir, { recursive: true, force: true });
  const explorer = JSON.parse(readFileSync(join(ROOT, 'dashboards/emnify-event-explorer.json'), 'utf8'));
  return { ...parts, explorerPanelQueries: (range) => parts.panelQueries(explorer, range) };
}

const quantile = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN;

/** One run: `viewers` viewers in `mode`, 10 simulated minutes. */
async function run(parts, mode, viewers) {
  const wall0 = Date.now();
  const start = Date.UTC(2026, 2, 2, 12, 0, 0);
  const now = () => start + (Date.now() - wall0) * SPEEDUP;
  const sleep = (ms, signal) => client.sleep(ms / SPEEDUP, signal);
  const sim = await startSimulator({
    port: 0,
    seed: 31,
    historyMs: 7 * HOUR,
    historyEvents: Math.round(7 * 3600 * RATE),
    eventsPerSecond: RATE,
    rateLimits: true,
    faults: { latencyMs: LATENCY_MS / SPEEDUP },
    now,
  });
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-state-'));
  const exporter = createExporter(
    loadConfig(
      [
        '--emnify.url',
        sim.url,
        '--state.file',
        join(dir, 's.json'),
        '--web.listen-address',
        '127.0.0.1:0',
        '--backfill',
        '10m',
      ],
      {
        EMNIFY_APPLICATION_TOKEN: sim.applicationToken,
        ...(mode === 'direct' ? {} : { EXPORTER_GATEWAY_TOKEN: TOKEN }),
      }
    ),
    { logger: silentLogger, now, client: { sleep } }
  );
  const server = exporter.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const gatewayUrl = `http://127.0.0.1:${server.address().port}`;

  const stats = { latencies: [], answers: [], panelErrors: 0, seen429: 0, refreshes: 0, skipped: 0 };
  /** The viewers' transport, timing every HTTP answer (pacing and retries not included). */
  const timed = (baseUrl) => {
    const transport = client.fetchTransport({ baseUrl });
    return async (request) => {
      const began = now();
      const response = await transport(request);
      stats.answers.push(now() - began);
      return response;
    };
  };
  const observer = {
    onRequest: ({ status }) => {
      if (status === 429) {
        stats.seen429++;
      }
    },
  };
  const viewerClients = Array.from({ length: viewers }, () => ({
    client: new client.EmnifyClient({
      transport: timed(mode === 'direct' ? sim.url : gatewayUrl),
      ...(mode === 'direct' ? { applicationToken: sim.applicationToken } : { bearerToken: TOKEN }),
      // The data source paces itself like any client (10 requests/s, burst 4); behind the gateway that
      // pacing only delays cached answers, so the last mode shows the plugin without it.
      ...(mode === 'gateway, unpaced' ? { rateLimiter: null } : {}),
      observer,
      now,
      sleep,
    }),
    // The data source's caches: event lists for 30 s, the type lookup for an hour (src/datasource.ts).
    lists: new parts.SharedRequests(30_000, now),
    types: new parts.SharedRequests(3_600_000, now),
    busy: false,
  }));

  /** One dashboard refresh of one viewer, as DataSource.run does it: the type lookup, then every panel at once. */
  const refresh = async (viewer) => {
    if (viewer.busy) {
      stats.skipped++;
      return;
    }
    viewer.busy = true;
    stats.refreshes++;
    const began = now();
    const range = { from: began - 6 * HOUR, to: began };
    try {
      await viewer.types.get('types', (s) => viewer.client.getEventTypes(s)).catch(() => []);
      await Promise.all(
        parts.explorerPanelQueries(range).map(async (query) => {
          try {
            await viewer.lists.get(JSON.stringify(query), (s) =>
              viewer.client.listEvents(query, { maxPages: parts.DEFAULT_MAX_PAGES, signal: s })
            );
            stats.latencies.push(now() - began);
          } catch {
            stats.panelErrors++;
          }
        })
      );
    } finally {
      viewer.busy = false;
    }
  };

  const cpu = process.cpuUsage();
  const timers = [];
  const pending = [];
  // The poller, every 30 simulated seconds (its own timer is real time, so it is driven from here).
  const poll = () => pending.push(exporter.poller.pollOnce());
  for (let t = 0; t < RUN_MS; t += REFRESH_MS) {
    timers.push(setTimeout(poll, t / SPEEDUP));
  }
  // Viewers open the dashboard spread over the first 30 s, then refresh every 30 s.
  viewerClients.forEach((viewer, i) => {
    for (let t = (i / viewers) * REFRESH_MS; t < RUN_MS; t += REFRESH_MS) {
      timers.push(setTimeout(() => pending.push(refresh(viewer)), t / SPEEDUP));
    }
  });
  await new Promise((resolve) => setTimeout(resolve, RUN_MS / SPEEDUP));
  await Promise.all(pending);
  const used = process.cpuUsage(cpu);
  const wallMs = Date.now() - wall0;

  const log = sim.requestLog();
  const upstream = log.filter((r) => r.path !== '/api/v1/authenticate');
  const text = await exporter.metrics.registry.metrics();
  const sample = (name) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  const gatewayUpstream = sample('emnify_exporter_gateway_upstream_requests_total');
  const exporterRequests = sample('emnify_exporter_api_requests_total');
  const pollerRequests = exporterRequests - gatewayUpstream;
  const latencies = stats.latencies.sort((a, b) => a - b);
  const answers = stats.answers.sort((a, b) => a - b);
  timers.forEach(clearTimeout);
  server.close();
  server.closeAllConnections();
  await exporter.stop();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    upstream: upstream.length,
    upstream429: upstream.filter((r) => r.status === 429).length,
    panelUpstream: upstream.length - pollerRequests,
    pollerRequests,
    seen429: stats.seen429,
    panelErrors: stats.panelErrors,
    panels: latencies.length,
    refreshes: stats.refreshes,
    skipped: stats.skipped,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    answerP50: quantile(answers, 0.5),
    answerP95: quantile(answers, 0.95),
    cpuShare: (used.user + used.system) / 1000 / wallMs,
    pollOk: sample('emnify_exporter_polls_total{result="success"}'),
  };
}

/** The section: one row per mode and number of viewers. */
export async function benchGateway({ row, fmt }, only = process.env.BENCH_GATEWAY_VIEWERS) {
  const parts = await pluginParts();
  console.log(
    `# gateway: time compressed ${SPEEDUP}×; ${RATE} events/s, ${LATENCY_MS} ms latency, emnify's rate limits; ${RUN_MS / 60_000} simulated minutes per run`
  );
  for (const viewers of only ? only.split(',').map(Number) : [1, 10, 50]) {
    const modes = process.env.BENCH_GATEWAY_MODES?.split(';') ?? [
      'direct',
      'gateway',
      ...(viewers === 50 ? ['gateway, unpaced'] : []),
    ];
    for (const mode of modes) {
      const r = await run(parts, mode, viewers);
      row(
        '8 gateway load',
        `${viewers} viewer(s), ${mode}`,
        'upstream requests: all (panels; poller); 429s upstream; 429s seen by panels; panel errors; panel latency p50 / p95; HTTP answer p50 / p95 (simulated ms); refreshes (skipped: still running)',
        `${fmt(r.upstream)} (${fmt(r.panelUpstream)}; ${fmt(r.pollerRequests)}); ${fmt(r.upstream429)}; ${fmt(r.seen429)}; ${fmt(r.panelErrors)}; ${fmt(r.p50)} / ${fmt(r.p95)}; ${fmt(r.answerP50)} / ${fmt(r.answerP95)}; ${fmt(r.refreshes)} (${fmt(r.skipped)})`,
        `${fmt(r.panels)} panel answers`,
        `CPU ${fmt(r.cpuShare * 100)} % of one core; polls ok ${fmt(r.pollOk)}`
      );
    }
  }
}
