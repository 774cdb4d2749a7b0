/**
 * Scale out, proven on the real engines: three emnify organisations (one simulator each, with its own
 * token, seed, id and name; API faults on in one of them), each counted by an HA pair of the built
 * exporter (six processes, each with its own state) that two Prometheus replicas (distinct `replica`
 * external labels) discover through file_sd with an `organisation` label, evaluating the shipped rules
 * and writing to VictoriaMetrics, the long-term store, which keeps one copy (the shipped
 * provisioning/scale-out/ configuration, pointed at loopback). A second VictoriaMetrics keeps the
 * replica label, as a store without deduplication (or Thanos without --query.replica-label) would.
 * Mid-run one exporter is SIGKILLed and started again on its state.
 *
 * Over the run [T0, T1] (no new events at either end, every exporter caught up):
 * - increase() of every organisation and event type from the long-term store equals that simulator's
 *   ground truth: not double, not less;
 * - every overview query returns per organisation the values of the single-exporter case (the same
 *   query over one exporter of the pair), in every engine; counts exactly, and equal to the truth;
 * - every rule expression evaluates on every engine, the counting record equal to the truth;
 * - one exporter down is one alert in Alertmanager (not one per replica), and the organisation stays monitored.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  EVENT_SEVERITY_NAMES,
  EVENT_SOURCE_NAMES,
  EventSeverity,
  EventSource,
  EventTypeNames,
} from '@emnify-events/client';
import {
  EVENT_TYPE_CATALOGUE,
  GroundTruth,
  RunningSimulator,
  SimulatorOptions,
  mulberry32,
  startSimulator,
} from '@emnify-events/simulator';
import { parse, stringify } from 'yaml';
import { have, requireEnginesInCi } from './support/binaries';
import { dashboard, interpolate } from './support/dashboards';
import {
  RunningAlertmanager,
  RunningPrometheus,
  Sample,
  startAlertmanager,
  startPrometheus,
  startVictoriaMetrics,
} from './support/engines';
import { ExporterProcess, buildExporter, exporterEnvironment, sumOf } from './support/exporterProcess';
import { freePort } from './support/freePort';
import { RecordingRule, byLabels, expandRecords, labelKey, restrictToInstance } from './support/promql';
import { compressDurations } from './support/timeCompression';

requireEnginesInCi();

const ROOT = resolve(__dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The shipped file_sd targets: one group per organisation, an HA pair each. */
const shippedTargets = JSON.parse(read('provisioning/scale-out/targets/emnify-exporters.json')) as Array<{
  targets: string[];
  labels: { organisation: string };
}>;

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
}
const rules = (
  parse(read('provisioning/prometheus/rules/emnify-events.yml')) as { groups: Array<{ rules: Rule[] }> }
).groups.flatMap((g) => g.rules);
const records = rules.filter((r): r is RecordingRule => r.record !== undefined);
/** Day baselines need a day of history: on a fresh stack they are empty in every engine, so they stay references. */
const isBaseline = (record: string) => record.endsWith('_avg1d');

const overview = dashboard('emnify-events-overview');
const overviewTargets = overview.panels.flatMap((panel) =>
  (panel.targets ?? []).map((t) => ({ panel: panel.title, refId: t.refId, expr: t.expr ?? '' }))
);
/** Counts over the dashboard range (stats, tables), rates over time, or the exporters' own health. */
const kindOf = (expr: string) =>
  /emnify_exporter_/.test(expr) ? 'exporter' : expr.includes('$__range') ? 'count' : 'rate';

