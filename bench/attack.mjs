#!/usr/bin/env node
// Scrapes under attack: /metrics latency and the exporter's memory while unauthenticated senders loop a
// gzip bomb at POST /datastreamer (push on, push off, 4 and 24 senders) and while 60 wrong basic-auth
// passwords are sent again and again. The exporter runs as its own process (its dist/main.js); the
// simulator, the senders and the scraper run here. Figures only, never pass/fail.
//
// Usage (after `npm run build:node`):
//   node bench/attack.mjs [--seconds=8] [--baseline=<root of another checkout, built>]
// With --baseline, every scenario runs against that build too (the code before a change), in the same run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const { startSimulator } = require('../packages/simulator/dist/index.js');
const bcrypt = require('bcryptjs');

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  })
);
const SECONDS = Number(args.seconds ?? 8);
const builds = [['this build', ROOT], ...(args.baseline ? [['baseline', resolve(args.baseline)]] : [])];

const fmt = (n, d = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One HTTP request on a fresh connection: status and elapsed ms, or the error; `timeoutMs` aborts it. */
function send(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
  return new Promise((resolveSend) => {
    const started = performance.now();
    let done = false;
    const finish = (result) => {
      if (!done) {
        done = true;
        resolveSend({ ...result, ms: performance.now() - started });
      }
    };
    const req = request(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => finish({ status: res.statusCode }));
      res.on('error', () => finish({ status: res.statusCode }));
    });
    req.setTimeout(timeoutMs, () => {
      finish({ error: 'timeout' });
      req.destroy();
    });
    req.on('error', (err) => finish({ error: err.code ?? err.message }));
    req.end(body);
  });
}

