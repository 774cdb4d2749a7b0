/**
 * `npm run bench:scale`: what one emnify organisation costs and how many one Prometheus holds, for
 * README.md "Scaling" and BENCHMARKS.md section 9. Figures, never pass/fail.
 *
 *   npm run bench:scale [-- series exporter prometheus]   (default: all three)
 *   BENCH_RULES=<rules file> BENCH_ORGANISATIONS=50,200 npm run bench:scale -- prometheus   (compare rules)
 *
 * - series: the built exporter against the simulator's fleet (300 devices, 12 countries, 31 operators)
 *   with 30 days of events, once per --labels.drop setting: the series one target exposes.
 * - exporter: the built exporter with its default settings against live simulators at 1, 10, 100 and
 *   300 events/s, side by side: CPU, memory, API requests per poll, measured over 4 polls.
 * - prometheus: Debian's Prometheus with the shipped rules scraping M synthetic organisations: a small
 *   server answers /org-N/metrics with the exporter output captured by `series`, its counters growing
 *   by ~10 events/s per organisation. Time runs 30 times faster (scrapes and rule evaluations every
 *   second, rule windows divided by 30, test/support/timeCompression.ts), so each window holds as many
 *   samples as at the real 30 s interval and one wall-clock second does the work of 30 real seconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { startSimulator } from '@emnify-events/simulator';
import { RunningPrometheus, startPrometheus } from '../test/support/engines';
import { ExporterProcess, buildExporter, sumOf } from '../test/support/exporterProcess';
import { freePort } from '../test/support/freePort';
import { compressDurations } from '../test/support/timeCompression';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..');
const only = new Set(process.argv.slice(2));
const want = (name: string) => only.size === 0 || only.has(name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const row = (...cells: Array<string | number>) => console.log(cells.join(' | '));
const dir = mkdtempSync(join(tmpdir(), 'emnify-bench-scale-'));
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const DAY_S = 86_400;
const median = (xs: number[] = []) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
/** The exporter's default poll interval and overlap (exporter/README.md), in seconds. */
const POLL_INTERVAL_S = 30;

