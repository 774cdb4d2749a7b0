/**
 * The stack without Docker: docker-compose.yml consistent with the code, dashboards consistent with
 * provisioning, promtool checks of the shipped Prometheus configuration and rules, and a real
 * Prometheus (Debian's, installed by .ci/run) scraping the exporter in front of the simulator while every
 * dashboard PromQL expression and every alert rule expression is run against it.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { parse } from 'yaml';
import { SETTINGS, loadConfig } from '../exporter/src/config';
import { Exporter, createExporter } from '../exporter/src/exporter';
import { silentLogger } from '../exporter/src/logger';
import { toEventQuery } from '../src/query/toEventQuery';
import { EmnifyQuery, QUERY_FIELDS } from '../src/types';
import { freePort } from './support/freePort';

const ROOT = resolve(__dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

function have(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}
if (process.env.CI && !(have('promtool') && have('prometheus') && have('docker-compose'))) {
  throw new Error('CI must provide promtool, prometheus and docker-compose (.ci/run installs them from Debian)');
}

interface Panel {
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ expr?: string; datasource?: { uid: string; type?: string } } & Record<string, unknown>>;
}

const dashboards = readdirSync(join(ROOT, 'dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    file: f,
    json: JSON.parse(read(`dashboards/${f}`)) as {
      uid: string;
      panels: Panel[];
      templating: { list: Array<{ name: string }> };
    },
  }));
const datasourceUids = (
  parse(read('provisioning/datasources/datasources.yml')) as { datasources: Array<{ uid: string }> }
).datasources.map((d) => d.uid);

/** Every PromQL expression of every dashboard, with Grafana's variables substituted. */
function dashboardExpressions(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  for (const { file, json } of dashboards) {
    for (const panel of json.panels) {
      for (const t of panel.targets ?? []) {
        if (t.expr) {
          out.push({
            where: `${file}: ${panel.title}`,
            expr: t.expr
              .replace(/\$__range/g, '1h')
              .replace(/\$__rate_interval/g, '30s')
              .replace(/\$__interval/g, '5s')
              .replace(/\$(country|operator)/g, '.*'),
          });
        }
      }
    }
  }
  return out;
}

const rules = (
  parse(read('provisioning/prometheus/rules/emnify-events.yml')) as {
    groups: Array<{ rules: Array<{ alert: string; expr: string; annotations: Record<string, string> }> }>;
  }
).groups.flatMap((g) => g.rules);