/** The exporter of `root` as a process; resolves once it listens (port from its log line). */
async function startExporter(root, env) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-attack-'));
  const child = spawn(
    process.execPath,
    [
      join(root, 'exporter/dist/main.js'),
      '--state.file',
      join(dir, 'state.json'),
      '--web.listen-address',
      '127.0.0.1:0',
      '--poll.interval',
      '30s',
    ],
    { env: { PATH: process.env.PATH, EXPORTER_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let log = '';
  const port = await new Promise((resolvePort, reject) => {
    child.stderr.on('data', (c) => {
      log += c.toString();
      const m = /"msg":"listening".*?"port":(\d+)/.exec(log);
      if (m) {
        resolvePort(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`exporter exited (${code}): ${log}`)));
  });
  child.stderr.resume();
  const rssMb = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
    } catch {
      return NaN;
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    rssMb,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Scrapes every 100 ms and runs `senders` loops of `attack` for SECONDS; latency and memory figures. */
async function measure(exporter, scrapeHeaders, senders, attack) {
  let running = true;
  let attacks = 0;
  const attackStatuses = new Map();
  const loops = Array.from({ length: senders }, async () => {
    while (running) {
      const r = await attack();
      attacks++;
      const key = r.status ?? r.error;
      attackStatuses.set(key, (attackStatuses.get(key) ?? 0) + 1);
    }
  });
  let peakRss = exporter.rssMb();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, exporter.rssMb())), 50);
  const latencies = [];
  let timeouts = 0;
  const until = Date.now() + SECONDS * 1000;
  await sleep(senders > 0 ? 300 : 0);
  while (Date.now() < until) {
    const r = await send(`${exporter.url}/metrics`, { headers: scrapeHeaders });
    if (r.status === 200) {
      latencies.push(r.ms);
    } else {
      timeouts++;
    }
    await sleep(100);
  }
  running = false;
  await Promise.all(loops);
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    scrapes: latencies.length,
    failed: timeouts,
    p50: q(0.5),
    p95: q(0.95),
    max: latencies[latencies.length - 1] ?? NaN,
    rss: peakRss,
    attacks,
    statuses: [...attackStatuses].map(([k, v]) => `${k}×${v}`).join(' '),
  };
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0].model}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}; ` +
    `${SECONDS} s per scenario; load average ${fmt(loadavg()[0], 2)} at start`
);
console.log('build | scenario | scrapes | failed | p50 ms | p95 ms | max ms | peak RSS MB | attack requests (answers)');

const sim = await startSimulator({ port: 0, seed: 3, historyMs: 30 * 60_000, historyEvents: 2000, eventsPerSecond: 2 });
// 20 MiB of spaces (about 20 KB gzipped), and 20 MiB of a JSON array of events (which a parser reads whole).
const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20), { level: 9 });
const item = '{"id":1,"timestamp":"2026-03-01T08:00:00.000Z","event_type":{"id":1}},';
const jsonBomb = gzipSync(`[${item.repeat(Math.floor((20 * 1024 * 1024) / item.length))}{"id":2}]`, { level: 9 });
console.log(`gzip bombs: ${fmt(bomb.length)} and ${fmt(jsonBomb.length)} bytes, each inflating to 20 MiB`);
const webDir = mkdtempSync(join(tmpdir(), 'bench-attack-web-'));
const webConfig = join(webDir, 'web.yml');
writeFileSync(webConfig, `basic_auth_users:\n  prometheus: ${bcrypt.hashSync('scrape-pw', 10)}\n`);
const SCRAPE = { authorization: `Basic ${Buffer.from('prometheus:scrape-pw').toString('base64')}` };
const base = { EMNIFY_API_URL: sim.url, EMNIFY_APPLICATION_TOKEN: sim.applicationToken };
const bombAt =
  (body = bomb) =>
  (exporter) =>
  () =>
    send(`${exporter.url}/datastreamer`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(body.length),
      },
      body,
      timeoutMs: 30_000,
    });

const scenarios = [
  ['idle', { ...base, EXPORTER_DATASTREAMER_TOKEN: 'bench-push-token' }, {}, 0, null],
  ['gzip bomb ×4, push on, no token', { ...base, EXPORTER_DATASTREAMER_TOKEN: 'bench-push-token' }, {}, 4, bombAt()],
  ['gzip bomb ×4, push off', base, {}, 4, bombAt()],
  ['gzip bomb of JSON ×4, push off', base, {}, 4, bombAt(jsonBomb)],
  ['gzip bomb ×24, push on, no token', { ...base, EXPORTER_DATASTREAMER_TOKEN: 'bench-push-token' }, {}, 24, bombAt()],
  ['basic auth, idle', { ...base, EXPORTER_WEB_CONFIG_FILE: webConfig }, SCRAPE, 0, null],
  [
    'basic auth, 60 wrong passwords looping',
    { ...base, EXPORTER_WEB_CONFIG_FILE: webConfig },
    SCRAPE,
    60,
    (exporter) => {
      let n = 0;
      return () =>
        send(`${exporter.url}/metrics`, {
          headers: { authorization: `Basic ${Buffer.from(`prometheus:guess-${n++}`).toString('base64')}` },
          timeoutMs: 30_000,
        });
    },
  ],
];

for (const [name, env, scrapeHeaders, senders, attackOf] of scenarios) {
  for (const [build, root] of builds) {
    const exporter = await startExporter(root, env);
    // Let the first poll finish and the scrape credential be verified once (cached from then on).
    await sleep(1500);
    await send(`${exporter.url}/metrics`, { headers: scrapeHeaders });
    const r = await measure(exporter, scrapeHeaders, senders, attackOf ? attackOf(exporter) : async () => ({}));
    console.log(
      [
        build,
        name,
        r.scrapes,
        r.failed,
        fmt(r.p50, 1),
        fmt(r.p95, 1),
        fmt(r.max, 1),
        fmt(r.rss, 0),
        senders > 0 ? `${r.attacks} (${r.statuses})` : '',
      ].join(' | ')
    );
    await exporter.stop();
  }
}
await sim.close();
rmSync(webDir, { recursive: true, force: true });