describe('docker-compose.scale.yml and provisioning/scale-out', () => {
  const compose = parse(read('docker-compose.scale.yml'), { merge: true }) as {
    services: Record<
      string,
      {
        environment?: Record<string, string>;
        secrets?: Array<{ source: string; target: string }>;
        volumes?: string[];
        image?: string;
      }
    >;
    secrets: Record<string, { file: string }>;
  };
  const main = parse(read('docker-compose.yml')) as { services: Record<string, { image?: string }> };
  const services = compose.services;
  let exporterEnv: string[] = [];
  beforeAll(() => {
    buildExporter();
    exporterEnv = exporterEnvironment();
    expect(exporterEnv).toContain('EMNIFY_APPLICATION_TOKEN_FILE');
  }, 120_000);
  const defaultOf = (value: string) => /^\$\{\w+:-(.*)\}$/.exec(value)?.[1] ?? value;

  (have('docker-compose') ? it : it.skip)('is valid for docker-compose, with and without the demo profile', () => {
    for (const args of [
      ['-f', 'docker-compose.scale.yml', 'config', '-q'],
      ['-f', 'docker-compose.scale.yml', '--profile', 'demo', 'config', '-q'],
    ]) {
      const r = spawnSync('docker-compose', args, { cwd: ROOT, encoding: 'utf8' });
      expect({ args, status: r.status, err: r.status === 0 ? '' : r.stderr }).toEqual({ args, status: 0, err: '' });
    }
  });

  it("uses the main stack's images", () => {
    const image = (name: string) => main.services[name].image;
    for (const [name, service] of Object.entries(services)) {
      const kind = name.replace(/-.*$/, '').replace('victoria', 'victoria-metrics');
      if (['exporter', 'simulator', 'prometheus', 'alertmanager', 'grafana'].includes(kind)) {
        expect({ name, image: service.image }).toEqual({ name, image: image(kind) });
      }
    }
  });

  it('discovers every exporter of the compose file through file_sd, an HA pair per organisation', () => {
    const exporters = Object.keys(services).filter((s) => s.startsWith('exporter-'));
    expect(shippedTargets.flatMap((g) => g.targets).sort()).toEqual(exporters.map((s) => `${s}:8486`).sort());
    for (const group of shippedTargets) {
      expect(group.targets).toHaveLength(2);
      for (const target of group.targets) {
        // Both exporters of a pair read the same organisation: the same token, and the same simulator for the demo.
        expect(target).toMatch(new RegExp(`^exporter-${group.labels.organisation}-[ab]:8486$`));
        const service = services[target.replace(/:8486$/, '')];
        expect(service.secrets).toEqual([
          { source: `emnify_token_${group.labels.organisation}`, target: 'emnify_application_token' },
        ]);
        expect(defaultOf(service.environment!.EMNIFY_API_URL)).toBe(
          `http://simulator-${group.labels.organisation}:8485`
        );
        for (const name of Object.keys(service.environment!)) {
          expect(exporterEnv).toContain(name);
        }
      }
    }
    expect(new Set(shippedTargets.map((g) => g.labels.organisation)).size).toBe(shippedTargets.length);
    // Each exporter keeps its own state.
    const stateVolumes = exporters.map((s) => services[s].volumes![0].split(':')[0]);
    expect(new Set(stateVolumes).size).toBe(exporters.length);
  });

  it("gives each simulated organisation its own token, seed, id and name, and each pair its organisation's token", () => {
    const simulators = Object.entries(services).filter(([name]) => name.startsWith('simulator-'));
    expect(simulators.map(([name]) => name.replace('simulator-', '')).sort()).toEqual(
      shippedTargets.map((g) => g.labels.organisation).sort()
    );
    const simulatorSource = read('packages/simulator/src/config.ts');
    const seen = { token: new Set<string>(), seed: new Set<string>(), id: new Set<string>() };
    for (const [name, service] of simulators) {
      const env = service.environment!;
      for (const variable of Object.keys(env)) {
        expect(simulatorSource).toMatch(new RegExp(`\\b${variable}\\b`));
      }
      const token = env.SIMULATOR_APPLICATION_TOKEN ?? 'emnify-simulator-demo-token';
      seen.token.add(token);
      seen.seed.add(env.SIMULATOR_SEED);
      seen.id.add(env.SIMULATOR_ORGANISATION_ID ?? '13886');
      const secret = compose.secrets[`emnify_token_${name.replace('simulator-', '')}`];
      expect(read(defaultOf(secret.file)).trim()).toBe(token);
    }
    expect([seen.token.size, seen.seed.size, seen.id.size]).toEqual([3, 3, 3]);
  });

  it('mounts files that exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('./') && source !== './dist') {
          expect(() => read(source.endsWith('/') ? `${source}.` : source)).not.toThrow(/ENOENT/);
        }
      }
    }
  });

  (have('promtool') ? it : it.skip)('has a Prometheus configuration promtool accepts', () => {
    const r = spawnSync('promtool', ['check', 'config', '--syntax-only', 'provisioning/scale-out/prometheus.yml'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect({ status: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ status: 0, out: '' });
  });
});

const withEngines =
  have('prometheus') && have('victoria-metrics') && have('prometheus-alertmanager') ? describe : describe.skip;

/** Live rules and Alertmanager timers 60 times faster (15 minutes take 15 s), as in stack.test.ts. */
const COMPRESSION = 60;
const EXPORTER = 'emnify-events-exporter';

interface Organisation {
  label: string;
  options: SimulatorOptions;
  sim: RunningSimulator;
  exporters: [ExporterProcess, ExporterProcess];
  /** Ground truth when the run starts (T0). */
  before: GroundTruth;
}

/** The simulator's counts in the exporter's labels (type lookup spelling, severity and source names). */
interface TruthRow {
  event_type: string;
  event_severity: string;
  event_source: string;
  country: string;
  operator: string;
  count: number;
}

const typeNames = new EventTypeNames([...EVENT_TYPE_CATALOGUE]);