describe('dashboards', () => {
  it('query the emnify plugin only with fields and values it understands', () => {
    let checked = 0;
    for (const { json } of dashboards) {
      for (const panel of json.panels) {
        for (const t of panel.targets ?? []) {
          if (t.datasource?.uid !== 'emnify-events') {
            continue;
          }
          checked++;
          for (const key of Object.keys(t)) {
            expect(QUERY_FIELDS).toContain(key);
          }
          expect(['logs', 'table', 'counts', 'annotations']).toContain(t.format);
          // Valid once variables are replaced by "All" (empty).
          const concrete = JSON.parse(JSON.stringify(t).replace(/"\$\w+"/g, '""')) as EmnifyQuery;
          concrete.eventTypes = concrete.eventTypes?.filter(Boolean);
          expect(() => toEventQuery(concrete, { from: 0, to: 1000 }, 100)).not.toThrow();
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it.each(dashboards.map((d) => [d.file, d.json] as const))(
    '%s uses provisioned data sources and only its own variables',
    (_file, json) => {
      const variables = new Set(json.templating.list.map((v) => v.name));
      expect(json.uid).toMatch(/^emnify-/);
      for (const panel of json.panels.filter((p) => p.type !== 'row')) {
        expect(datasourceUids).toContain(panel.datasource?.uid);
        expect(panel.description).toBeTruthy();
        for (const t of panel.targets ?? []) {
          expect(datasourceUids).toContain(t.datasource?.uid);
          const { datasource: _ds, ...query } = t;
          const used = [...JSON.stringify(query).matchAll(/\$(\w+)/g)]
            .map((m) => m[1])
            .filter((v) => !v.startsWith('__'));
          for (const v of used) {
            expect(variables).toContain(v);
          }
          // No hard-coded instances: the same dashboard serves every exporter and every emnify account.
          expect(JSON.stringify(query)).not.toMatch(/instance=|localhost|\d+\.\d+\.\d+\.\d+|:\d{4}/);
        }
      }
    }
  );
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<
      string,
      { environment?: Record<string, string>; volumes?: string[]; ports?: string[]; build?: { dockerfile: string } }
    >;
  };
  const exporterEnv = new Set(Object.values(SETTINGS).map((s) => s.env));
  const simulatorSource = read('packages/simulator/src/config.ts');

  it('sets only environment variables the code reads', () => {
    for (const name of Object.keys(compose.services.exporter.environment ?? {})) {
      expect(exporterEnv).toContain(name);
    }
    for (const name of Object.keys(compose.services.simulator.environment ?? {})) {
      expect(simulatorSource).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it('gives Grafana the plugin, its secret and the API URL the exporter uses', () => {
    const grafana = compose.services.grafana as {
      environment: Record<string, string>;
      volumes: string[];
      secrets: string[];
    };
    expect(grafana.volumes).toContain('./dist:/var/lib/grafana/plugins/emnify-events-datasource:ro');
    expect(grafana.environment.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe('emnify-events-datasource');
    expect(grafana.environment.EMNIFY_API_URL).toBe(compose.services.exporter.environment?.EMNIFY_API_URL);
    expect(grafana.secrets).toEqual(['emnify_application_token']);
    expect(read('provisioning/datasources/datasources.yml')).toContain(
      'applicationToken: $__file{/run/secrets/emnify_application_token}'
    );
  });

  it('mounts files that exist and uses the ports the code defaults to', () => {
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source === './dist') {
          // The plugin build's output (npm run build), not a checked-in folder.
          expect(read('package.json')).toContain('webpack -c ./webpack.config.ts --env production');
        } else if (source.startsWith('./')) {
          expect(existsSync(join(ROOT, source))).toBe(true);
        }
      }
      if (service.build) {
        expect(existsSync(join(ROOT, service.build.dockerfile))).toBe(true);
      }
    }
    expect(compose.services.exporter.ports).toEqual(['127.0.0.1:8486:8486']);
    expect(SETTINGS.listen.default).toBe(':8486');
    expect(compose.services.simulator.ports).toEqual(['127.0.0.1:8485:8485']);
    expect(read('provisioning/prometheus/prometheus.yml')).toContain("targets: ['exporter:8486']");
    expect(read('secrets/demo-application-token').trim()).toBe('emnify-simulator-demo-token');
  });

  (have('docker-compose') ? it : it.skip)('is valid for docker-compose, with and without the demo profile', () => {
    expect(spawnSync('docker-compose', ['config', '-q'], { cwd: ROOT }).status).toBe(0);
    expect(spawnSync('docker-compose', ['--profile', 'demo', 'config', '-q'], { cwd: ROOT }).status).toBe(0);
  });
});

const withProm = have('promtool') && have('prometheus') ? describe : describe.skip;

withProm('Prometheus configuration and rules', () => {
  it('passes promtool check config, check rules and test rules', () => {
    for (const args of [
      ['check', 'config', '--syntax-only', 'provisioning/prometheus/prometheus.yml'],
      ['check', 'rules', 'provisioning/prometheus/rules/emnify-events.yml'],
      ['test', 'rules', 'provisioning/prometheus/rules/tests/emnify-events.test.yml'],
    ]) {
      const r = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8' });
      expect({ args, status: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({
        args,
        status: 0,
        out: '',
      });
    }
  });

  it('gives every alert a runbook_url that points at a section of docs/runbook.md', () => {
    const runbook = read('docs/runbook.md');
    for (const rule of rules) {
      const anchor = rule.annotations.runbook_url.split('#')[1];
      expect(anchor).toBe(rule.alert.toLowerCase());
      expect(runbook).toContain(`## ${rule.alert}\n`);
    }
  });
});

withProm('the stack on loopback: simulator → exporter → Prometheus', () => {
  let sim: RunningSimulator;
  let exporter: Exporter;
  let prom: ChildProcess;
  let promUrl: string;
  let dir: string;

  const query = async (expr: string) => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await res.json()) as {
      status: string;
      error?: string;
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
  };

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 12,
      historyMs: 2 * 3_600_000,
      historyEvents: 4000,
      eventsPerSecond: 10,
      faults: { errorRate: 0.05 },
    });
    dir = mkdtempSync(join(tmpdir(), 'emnify-stack-'));
    exporter = createExporter(
      loadConfig(
        [
          '--emnify.url',
          sim.url,
          '--state.file',
          join(dir, 'state.json'),
          '--web.listen-address',
          '127.0.0.1:0',
          '--poll.interval',
          '1s',
          '--poll.settle',
          '1s',
          '--backfill',
          '3h',
        ],
        { EMNIFY_APPLICATION_TOKEN: sim.applicationToken }
      ),
      { logger: silentLogger, client: { retry: { baseDelayMs: 10, maxDelayMs: 50 } } }
    );
    const exporterPort = (await exporter.start()).port;
    // Our shipped configuration, pointed at loopback and evaluated every second.
    const shipped = read('provisioning/prometheus/prometheus.yml')
      .replace("targets: ['exporter:8486']", `targets: ['127.0.0.1:${exporterPort}']`)
      .replace("targets: ['alertmanager:9093']", "targets: ['127.0.0.1:1']")
      .replace('/etc/prometheus/rules/*.yml', join(ROOT, 'provisioning/prometheus/rules/*.yml'))
      .replace(/scrape_interval: 30s/, 'scrape_interval: 1s')
      .replace(/evaluation_interval: 30s/, 'evaluation_interval: 1s');
    writeFileSync(join(dir, 'prometheus.yml'), shipped);
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' }
    );
    // Wait for data and for rates over a few scrapes.
    for (let i = 0; i < 120; i++) {
      await new Promise((r) => setTimeout(r, 500));
      try {
        // Critical events are rare in a seeded history: add some (Organisation blocked is always Critical),
        // over time, so the critical panels see their counter increase.
        if (i % 4 === 0) {
          sim.addEvents(1, { typeId: 12 });
        }
        const r = await query(
          'sum(rate(emnify_events_total[30s])) > 0 and sum(increase(emnify_exporter_api_retries_total[1h])) > 0 and sum(increase(emnify_events_total{event_severity="CRITICAL"}[1h])) > 0'
        );
        if (r.data.result.length > 0) {
          break;
        }
      } catch {
        // Prometheus is starting.
      }
    }
  }, 90_000);

  afterAll(async () => {
    prom?.kill('SIGTERM');
    await new Promise((r) => (prom ? prom.once('exit', r) : r(undefined)));
    await exporter?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(dashboardExpressions().map((e) => [e.where, e.expr]))(
    'dashboard query "%s" is valid and returns data',
    async (_where, expr) => {
      const r = await query(expr);
      expect(r.error).toBeUndefined();
      expect(r.status).toBe('success');
      expect(r.data.result.length).toBeGreaterThan(0);
    }
  );

  it.each(rules.map((r) => [r.alert, r.expr]))('alert rule %s executes', async (_alert, expr) => {
    const r = await query(expr);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe('success');
  });

  it('fires the exporter-health alert when the API fails', async () => {
    sim.setFaults({ errorRate: 1 });
    let state = '';
    for (let i = 0; i < 60 && !state; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const r = await query('ALERTS{alertname="EmnifyExporterPollFailing"}');
      state = r.data.result[0]?.metric.alertstate ?? '';
    }
    // `for: 10m` keeps it pending in a short test; pending means the rule's condition holds.
    expect(state).toBe('pending');
    sim.setFaults({ errorRate: 0.05 });
  }, 40_000);
});