/** Child processes still running if the benchmark dies: killed on exit, never left behind. */
const children = new Set<number>();
process.on('exit', () => {
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
async function started<T extends { pid?: number }>(what: T, start?: () => Promise<void>): Promise<T> {
  await start?.();
  if (what.pid !== undefined) {
    children.add(what.pid);
  }
  return what;
}

/** CPU seconds a process has used (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident and peak resident memory of a process, in MiB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Samples of a text exposition by metric family: what one scrape of that target adds to Prometheus. */
function seriesByFamily(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
    const family = name.startsWith('emnify_exporter_')
      ? 'emnify_exporter_* (its own health)'
      : name.startsWith('emnify_')
        ? name
        : 'process_*, nodejs_* (prom-client defaults)';
    out[family] = (out[family] ?? 0) + 1;
  }
  return out;
}

let current: { name: string; started: number; load: string } | undefined;
function section(name?: string): void {
  if (current) {
    console.log(
      `# ${current.name}: ${fmt((Date.now() - current.started) / 1000, 1)} s (load average ${current.load} at start)`
    );
  }
  current = name ? { name, started: Date.now(), load: fmt(loadavg()[0], 2) } : undefined;
}

/** The default exporter's /metrics after it counted 30 days of a fleet's events (the `prometheus` template). */
let captured = '';

async function seriesSection(): Promise<void> {
  section('series');
  const history = 100_000;
  const sim = await startSimulator({
    port: 0,
    seed: 1,
    historyMs: 30 * DAY_S * 1000 - 3_600_000,
    historyEvents: history,
    eventsPerSecond: 0,
  });
  const drops = ['', 'operator', 'country', 'operator,country'];
  const exporters = await Promise.all(
    drops.map(
      async (drop, i) =>
        new ExporterProcess({
          apiUrl: sim.url,
          applicationToken: sim.applicationToken,
          stateFile: join(dir, `series-${i}.json`),
          port: await freePort(),
          flags: ['--backfill', '30d', '--poll.interval', '5s', ...(drop ? ['--labels.drop', drop] : [])],
        })
    )
  );
  await Promise.all(exporters.map((e) => started(e, () => e.start())));
  for (let i = 0; ; i++) {
    const texts = await Promise.all(exporters.map((e) => e.metrics()));
    if (texts.every((t) => sumOf(t, 'emnify_events_total') === history)) {
      break;
    }
    if (i > 600) {
      throw new Error('the exporters did not count the history in 5 minutes');
    }
    await sleep(500);
  }
  const operators = new Set<string>();
  const countries = new Set<string>();
  for (const r of sim.truth().byLabels) {
    if (r.operator) {
      operators.add(r.operator);
      countries.add(r.countryIso);
    }
  }
  console.log(
    `fleet: 300 devices, ${history.toLocaleString('en-US')} events over 30 days, ${operators.size} operators in ${countries.size} countries`
  );
  row('labels.drop', 'metric family', 'series');
  for (const [i, drop] of drops.entries()) {
    const text = await exporters[i].metrics();
    if (drop === '') {
      captured = text;
    }
    const families = seriesByFamily(text);
    for (const [family, n] of Object.entries(families)) {
      row(drop || '(none)', family, n);
    }
    const total = Object.values(families).reduce((a, b) => a + b, 0);
    row(drop || '(none)', 'one target in total (+5 Prometheus adds: up, scrape_*)', total + 5);
  }
  await Promise.all(exporters.map((e) => e.stop()));
  await sim.close();
}

async function exporterSection(): Promise<void> {
  section('exporter');
  const rates = [1, 10, 100, 300];
  const runs = await Promise.all(
    rates.map(async (rate, i) => {
      // Ten minutes of history at the live rate: the first polls already read full 5-minute overlaps.
      const sim = await startSimulator({
        port: 0,
        seed: 40 + i,
        historyMs: 600_000,
        historyEvents: rate * 600,
        eventsPerSecond: rate,
      });
      const exporter = new ExporterProcess({
        apiUrl: sim.url,
        applicationToken: sim.applicationToken,
        stateFile: join(dir, `steady-${rate}.json`),
        port: await freePort(),
        // Defaults otherwise: --poll.interval 30s, --poll.overlap 5m, --poll.settle 10s, pages of 1,000.
        flags: ['--backfill', '10m'],
      });
      await started(exporter, () => exporter.start());
      return { rate, sim, exporter };
    })
  );
  const counters = async (e: ExporterProcess) => {
    const text = await e.metrics();
    return {
      polls: sumOf(text, 'emnify_exporter_polls_total'),
      requests: sumOf(text, 'emnify_exporter_api_requests_total'),
      events: sumOf(text, 'emnify_events_total'),
      ids: sumOf(text, 'emnify_exporter_remembered_event_ids'),
      cpu: cpuSeconds(e.pid!),
      at: Date.now(),
    };
  };
  // Two polls to warm up (the catch-up of the history, then one steady poll), then four measured.
  const start = await Promise.all(
    runs.map(async (r) => {
      for (;;) {
        const c = await counters(r.exporter);
        if (c.polls >= 2) {
          return c;
        }
        await sleep(250);
      }
    })
  );
  const end = await Promise.all(
    runs.map(async (r, i) => {
      for (;;) {
        const c = await counters(r.exporter);
        if (c.polls >= start[i].polls + 4) {
          return c;
        }
        await sleep(250);
      }
    })
  );
  row(
    'events/s',
    'requests/poll (the overlap re-read of the first release; floor)',
    'API requests/month (share of 10,000,000)',
    'organisations per egress IP (2,000 requests per 5 min)',
    'CPU s per s',
    'CPU s per s per 1,000 events/s',
    'remembered ids',
    'RSS MiB (peak)'
  );
  const measured: Array<{ rate: number; cpu: number; rss: number }> = [];
  for (const [i, r] of runs.entries()) {
    const polls = end[i].polls - start[i].polls;
    const perPoll = (end[i].requests - start[i].requests) / polls;
    // One window reads the overlap plus the interval: (300 + 30) s of events, 1,000 per page.
    const formula = Math.ceil((r.rate * (300 + POLL_INTERVAL_S)) / 1000);
    // The floor (issue #15): the pages of one interval's new events.
    const floor = Math.ceil((r.rate * POLL_INTERVAL_S) / 1000);
    const cpu = (end[i].cpu - start[i].cpu) / ((end[i].at - start[i].at) / 1000);
    const mem = memory(r.exporter.pid!);
    const perMonth = (perPoll * 30 * DAY_S) / POLL_INTERVAL_S;
    measured.push({ rate: r.rate, cpu, rss: mem.rss });
    row(
      r.rate,
      `${fmt(perPoll, 2)} (${formula}; ${floor})`,
      `${fmt(perMonth)} (${fmt((perMonth / 10_000_000) * 100, 1)} %)`,
      fmt(2000 / ((perPoll * 300) / POLL_INTERVAL_S)),
      fmt(cpu, 4),
      fmt((cpu / r.rate) * 1000, 2),
      fmt(end[i].ids),
      `${fmt(mem.rss)} (${fmt(mem.peak)})`
    );
  }
  // Cost grows with the rate (each event read, counted and remembered for the overlap): the
  // slope between the second and the last rate, per 1,000 events/s, on top of what an idle exporter uses.
  const [low, high] = [measured[1], measured[measured.length - 1]];
  const slope = (f: (x: (typeof measured)[number]) => number) => ((f(high) - f(low)) / (high.rate - low.rate)) * 1000;
  console.log(
    `per 1,000 events/s (slope ${low.rate} → ${high.rate} events/s): ${fmt(
      slope((x) => x.cpu),
      3
    )} CPU s/s and ` +
      `${fmt(slope((x) => x.rss))} MiB RSS, on top of an exporter at ${measured[0].rate} event/s: ` +
      `${fmt(measured[0].cpu, 4)} CPU s/s, ${fmt(measured[0].rss)} MiB`
  );
  await Promise.all(runs.map((r) => r.exporter.stop()));
  await Promise.all(runs.map((r) => r.sim.close()));
}

/**
 * M synthetic organisations on one port, each at /org-N/metrics: the captured exporter output, its
 * emnify_events_total counters growing at each scrape by about `eventsPerScrape` events in the
 * captured proportions (and the volume counters along), its timestamps current.
 */
function syntheticTargets(template: string, organisations: number, eventsPerScrape: number): Promise<Server> {
  const lines = template.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const parsed = lines.map((l) => {
    const at = l.lastIndexOf(' ');
    return { head: l.slice(0, at), value: Number(l.slice(at + 1)), name: /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0] };
  });
  const eventTotal = parsed.filter((p) => p.name === 'emnify_events_total').reduce((a, p) => a + p.value, 0);
  const share = parsed.map((p) => (p.name === 'emnify_events_total' ? p.value / eventTotal : 0));
  const values = Array.from({ length: organisations }, () => parsed.map((p) => p.value));
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const server = createServer((req, res) => {
    const m = /^\/org-(\d+)\/metrics$/.exec(req.url ?? '');
    const own = m ? values[Number(m[1])] : undefined;
    if (!own) {
      res.writeHead(404).end();
      return;
    }
    const now = Date.now() / 1000;
    const body = parsed
      .map((p, i) => {
        if (share[i] > 0) {
          own[i] += Math.floor(share[i] * eventsPerScrape + random());
        } else if (p.name === 'emnify_data_volume_bytes_total') {
          own[i] += Math.floor(random() * 2_000_000);
        } else if (p.name.endsWith('_timestamp_seconds')) {
          own[i] = now;
        }
        return `${p.head} ${own[i]}`;
      })
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body + '\n');
  });
  return new Promise((resolveServer) => server.listen(0, '127.0.0.1', () => resolveServer(server)));
}