function rowsOf(truth: GroundTruth): Map<string, TruthRow> {
  const rows = new Map<string, TruthRow>();
  for (const r of truth.byLabels) {
    const row = {
      event_type: typeNames.nameOf(r.typeId, `type ${r.typeId}`),
      event_severity: EVENT_SEVERITY_NAMES[r.severityId as EventSeverity],
      event_source: EVENT_SOURCE_NAMES[r.sourceId as EventSource],
      country: r.countryIso,
      operator: r.operator,
      count: r.count,
    };
    const key = JSON.stringify([row.event_type, row.event_severity, row.event_source, row.country, row.operator]);
    rows.set(key, { ...row, count: (rows.get(key)?.count ?? 0) + r.count });
  }
  return rows;
}

/** The events of the run: truth at the end minus truth at T0, by label set. */
function runRows(before: GroundTruth, after: GroundTruth): TruthRow[] {
  const start = rowsOf(before);
  return [...rowsOf(after)].map(([key, row]) => ({ ...row, count: row.count - (start.get(key)?.count ?? 0) }));
}

/** Sums truth rows by some of their labels (empty values dropped, as Prometheus drops empty labels). */
function sumBy(
  rows: TruthRow[],
  keep: (r: TruthRow) => boolean,
  labels: Array<keyof TruthRow>,
  extra: Record<string, string> = {}
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows.filter((x) => keep(x) && x.count > 0)) {
    const metric: Record<string, string> = { ...extra };
    for (const l of labels) {
      metric[l] = String(r[l]);
    }
    out[labelKey(metric)] = (out[labelKey(metric)] ?? 0) + r.count;
  }
  return out;
}

/** Whether two query results have the same label sets and values within `tolerance(value)`. */
function within(
  a: Record<string, number>,
  b: Record<string, number>,
  tolerance: (v: number, key: string) => number
): { missing: string[]; extra: string[]; apart: string[] } {
  const apart = Object.keys(a)
    .filter((k) => k in b && Math.abs(a[k] - b[k]) > tolerance(Math.max(Math.abs(a[k]), Math.abs(b[k])), k))
    .map((k) => `${k}: ${a[k]} vs ${b[k]}`);
  return {
    missing: Object.keys(b).filter((k) => !(k in a)),
    extra: Object.keys(a).filter((k) => !(k in b)),
    apart,
  };
}

const exactly = () => 1e-9;
type Engine = 'prometheus' | 'victoria-metrics';
const AGREE = { missing: [], extra: [], apart: [] };