/** One gauge or counter of Prometheus' own /metrics, summed over its series. */
async function own(prom: RunningPrometheus, metric: string): Promise<number> {
  return sumOf(await (await fetch(`${prom.url}/metrics`)).text(), metric);
}

interface ShippedRule {
  record?: string;
  alert?: string;
  expr: string;
}

async function prometheusSection(): Promise<void> {
  section('prometheus');
  if (!captured) {
    throw new Error('the prometheus section needs the series section (it captures the exporter output)');
  }
  const k = 30;
  // BENCH_RULES: another rules file to compare (default: the shipped one).
  const rulesFile = process.env.BENCH_RULES ?? join(ROOT, 'provisioning/prometheus/rules/emnify-events.yml');
  const original = readFileSync(rulesFile, 'utf8');
  const rulesText = compressDurations(original, k);
  const groups = (parse(rulesText) as { groups: Array<{ name: string; rules: ShippedRule[] }> }).groups;
  /** Each group's evaluation interval at real time, in seconds (default: the global 30 s). */
  const intervalOf = new Map(
    (parse(original) as { groups: Array<{ name: string; interval?: string }> }).groups.map((g) => [
      g.name,
      g.interval ? Number(/^(\d+)m$/.exec(g.interval)![1]) * 60 : POLL_INTERVAL_S,
    ])
  );
  const seriesPerTarget = Object.values(seriesByFamily(captured)).reduce((a, b) => a + b, 0) + 5;
  console.log(
    `per organisation: one exporter of ${seriesPerTarget} series (no --labels.drop), ~10 events/s; scrapes every ` +
      `second and the rules' windows divided by ${k} (as many samples per window as at 30 s), rules every 10 s; ` +
      `rule costs timed alone afterwards, each rule as one query; rules: ${rulesFile}`
  );
  row(
    'organisations',
    'head series',
    'samples/s (at 30 s scrapes)',
    'RSS MiB',
    'CPU s/s ingesting (at 30 s scrapes)',
    `CPU ms per evaluation, alone: ${groups.map((g) => g.name.replace('emnify-events-', '')).join(' / ')}`,
    'wall ms per evaluation, live (same order)',
    'query CPU ms: Critical events, all orgs / one org',
    'avg_over_time ns per sample'
  );
  interface Step {
    m: number;
    series: number;
    rss: number;
    ingestCpu: number;
    alone: Record<string, number>;
    recorded: number;
    nsPerSample: number;
  }
  const steps: Step[] = [];
  // BENCH_ORGANISATIONS: the steps, e.g. 50,200 (default 50,100,200,400).
  const counts = (process.env.BENCH_ORGANISATIONS ?? '50,100,200,400').split(',').map(Number);
  for (const m of counts) {
    const targets = await syntheticTargets(captured, m, 10 * POLL_INTERVAL_S);
    const port = (targets.address() as AddressInfo).port;
    const stepDir = join(dir, `prometheus-${m}`);
    mkdirSync(join(stepDir, 'rules'), { recursive: true });
    writeFileSync(join(stepDir, 'rules', 'emnify-events.yml'), rulesText);
    const targetsFile = join(stepDir, 'targets.json');
    writeFileSync(
      targetsFile,
      JSON.stringify(
        Array.from({ length: m }, (_, i) => ({
          targets: [`127.0.0.1:${port}`],
          labels: {
            organisation: `org-${i}`,
            instance: `exporter-org-${i}:8486`,
            __metrics_path__: `/org-${i}/metrics`,
          },
        }))
      )
    );
    const configFile = join(stepDir, 'prometheus.yml');
    const config = (withRules: boolean) =>
      writeFileSync(
        configFile,
        [
          'global: { scrape_interval: 1s, evaluation_interval: 10s }',
          withRules ? `rule_files: ['${join(stepDir, 'rules', '*.yml')}']` : '',
          'scrape_configs:',
          '  - job_name: emnify-events-exporter',
          `    file_sd_configs: [{ files: ['${targetsFile}'] }]`,
          '',
        ].join('\n')
      );
    // First without rules: what ingesting costs, 20 s measured after 15 s.
    config(false);
    const prom = await started(
      await startPrometheus(configFile, stepDir, ['--query.lookback-delta=20s', '--web.enable-lifecycle'])
    );
    const sample = async () => ({
      cpu: cpuSeconds(prom.pid),
      samples: await own(prom, 'prometheus_tsdb_head_samples_appended_total'),
      at: Date.now(),
    });
    await sleep(15_000);
    const before = await sample();
    await sleep(20_000);
    const after = await sample();
    const seconds = (after.at - before.at) / 1000;
    // Then the rules: the 15-minute windows (30 s here) are full; they run a few times, 20 s watched.
    config(true);
    await fetch(`${prom.url}/-/reload`, { method: 'POST' });
    await sleep(25_000);
    const live: Record<string, number[]> = {};
    for (let i = 0; i < 10; i++) {
      const text = await (await fetch(`${prom.url}/metrics`)).text();
      for (const line of text.split('\n')) {
        const g = /^prometheus_rule_group_last_duration_seconds\{rule_group="[^"]*;([^"]+)"\} (\S+)/.exec(line);
        if (g) {
          (live[g[1]] ??= []).push(Number(g[2]) * 1000);
        }
      }
      await sleep(2000);
    }
    const series = await own(prom, 'prometheus_tsdb_head_series');
    const rss = memory(prom.pid).rss;
    const at = Math.floor(Date.now() / 1000) - 2;
    // Scraping and rule evaluation stop (the data stays): each rule is then timed alone, as one query at
    // `at`, by the CPU time Prometheus spends on it (wall-clock time would count other work on the machine).
    writeFileSync(targetsFile, '[]');
    config(false);
    await fetch(`${prom.url}/-/reload`, { method: 'POST' });
    await sleep(3000);
    const timed = async (expr: string) => {
      const repeat = 5;
      const cpu = cpuSeconds(prom.pid);
      for (let i = 0; i < repeat; i++) {
        await prom.query(`count((${expr}))`, at);
      }
      return ((cpuSeconds(prom.pid) - cpu) * 1000) / repeat;
    };
    const alone: Record<string, number> = {};
    for (const group of groups) {
      alone[group.name] = 0;
      for (const rule of group.rules) {
        alone[group.name] += await timed(rule.expr);
      }
    }
    const critical =
      'round(sum (max without (instance, replica) ((emnify_events_total{organisation=~"ORG", event_severity="CRITICAL"} unless emnify_events_total{organisation=~"ORG", event_severity="CRITICAL"} offset 30s) and on (job, instance) (up offset 30s == 1) or (emnify_events_total{organisation=~"ORG", event_severity="CRITICAL"} - emnify_events_total{organisation=~"ORG", event_severity="CRITICAL"} offset 30s >= 0) or increase(emnify_events_total{organisation=~"ORG", event_severity="CRITICAL"}[30s])))) or vector(0)';
    const queryAll = await timed(critical.replace(/ORG/g, '.*'));
    const queryOne = await timed(critical.replace(/ORG/g, 'org-1'));
    // What a day baseline costs per sample: avg_over_time over every event counter's last 30 samples.
    const value = async (expr: string) => Number((await prom.query(expr, at))[0]?.value[1] ?? 0);
    const counters = await value('count(emnify_events_total)');
    const nsPerSample = ((await timed('avg_over_time(emnify_events_total[30s])')) * 1e6) / (counters * 30);
    const recorded = await value(
      'count({__name__=~"organisation.*:(increase15m|ratio15m)"}) - count(organisation:emnify_events:increase15m)'
    );
    // Ingesting at 30 times the real rate.
    const ingestCpu = (after.cpu - before.cpu) / seconds / k;
    const names = groups.map((g) => g.name);
    row(
      m,
      fmt(series),
      fmt((after.samples - before.samples) / seconds / k),
      fmt(rss),
      fmt(ingestCpu, 4),
      names.map((g) => fmt(alone[g], 1)).join(' / '),
      names.map((g) => fmt(median(live[g]), 1)).join(' / '),
      `${fmt(queryAll, 1)} / ${fmt(queryOne, 1)}`,
      fmt(nsPerSample, 1)
    );
    steps.push({ m, series, rss, ingestCpu, alone, recorded, nsPerSample });
    await prom.stop();
    await new Promise((r) => targets.close(r));
  }

  // Per organisation: the slope between the smallest and the largest step; then the real-time figures.
  const [a, b] = [steps[0], steps[steps.length - 1]];
  const per = (f: (s: Step) => number) => (f(b) - f(a)) / (b.m - a.m);
  const seriesPerOrg = per((s) => s.series);
  const rssPerOrg = per((s) => s.rss);
  const ingestPerOrg = per((s) => s.ingestCpu);
  const recordedPerOrg = b.recorded / b.m;
  const nsPerSample = median(steps.map((s) => s.nsPerSample));
  // Fresh data holds minutes, not the day the baselines read: a day of them is estimated from the cost
  // per sample, avg_over_time over 2,880 samples (a day of 30 s evaluations) of each recorded series.
  const baselineMs = (recordedPerOrg * 2880 * nsPerSample) / 1e6;
  const perGroup = groups.map((g) => {
    // Rules have no fixed part: their cost at the largest step, per organisation (it grows a little with
    // the number of organisations: the table shows each step's).
    const measured = (b.alone[g.name] ?? 0) / b.m;
    const ms = g.rules.some((r) => r.record?.endsWith('_avg1d')) ? measured + baselineMs : measured;
    return { name: g.name, ms, interval: intervalOf.get(g.name)! };
  });
  const rulesCpuPerOrg = perGroup.reduce((x, g) => x + g.ms / 1000 / g.interval, 0);
  console.log(
    `per organisation (series, memory and ingesting: slope ${a.m} → ${b.m} organisations; rules: at ${b.m}): ${fmt(seriesPerOrg)} head series ` +
      `(${fmt(seriesPerOrg - seriesPerTarget)} of them recorded by the rules), ${fmt(seriesPerOrg / POLL_INTERVAL_S, 1)} samples/s at 30 s, ` +
      `${fmt(rssPerOrg, 2)} MiB RSS, ingesting ${fmt(ingestPerOrg * 1000, 3)} ms CPU per second; a day of baselines ` +
      `${fmt(baselineMs, 2)} ms per evaluation (${fmt(recordedPerOrg)} recorded series × 2,880 samples × ${fmt(nsPerSample, 1)} ns); ` +
      `rules per evaluation: ${perGroup.map((g) => `${g.name} ${fmt(g.ms, 2)} ms every ${g.interval} s`).join(', ')}; ` +
      `rules ${fmt(rulesCpuPerOrg * 1000, 3)} ms CPU per second`
  );
  const cores = cpus().length;
  const memoryGiB = totalmem() / 2 ** 30;
  const slowest = perGroup.reduce((x, g) => (g.ms / g.interval > x.ms / x.interval ? g : x));
  const limits: Array<[string, number]> = [
    [
      `group ${slowest.name} takes half of its ${slowest.interval} s interval (a group evaluates its rules one after another)`,
      (slowest.interval * 1000) / 2 / slowest.ms,
    ],
    [`half of the ${cores} cores busy (ingesting and evaluating rules)`, cores / 2 / (ingestPerOrg + rulesCpuPerOrg)],
    [`half of the ${fmt(memoryGiB, 1)} GiB used`, (memoryGiB * 1024) / 2 / rssPerOrg],
  ];
  for (const [what, m] of limits) {
    console.log(`capacity: ${fmt(m)} organisations until ${what}`);
  }
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0].model}, ${fmt(totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${new Date().toISOString()}`
  );
  buildExporter();
  try {
    if (want('series') || want('prometheus')) {
      await seriesSection();
    }
    if (want('exporter')) {
      await exporterSection();
    }
    if (want('prometheus')) {
      await prometheusSection();
    }
    section();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