withEngines('scale: 3 organisations × HA pair → 2 Prometheus replicas → VictoriaMetrics', () => {
  let dir: string;
  const orgs: Organisation[] = [];
  let promA: RunningPrometheus;
  let promB: RunningPrometheus;
  let vm: RunningPrometheus;
  let vmRaw: RunningPrometheus;
  let am: RunningAlertmanager;
  /**
   * The engines every query runs on, with the name the failures show and their query engine. Counts are
   * compared across all of them; rates only within one engine: for a series born inside the window,
   * Prometheus' rate() averages over the window, VictoriaMetrics' over the samples it has.
   */
  let engines: Array<[string, RunningPrometheus, Engine]>;
  /** Start and end of the run (Unix seconds): quiescent, every exporter caught up, in every store. */
  let t0 = 0;
  let t1 = 0;
  let range = 0;
  /** The exporter killed and restarted, and what Alertmanager and the replicas held while it was down. */
  let killed: ExporterProcess;
  const whileDown: {
    /** A moment (Unix seconds) when both replicas had fired EmnifyExporterDown for it. */
    time: number;
    amAlerts: Array<Record<string, string>>;
    firingOn: string[];
    unmonitored: Sample[];
  } = { time: 0, amAlerts: [], firingOn: [], unmonitored: [] };
  let injected = 0;

  async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      const value = await probe().catch((err: unknown) => {
        lastError = err;
        return undefined;
      });
      if (value !== undefined) {
        return value;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${String(lastError ?? 'no error')})`);
      }
      await sleep(250);
    }
  }

  /** Every exporter counts everything its simulator shows, and every store holds those counts of every exporter. */
  async function settled(): Promise<true | undefined> {
    for (const org of orgs) {
      const total = org.sim.truth().total;
      for (const e of org.exporters) {
        if (sumOf(await e.metrics(), 'emnify_events_total') !== total) {
          return undefined;
        }
      }
    }
    for (const [, engine] of engines) {
      // Per exporter and, where the store keeps it, per replica: the least up-to-date copy.
      const copies = await engine.query(
        `min by (organisation, instance) (sum by (organisation, instance, replica) (emnify_events_total{job="${EXPORTER}"}))`
      );
      for (const org of orgs) {
        const total = org.sim.truth().total;
        for (const e of org.exporters) {
          const copy = copies.find((s) => s.metric.organisation === org.label && s.metric.instance === e.address);
          if (Number(copy?.value[1]) !== total) {
            return undefined;
          }
        }
      }
    }
    return true;
  }

  beforeAll(async () => {
    buildExporter();
    dir = mkdtempSync(join(tmpdir(), 'emnify-scale-'));
    expect(shippedTargets).toHaveLength(3);
    const faulty = { errorRate: 0.1, rateLimitEvery: 25, rateLimitLength: 2, malformedRate: 0.05, dropRate: 0.03 };
    const settings: Array<Partial<SimulatorOptions>> = [
      {},
      { organisationId: 14751, organisationName: 'Globex Logistics B.V.', faults: faulty },
      { organisationId: 15020, organisationName: 'Initech Metering Ltd' },
    ];

    // One simulator per organisation, history only: the test adds every live event itself.
    for (const [i, group] of shippedTargets.entries()) {
      const options: SimulatorOptions = {
        port: 0,
        seed: 31 + i,
        applicationToken: `${group.labels.organisation}-application-token`,
        historyMs: 2 * 3_600_000,
        historyEvents: 1500,
        eventsPerSecond: 0,
        ...settings[i],
      };
      const sim = await startSimulator(options);
      const label = group.labels.organisation;
      // Fixed ports: a restarted exporter is the same file_sd target. Each has its own state.
      const exporter = async (n: number) =>
        new ExporterProcess({
          apiUrl: sim.url,
          applicationToken: sim.applicationToken,
          stateFile: join(dir, `state-${label}-${n}.json`),
          port: await freePort(),
          // Polls every second; an overlap of 40 s holds the late events (up to 20 s) in one page. Counts by
          // country and operator are compared with the simulator's truth, which knows each event's own
          // network: the last known network (on by default) is off here, and proven in
          // exporter/test/attribution.test.ts against a model of it.
          flags: [
            '--poll.interval',
            '1s',
            '--poll.settle',
            '1s',
            '--poll.overlap',
            '40s',
            '--backfill',
            '3h',
            '--labels.last-network',
            'off',
          ],
        });
      orgs.push({ label, options, sim, exporters: [await exporter(0), await exporter(1)], before: sim.truth() });
    }
    await Promise.all(orgs.flatMap((o) => o.exporters.map((e) => e.start())));

    // file_sd: the shipped groups, each target replaced by the test's exporter on loopback.
    mkdirSync(join(dir, 'targets'));
    writeFileSync(
      join(dir, 'targets', 'emnify-exporters.json'),
      JSON.stringify(
        orgs.map((o) => ({ targets: o.exporters.map((e) => e.address), labels: { organisation: o.label } }))
      )
    );

    vm = await startVictoriaMetrics(join(dir, 'vm'), [
      '-dedup.minScrapeInterval=1s',
      `-relabelConfig=${join(ROOT, 'provisioning/scale-out/victoria-metrics-relabel.yml')}`,
      // Recent samples visible at once (the default hides the last 30 s), no cached answers.
      '-search.latencyOffset=1s',
      '-search.disableCache',
    ]);
    vmRaw = await startVictoriaMetrics(join(dir, 'vm-raw'), ['-search.latencyOffset=1s', '-search.disableCache']);
    am = await startAlertmanager(
      writeFile('alertmanager.yml', compressDurations(read('provisioning/alertmanager/alertmanager.yml'), COMPRESSION)),
      dir
    );

    // The shipped replica configuration on loopback, scraping and evaluating every second.
    mkdirSync(join(dir, 'rules'));
    writeFile(
      'rules/emnify-events.yml',
      compressDurations(read('provisioning/prometheus/rules/emnify-events.yml'), COMPRESSION)
    );
    const config = parse(read('provisioning/scale-out/prometheus.yml')) as {
      global: Record<string, unknown>;
      rule_files: string[];
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
      scrape_configs: Array<{
        job_name: string;
        file_sd_configs?: Array<{ files: string[]; refresh_interval: string }>;
      }>;
      remote_write: Array<{ url: string; queue_config?: Record<string, unknown> }>;
    };
    expect(config.global.external_labels).toEqual({ stack: 'emnify-events', replica: '${PROMETHEUS_REPLICA}' });
    config.global.scrape_interval = '1s';
    config.global.evaluation_interval = '1s';
    config.rule_files = [join(dir, 'rules', '*.yml')];
    config.alerting.alertmanagers = [{ static_configs: [{ targets: [new URL(am.url).host] }] }];
    config.scrape_configs = config.scrape_configs.filter((s) => s.job_name === EXPORTER);
    const sd = config.scrape_configs[0].file_sd_configs![0];
    expect(sd.files).toEqual(['/etc/prometheus/targets/*.json']);
    sd.files = [join(dir, 'targets', '*.json')];
    expect(config.remote_write.map((w) => w.url)).toEqual(['http://victoria-metrics:8428/api/v1/write']);
    config.remote_write = [vm, vmRaw].map((store) => ({
      url: `${store.url}/api/v1/write`,
      queue_config: { batch_send_deadline: '1s', min_backoff: '100ms', max_backoff: '1s' },
    }));
    const configFile = writeFile('prometheus.yml', stringify(config));
    const flags = [
      '--enable-feature=expand-external-labels',
      '--query.lookback-delta=5s',
      '--rules.alert.resend-delay=1s',
    ];
    promA = await startPrometheus(configFile, join(dir, 'prom-a'), flags, { PROMETHEUS_REPLICA: 'a' });
    promB = await startPrometheus(configFile, join(dir, 'prom-b'), flags, { PROMETHEUS_REPLICA: 'b' });
    engines = [
      ['Prometheus a', promA, 'prometheus'],
      ['Prometheus b', promB, 'prometheus'],
      ['VictoriaMetrics', vm, 'victoria-metrics'],
      ['VictoriaMetrics keeping the replica label', vmRaw, 'victoria-metrics'],
    ];

    // Before the run: history counted by all six, in all four stores, and nothing new.
    await until('the history counted and stored everywhere', 90_000, settled);
    await sleep(2000);
    t0 = Math.floor(Date.now() / 1000);
    for (const org of orgs) {
      org.before = org.sim.truth();
    }
    await sleep(1500);

    // The run: about 5 events/s per organisation, a fifth of them late by 2-20 s (inside the 40 s overlap).
    const random = mulberry32(17);
    let running = true;
    const feed = (async () => {
      while (running) {
        for (const org of orgs) {
          const late = random() < 0.2 ? Math.floor(2000 + random() * 18_000) : 0;
          org.sim.addEvents(1, { lateByMs: late });
          injected++;
        }
        await sleep(200);
      }
    })();

    await sleep(10_000);
    killed = orgs[0].exporters[1];
    await killed.kill();
    const downSince = Date.now();
    // Both replicas see it down and fire; Alertmanager must hold one alert, not one per replica.
    whileDown.firingOn = await until('EmnifyExporterDown firing on both replicas', 20_000, async () => {
      const firing = [];
      for (const [name, p] of [
        ['a', promA],
        ['b', promB],
      ] as const) {
        if ((await p.query('ALERTS{alertname="EmnifyExporterDown", alertstate="firing"}')).length > 0) {
          firing.push(name);
        }
      }
      return firing.length === 2 ? firing : undefined;
    });
    whileDown.time = Math.floor(Date.now() / 1000);
    await sleep(2500);
    whileDown.amAlerts = (await am.alerts())
      .filter((a) => a.labels.alertname === 'EmnifyExporterDown')
      .map((a) => a.labels);
    whileDown.unmonitored = [
      ...(await promA.query('ALERTS{alertname="EmnifyEventsUnmonitored"}')),
      ...(await promB.query('ALERTS{alertname="EmnifyEventsUnmonitored"}')),
    ];
    await sleep(Math.max(0, 12_000 - (Date.now() - downSince)));
    await killed.start();
    await sleep(18_000);
    running = false;
    await feed;

    // After the run: everything counted and stored, then T1 a little later (no new events since).
    await until('the run counted and stored everywhere', 90_000, settled);
    await sleep(2000);
    t1 = Math.floor(Date.now() / 1000);
    range = t1 - t0;
    await sleep(2000);
  }, 300_000);

  function writeFile(name: string, text: string): string {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  }

  afterAll(async () => {
    await Promise.all([promA?.stop(), promB?.stop()]);
    await Promise.all([vm?.stop(), vmRaw?.stop(), am?.stop()]);
    await Promise.all(orgs.flatMap((o) => o.exporters.filter((e) => e.running).map((e) => e.stop())));
    await Promise.all(orgs.map((o) => o.sim.close()));
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const runOf = (org: Organisation) => runRows(org.before, org.sim.truth());
  /** A query's answer from Prometheus a and from the deduplicating VictoriaMetrics. */
  const referencesOf = async (expr: string): Promise<Record<Engine, Record<string, number>>> => ({
    prometheus: byLabels(await at(promA, expr)),
    'victoria-metrics': byLabels(await at(vm, expr)),
  });
  /** A query at T1 (or `time`), without the external label every remote-written series carries. */
  const at = async (engine: RunningPrometheus, expr: string, time = t1) =>
    (await engine.query(expr, time)).map(({ metric: { stack: _stack, ...metric }, value }) => ({ metric, value }));

  it('ran with faults in one organisation, a late fifth of events, and one exporter killed and restarted', () => {
    const statuses = orgs.map((o) => o.sim.requestLog().filter((r) => r.status === 0 || r.status >= 429).length);
    expect(statuses[1]).toBeGreaterThan(10);
    expect([statuses[0], statuses[2]]).toEqual([0, 0]);
    expect(killed.running).toBe(true);
    expect(range).toBeGreaterThan(35);
    console.info(
      `scale run: ${range} s, ${injected} events added (${orgs.map((o) => runOf(o).reduce((a, r) => a + r.count, 0)).join(' / ')} per organisation), ` +
        `${statuses[1]} faulted answers to ${orgs[1].label}, ${killed.address} SIGKILLed for 12 s`
    );
  });

  it('counts every event once in each exporter, the restarted one included', async () => {
    for (const org of orgs) {
      for (const e of org.exporters) {
        expect({ org: org.label, exporter: e.address, total: sumOf(await e.metrics(), 'emnify_events_total') }).toEqual(
          { org: org.label, exporter: e.address, total: org.sim.truth().total }
        );
      }
    }
  });

  it('stores one copy in VictoriaMetrics: the replicas deduplicated, no replica label', async () => {
    const count = async (engine: RunningPrometheus, expr: string) => Number((await at(engine, expr))[0]?.value[1] ?? 0);
    const inPrometheus = await count(promA, `count(emnify_events_total{job="${EXPORTER}"})`);
    expect(await count(vm, `count(emnify_events_total{job="${EXPORTER}"})`)).toBe(inPrometheus);
    expect(await count(vm, 'count({replica!=""})')).toBe(0);
    // One sample per series and second, whichever replica wrote it.
    const samples = await count(vm, `max(count_over_time(emnify_events_total{job="${EXPORTER}"}[20s]))`);
    expect(samples).toBeLessThanOrEqual(21);
    // The store without the relabelling keeps both replicas' copies.
    expect(await count(vmRaw, `count(emnify_events_total{job="${EXPORTER}"})`)).toBe(2 * inPrometheus);
  });

  it('offers each organisation once in the organisation variable, from every engine', async () => {
    for (const [name, engine] of engines) {
      const res = await fetch(
        `${engine.url}/api/v1/label/organisation/values?match[]=emnify_events_total&start=${t0}&end=${t1}`
      );
      const values = ((await res.json()) as { data: string[] }).data;
      expect({ name, values: values.sort() }).toEqual({ name, values: orgs.map((o) => o.label).sort() });
    }
  });

  it("has increase() over the run from the long-term store equal each simulator's ground truth by event type", async () => {
    const expected: Record<string, number> = {};
    for (const org of orgs) {
      Object.assign(
        expected,
        sumBy(runOf(org), () => true, ['event_type'], { organisation: org.label })
      );
    }
    const merged = `sum by (organisation, event_type) (max without (instance, replica) (increase(emnify_events_total{job="${EXPORTER}"}[${range}s])))`;
    for (const store of [vm, vmRaw]) {
      const got = byLabels((await at(store, merged)).filter((s) => Number(s.value[1]) > 0));
      expect(got).toEqual(expected);
    }
    // The naive sum over the pair would count every event twice: what the max prevents.
    const summed = byLabels(
      (await at(vm, merged.replace('max without (instance, replica) ', ''))).filter((s) => Number(s.value[1]) > 0)
    );
    expect(summed).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, 2 * v])));
  });

  describe('overview queries, per organisation, in every engine', () => {
    const values = (org: Organisation) => ({ organisation: org.label, country: '.*', operator: '.*', datasource: '' });
    const query = (expr: string, org: Organisation) =>
      interpolate(expr, { range: `${range}s`, rateInterval: `${range}s`, interval: '1s' }, values(org));
    /** Rates are estimates: two series scraped at other moments differ by up to two samples over the window. */
    const rateTolerance = (expr: string) => (v: number) =>
      (3 / range) * v + ((expr.includes('* 60') ? 60 : 1) * 2) / range;
    /**
     * The same, for counters that jump (an exporter's retries come in bursts: several 502 answers within
     * one scrape interval): each edge of the window may hold one scrape interval's increase, which is at
     * most 3 s times the largest rate over 3 s during the run (the expression itself, over 3 s, as a
     * subquery of Prometheus a); Prometheus' rate() takes the first and last sample inside the window.
     */
    const burstTolerance = async (expr: string, org: Organisation) => {
      const steps = byLabels(
        await at(
          promA,
          `max_over_time((${interpolate(expr, { range: `${range}s`, rateInterval: '3s', interval: '1s' }, values(org))})[${range}s:1s])`
        )
      );
      const plain = rateTolerance(expr);
      return (v: number, key: string) => plain(v) + (2 * 3 * (steps[key] ?? 0)) / range;
    };

    /** Expected counts of the run from the simulator's truth, for the count panels that show plain event counts. */
    const truthOf: Record<string, (rows: TruthRow[], org: Organisation) => Record<string, number>> = {
      'Critical events': (rows) => ({
        '[]': rows.filter((r) => r.event_severity === 'CRITICAL').reduce((a, r) => a + r.count, 0),
      }),
      'PDP rejections': (rows) => ({
        '[]': rows
          .filter((r) => r.event_type === 'Create PDP Context' && r.event_source === 'Policy Control')
          .reduce((a, r) => a + r.count, 0),
      }),
      'Failed logins': (rows) => ({
        '[]': rows
          .filter((r) => ['User authentication failed', 'Application authentication failed'].includes(r.event_type))
          .reduce((a, r) => a + r.count, 0),
      }),
      'Critical events by type': (rows, org) =>
        sumBy(rows, (r) => r.event_severity === 'CRITICAL', ['event_type', 'country', 'operator'], {
          organisation: org.label,
        }),
      'Network events by country': (rows) =>
        sumBy(rows, (r) => r.event_source === 'Network' && r.country !== '', ['country']),
    };

    it.each(overviewTargets.filter((t) => kindOf(t.expr) === 'count').map((t) => [t.panel, t.refId, t.expr]))(
      '"%s" %s: exact counts, equal to one exporter alone and to the truth, the same in every engine',
      async (panel, _refId, expr) => {
        for (const org of orgs) {
          const survivor = org.exporters[0].address;
          // topk() breaks ties its own way in each engine: compare the values it keeps, not their labels.
          const shown = async (engine: RunningPrometheus, q: string) => {
            const result = byLabels(await at(engine, q));
            return expr.includes('topk(')
              ? Object.fromEntries(
                  Object.values(result)
                    .sort((a, b) => b - a)
                    .map((v, i) => [`#${i + 1}`, v])
                )
              : result;
          };
          const reference = await shown(vm, query(expr, org));
          for (const [name, engine] of engines) {
            const ha = await shown(engine, query(expr, org));
            const single = await shown(engine, restrictToInstance(query(expr, org), survivor));
            expect({ org: org.label, name, vsSingle: within(ha, single, exactly) }).toEqual({
              org: org.label,
              name,
              vsSingle: AGREE,
            });
            expect({ org: org.label, name, vsVictoriaMetrics: within(ha, reference, exactly) }).toEqual({
              org: org.label,
              name,
              vsVictoriaMetrics: AGREE,
            });
          }
          const truth = truthOf[panel]?.(runOf(org), org);
          if (truth) {
            // Rows of places without events in the range show 0; the truth lists the places with events.
            const nonZero = Object.fromEntries(Object.entries(reference).filter(([k, v]) => v !== 0 || k === '[]'));
            expect({ org: org.label, panel, counts: nonZero }).toEqual({ org: org.label, panel, counts: truth });
          } else {
            // Top operators: the counts of the ten busiest operators of the run.
            const rows = Object.values(sumBy(runOf(org), (r) => r.operator !== '', ['operator', 'country']));
            const top = rows.sort((a, b) => b - a).slice(0, 10);
            expect(reference).toEqual(Object.fromEntries(top.map((v, i) => [`#${i + 1}`, v])));
          }
        }
      }
    );

    it.each(overviewTargets.filter((t) => kindOf(t.expr) === 'rate').map((t) => [t.panel, t.refId, t.expr]))(
      '"%s" %s: the rates of one exporter alone, in every engine',
      async (_panel, _refId, expr) => {
        for (const org of orgs) {
          const survivor = org.exporters[0].address;
          const references = await referencesOf(query(expr, org));
          expect(Object.keys(references.prometheus).length).toBeGreaterThan(0);
          for (const [name, engine, family] of engines) {
            const ha = byLabels(await at(engine, query(expr, org)));
            const single = byLabels(await at(engine, restrictToInstance(query(expr, org), survivor)));
            expect({ org: org.label, name, vsSingle: within(ha, single, rateTolerance(expr)) }).toEqual({
              org: org.label,
              name,
              vsSingle: AGREE,
            });
            expect({ org: org.label, name, vsSameEngine: within(ha, references[family], rateTolerance(expr)) }).toEqual(
              {
                org: org.label,
                name,
                vsSameEngine: AGREE,
              }
            );
          }
        }
      }
    );

    it.each(overviewTargets.filter((t) => kindOf(t.expr) === 'exporter').map((t) => [t.panel, t.refId, t.expr]))(
      '"%s" %s: per exporter or summed over exporters, never per replica, in every engine',
      async (_panel, _refId, expr) => {
        for (const org of orgs) {
          const references = await referencesOf(query(expr, org));
          for (const [name, engine, family] of engines) {
            const reference = references[family];
            const got = await at(engine, query(expr, org));
            for (const s of got) {
              expect({ name, replica: s.metric.replica }).toEqual({ name, replica: undefined });
              if ('instance' in s.metric) {
                expect(org.exporters.map((e) => e.address)).toContain(s.metric.instance);
              }
            }
            // Rates of the exporters' own counters (polls, requests, retries) as estimates; a poll's outcome
            // and timestamps are sampled at other moments by each replica, so only their series are compared.
            const values = byLabels(got);
            const agree = expr.includes('rate(')
              ? within(values, reference, await burstTolerance(expr, org))
              : within(values, reference, () => Infinity);
            expect({ org: org.label, name, vsSameEngine: agree }).toEqual({
              org: org.label,
              name,
              vsSameEngine: AGREE,
            });
          }
        }
      }
    );
  });

  describe('rule expressions, in every engine', () => {
    /** Compressed so that every 15-minute window is exactly the run: counts comparable with the truth. */
    const overRun = (expr: string) => compressDurations(expandRecords(expr, records, isBaseline), 900 / range);

    it('the counting record (organisation:emnify_events:increase15m) equals the truth of the run', async () => {
      const rule = records.find((r) => r.record === 'organisation:emnify_events:increase15m')!;
      const expected: Record<string, number> = {};
      for (const org of orgs) {
        Object.assign(
          expected,
          sumBy(runOf(org), () => true, ['event_type', 'event_severity', 'event_source', 'country', 'operator'], {
            organisation: org.label,
            job: EXPORTER,
          })
        );
      }
      for (const [name, engine] of engines) {
        const got = byLabels((await at(engine, overRun(rule.expr))).filter((s) => Number(s.value[1]) > 0));
        expect({ name, got }).toEqual({ name, got: expected });
      }
    });

    /** Rules over the event counters (the rest watch the exporters themselves). */
    const countsEvents = (expr: string) =>
      /emnify_(events_total|data_volume)/.test(expandRecords(expr, records, isBaseline));

    it.each(
      rules
        .filter((r) => !(r.record && isBaseline(r.record)) && countsEvents(r.expr))
        .map((r) => [r.record ?? r.alert, r.expr])
    )('%s: exactly the same in every engine, and for one exporter alone', async (_name, expr) => {
      const reference = byLabels(await at(vm, overRun(expr)));
      for (const [name, engine] of engines) {
        const got = byLabels(await at(engine, overRun(expr)));
        expect({ name, vsVictoriaMetrics: within(got, reference, exactly) }).toEqual({
          name,
          vsVictoriaMetrics: AGREE,
        });
        for (const org of orgs) {
          const single = byLabels(await at(engine, restrictToInstance(overRun(expr), org.exporters[0].address)));
          const own = Object.fromEntries(
            Object.entries(got).filter(([k]) => k.includes(`["organisation","${org.label}"]`))
          );
          expect({ name, org: org.label, vsSingle: within(own, single, exactly) }).toEqual({
            name,
            org: org.label,
            vsSingle: AGREE,
          });
        }
      }
    });

    it.each(rules.filter((r) => !countsEvents(r.expr)).map((r) => [r.alert ?? r.record, r.expr]))(
      '%s: evaluates in every engine, per exporter, never per replica (also while an exporter was down)',
      async (alert, expr) => {
        for (const [name, engine] of engines) {
          for (const time of [t1, whileDown.time]) {
            const got = await at(engine, overRun(expr), time);
            for (const s of got) {
              expect({ name, replica: s.metric.replica }).toEqual({ name, replica: undefined });
              if ('instance' in s.metric) {
                expect(orgs.flatMap((o) => o.exporters.map((e) => e.address))).toContain(s.metric.instance);
              }
            }
            if (alert === 'EmnifyExporterDown' && time === whileDown.time) {
              expect({ name, down: got.map(({ metric: { __name__: _name, ...labels } }) => labels) }).toEqual({
                name,
                down: [{ job: EXPORTER, instance: killed.address, organisation: 'acme' }],
              });
            }
            if (alert === 'EmnifyEventsUnmonitored') {
              expect({ name, unmonitored: got }).toEqual({ name, unmonitored: [] });
            }
          }
        }
      }
    );
  });

  it('holds one Alertmanager alert for a dead exporter of the pair, not one per replica; the organisation stays monitored', () => {
    expect(whileDown.firingOn).toEqual(['a', 'b']);
    expect(whileDown.amAlerts).toEqual([
      expect.objectContaining({ alertname: 'EmnifyExporterDown', instance: killed.address, organisation: 'acme' }),
    ]);
    expect(whileDown.amAlerts[0]).not.toHaveProperty('replica');
    expect(whileDown.unmonitored).toEqual([]);
  });
});
