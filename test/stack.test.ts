/**
 * The stack without Docker: docker-compose.yml consistent with the code, dashboards consistent with
 * provisioning and with the explorer they link to, and the real engines (Debian's Prometheus and
 * Alertmanager, installed by .ci/run) in front of the simulator and an HA pair of exporters:
 * - every overview query and every rule expression runs on the dashboard's default variables and on a
 *   concrete organisation, country and operator, and returns data with the expected labels;
 * - a burst of critical events pages once, grouped; an alert inhibited by Organisation blocked stays quiet;
 *   one exporter of the pair down is a warning, not a page.
 * The shipped rules and Alertmanager timers run 60 times faster here (test/support/timeCompression.ts):
 * a 15-minute window takes 15 seconds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EVENT_SEVERITY_NAMES, EVENT_SOURCE_NAMES, EmnifyClient, fetchTransport } from '@emnify-events/client';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { parse, stringify } from 'yaml';
import { SETTINGS, loadConfig } from '../exporter/src/config';
import { Exporter, createExporter } from '../exporter/src/exporter';
import { DEMO_GATEWAY_TOKEN } from '../exporter/src/gateway';
import { silentLogger } from '../exporter/src/logger';
import { connectionProblem } from '../src/api/connection';
import { ANY_VALUE, withoutAnyValues } from '../src/query/anyValue';
import { withEventTypeIds } from '../src/query/eventTypeNames';
import { toEventQuery } from '../src/query/toEventQuery';
import { EmnifyQuery, QUERY_FIELDS } from '../src/types';
import { have, requireEnginesInCi } from './support/binaries';
import { Variable, dashboard, dashboards, interpolate, linkVariables, panelLinks } from './support/dashboards';
import { RunningAlertmanager, RunningPrometheus, Sample, startAlertmanager, startPrometheus } from './support/engines';
import {
  EXPLORER_LINK_VARIABLES,
  explorerVariables,
  followLink,
  linkValues,
  withVariables,
} from './support/explorerLinks';
import { compressDurations, longDurations } from './support/timeCompression';
import { Notification, WebhookReceiver, startWebhookReceiver } from './support/webhook';

requireEnginesInCi();

const ROOT = resolve(__dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

const datasourceUids = (
  parse(read('provisioning/datasources/datasources.yml')) as { datasources: Array<{ uid: string; type: string }> }
).datasources;

const overview = dashboard('emnify-events-overview');
const explorer = dashboard('emnify-event-explorer');

/**
 * What each overview query returns: its label names, exactly. `?` marks a label that is absent where its
 * value is empty (Prometheus drops empty labels): country and operator of events without network. Every
 * panel must be listed, so a new panel comes with its expectation.
 */
const OVERVIEW_LABELS: Record<string, Record<string, string[]>> = {
  'Critical events': { A: [] },
  'PDP rejections': { A: [] },
  'Failed logins': { A: [] },
  'Critical events by type': { A: ['country?', 'event_type', 'operator?', 'organisation'] },
  'Events by severity': { A: ['event_severity'] },
  'Events by source': { A: ['event_source'] },
  'Warnings and alerts by type': { A: ['event_type'] },
  'Network events by country': { A: ['country'] },
  'Top operators': { A: ['country', 'operator'] },
  'Location updates by operator': { A: ['country', 'operator'] },
  Purges: { A: ['event_type'] },
  'PDP context create vs delete': { A: [], B: [] },
  'Sessions closed by operator': { A: ['country', 'operator'] },
  'Data volume by country': { A: ['country', 'direction'] },
  'Since last complete poll': { A: ['instance', 'job', 'organisation'] },
  'Last poll': { A: ['instance', 'job', 'organisation'] },
  'Event lag': { A: ['instance', 'job', 'organisation'] },
  'Polls by result': { A: ['instance', 'organisation', 'result'] },
  'API requests by status': { A: ['code'] },
  'Retries and rate limiting': { A: ['reason'], B: ['cause'] },
};

const overviewTargets = overview.panels.flatMap((panel) =>
  (panel.targets ?? []).map((t) => ({ panel: panel.title, refId: t.refId, expr: t.expr ?? '' }))
);

const PLACE_LABELS = ['event_type', 'country', 'operator'];

/** Whether a sample's label names are those expected (see OVERVIEW_LABELS for `?`). */
function hasLabels(metric: Record<string, string>, expected: string[]): { extra: string[]; missing: string[] } {
  const names = expected.map((l) => l.replace(/\?$/, ''));
  return {
    extra: Object.keys(metric).filter((l) => !names.includes(l)),
    missing: expected.filter((l) => !l.endsWith('?') && !(l in metric)),
  };
}

/** A dashboard's variables by name. */
const variablesOf = (json: { templating: { list: Variable[] } }) =>
  new Map(json.templating.list.map((v) => [v.name, v]));

describe('dashboards', () => {
  it('query the emnify plugin only with fields and values it understands', () => {
    let checked = 0;
    for (const { json } of dashboards) {
      for (const panel of json.panels) {
        for (const t of panel.targets ?? []) {
          if (t.datasource?.type !== 'emnify-events-datasource') {
            continue;
          }
          checked++;
          for (const key of Object.keys(t)) {
            expect(QUERY_FIELDS).toContain(key);
          }
          expect(['logs', 'table', 'counts', 'total', 'annotations']).toContain(t.format);
          // Valid on the defaults: a variable on "All" gives its custom all value `*` (any value, no filter),
          // an empty text box nothing. (src/dashboards.test.ts runs every panel through @grafana/scenes.)
          const defaults = JSON.parse(
            JSON.stringify(t).replace(/"\$(\w+)"/g, (_m, name: string) =>
              JSON.stringify(variablesOf(json).get(name)?.includeAll ? ANY_VALUE : '')
            )
          ) as EmnifyQuery;
          defaults.eventTypes = defaults.eventTypes?.filter(Boolean);
          expect(() => toEventQuery(withoutAnyValues(defaults), { from: 0, to: 1000 }, 100)).not.toThrow();
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('give every "All"-able variable of an emnify-querying dashboard the custom all value *', () => {
    for (const { json } of dashboards.filter((d) =>
      JSON.stringify(d.json.panels).includes('emnify-events-datasource')
    )) {
      for (const v of json.templating.list.filter((x) => x.includeAll)) {
        expect({ dashboard: json.uid, variable: v.name, allValue: v.allValue }).toEqual({
          dashboard: json.uid,
          variable: v.name,
          allValue: ANY_VALUE,
        });
      }
    }
  });

  it.each(dashboards.map((d) => [d.file, d.json] as const))(
    '%s uses provisioned data sources (or a variable defaulting to one) and only its own variables',
    (_file, json) => {
      const variables = new Map(json.templating.list.map((v) => [v.name, v]));
      /** A panel's data source: a provisioned uid, or ${name} of a data source variable of that type whose default is provisioned. */
      const resolves = (ds?: { uid: string; type?: string }) => {
        const ref = /^\$\{?(\w+)\}?$/.exec(ds?.uid ?? '');
        if (!ref) {
          return datasourceUids.some((d) => d.uid === ds?.uid);
        }
        const variable = variables.get(ref[1]);
        return (
          variable?.type === 'datasource' &&
          variable.query === ds?.type &&
          datasourceUids.some((d) => d.uid === variable.current?.value && d.type === ds?.type)
        );
      };
      expect(json.uid).toMatch(/^emnify-/);
      for (const panel of json.panels.filter((p) => p.type !== 'row')) {
        expect({ panel: panel.title, resolves: resolves(panel.datasource) }).toEqual({
          panel: panel.title,
          resolves: true,
        });
        expect(panel.description).toBeTruthy();
        for (const t of panel.targets ?? []) {
          expect({ panel: panel.title, resolves: resolves(t.datasource) }).toEqual({
            panel: panel.title,
            resolves: true,
          });
          const { datasource: _ds, ...query } = t;
          const used = [...JSON.stringify(query).matchAll(/\$\{?(\w+)/g)]
            .map((m) => m[1])
            .filter((v) => !v.startsWith('__'));
          for (const v of used) {
            expect([...variables.keys()]).toContain(v);
          }
          // No hard-coded instances: the same dashboard serves every exporter and every emnify account.
          expect(JSON.stringify(query)).not.toMatch(/instance=|localhost|\d+\.\d+\.\d+\.\d+|:\d{4}/);
        }
      }
    }
  );

  it('overview: a data source variable, organisation, country and operator variables, no hard-coded uid', () => {
    expect(overview.templating.list.map((v) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['organisation', 'query'],
      ['country', 'query'],
      ['operator', 'query'],
    ]);
    const datasources = [...JSON.stringify(overview).matchAll(/"uid":\s*"([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(datasources)).toEqual(new Set(['emnify-events-overview', '${datasource}', '-- Grafana --']));
  });

  it('overview: every event count and rate merges the replicas of an HA pair instead of adding them', () => {
    for (const { panel, expr } of overviewTargets) {
      for (const selector of expr.match(/emnify_(events_total|data_volume_bytes_total)\{[^}]*\}(\[[^\]]+\])?/g) ?? []) {
        // Each selector of an event counter sits inside max without (instance, replica) (...).
        expect({ panel, selector, merged: expr.includes('max without (instance, replica) (') }).toEqual({
          panel,
          selector,
          merged: true,
        });
      }
      expect({
        panel,
        bareSum: /sum\s*(by \([^)]*\))?\s*\(\s*(increase|rate)\(emnify_(events|data)/.test(expr),
      }).toEqual({
        panel,
        bareSum: false,
      });
    }
  });

  it("overview: the exporters' own counters and timestamps merge the replicas of an HA pair of Prometheus servers", () => {
    // A long-term store may keep the `replica` label (scale.test.ts proves it on VictoriaMetrics).
    for (const { panel, expr } of overviewTargets.filter((t) => t.expr.includes('emnify_exporter_'))) {
      for (const use of expr.match(/(rate|last_over_time)\(emnify_exporter_\w+/g) ?? []) {
        const at = expr.indexOf(use);
        expect({
          panel,
          use,
          merged: /max (without \(replica\)|by \([\w, ]+\)) \($/.test(expr.slice(0, at)),
        }).toEqual({
          panel,
          use,
          merged: true,
        });
      }
    }
  });

  it('overview: every panel query has its expected labels listed in this test', () => {
    expect(overviewTargets.map((t) => `${t.panel} ${t.refId}`).sort()).toEqual(
      Object.entries(OVERVIEW_LABELS)
        .flatMap(([panel, refs]) => Object.keys(refs).map((ref) => `${panel} ${ref}`))
        .sort()
    );
  });

  it('overview: every panel that shows a type, country or operator links to the explorer with the same time range', () => {
    for (const panel of overview.panels.filter((p) => p.type !== 'row')) {
      const shown = Object.values(OVERVIEW_LABELS[panel.title] ?? {})
        .flat()
        .map((l) => l.replace(/\?$/, ''));
      const toExplorer = panelLinks(panel).filter((l) => l.url.startsWith(`/d/${explorer.uid}?`));
      if (shown.some((label) => PLACE_LABELS.includes(label))) {
        expect({ panel: panel.title, links: toExplorer.length > 0 }).toEqual({ panel: panel.title, links: true });
      }
      for (const link of toExplorer) {
        expect({ panel: panel.title, url: link.url }).toEqual({
          panel: panel.title,
          url: expect.stringMatching(/&\$\{__url_time_range\}$/),
        });
        // A value drawn from the clicked series names the label the panel shows.
        for (const [, label] of link.url.matchAll(/\$\{__(?:field\.labels|data\.fields)\.(\w+)\}/g)) {
          expect(shown).toContain(label);
        }
      }
    }
    const dashboardLink = overview.links?.find((l) => l.url === `/d/${explorer.uid}`);
    expect(dashboardLink?.keepTime).toBe(true);
  });

  it('overview: links to the explorer use only the variables the explorer provides or is to provide', () => {
    const explorerVariables = explorer.templating.list.map((v) => v.name);
    const linked = new Set(
      overview.panels
        .flatMap(panelLinks)
        .filter((l) => l.url.startsWith(`/d/${explorer.uid}?`))
        .flatMap((l) => [...linkVariables(l.url), ...[...l.url.matchAll(/\$\{(\w+):queryparam\}/g)].map((m) => m[1])])
    );
    expect([...linked].sort()).toEqual(Object.keys(EXPLORER_LINK_VARIABLES).sort());
    for (const [name, { explorerHasIt }] of Object.entries(EXPLORER_LINK_VARIABLES)) {
      expect({ name, inExplorer: explorerVariables.includes(name) }).toEqual({ name, inExplorer: explorerHasIt });
      expect(read('README.md')).toMatch(new RegExp(`\\| \`var-${name}\` +\\|`));
    }
  });

  it('README names an existing panel for each NOC question', () => {
    const section = read('README.md').split('## NOC questions')[1]?.split('\n## ')[0] ?? '';
    const named = [...section.matchAll(/\*\*(emnify event explorer|emnify events overview)\*\* → "([^"]+)"/g)];
    expect(named.length).toBeGreaterThanOrEqual(5);
    for (const [, board, title] of named) {
      const json = board === 'emnify event explorer' ? explorer : overview;
      expect(json.panels.map((p) => p.title)).toContain(title);
    }
  });
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

  type Service = {
    image: string;
    user?: string;
    entrypoint: string[];
    environment: Record<string, string>;
    volumes: string[];
    secrets?: string[];
    depends_on: Record<string, { condition: string }>;
  };
  const service = (name: string) => compose.services[name] as Service;
  const provisioned = parse(read('provisioning/datasources/datasources.yml')) as {
    datasources: Array<{
      uid: string;
      url?: string;
      jsonData: Record<string, unknown>;
      secureJsonData?: Record<string, string>;
    }>;
  };
  const emnify = provisioned.datasources.find((d) => d.uid === 'emnify-events')!;
  /** The copy step's commands: `install -o <uid> -g <gid> -m <mode> <from> <to>` each. */
  const copies = () =>
    service('copy-secrets')
      .entrypoint[2].split('&&')
      .map((c) => c.trim().split(/\s+/));
  /** The file a `$__file{…}` expansion names. */
  const fileOf = (value: string) => /^\$__file\{(.+)\}$/.exec(value)?.[1];
  /** Where a container path of `service` comes from: the named volume mounted over its folder. */
  const volumeOf = (name: string, path: string) =>
    service(name)
      .volumes.map((v) => v.split(':'))
      .find(([, target]) => path.startsWith(`${target}/`))?.[0];

  it('provisions the emnify data source in gateway mode: the exporter’s URL and the gateway token, no application token', () => {
    expect(emnify.url).toBeUndefined();
    expect(emnify.jsonData).toEqual({
      connection: 'gateway',
      gatewayUrl: 'http://exporter:8486',
      pageSize: 1000,
      maxPages: 20,
    });
    expect(Object.keys(emnify.secureJsonData ?? {})).toEqual(['gatewayToken']);
    expect(connectionProblem(emnify.jsonData)).toBeUndefined();
    // The gateway URL is the exporter service on the port it listens on.
    expect(compose.services.exporter.environment?.EXPORTER_LISTEN_ADDRESS).toBe(':8486');
    expect(service('grafana').depends_on.exporter).toEqual({ condition: 'service_started' });
    // Grafana holds no application token: no secret, no copy of it, no API URL of emnify.
    const grafana = service('grafana');
    expect(grafana.secrets).toBeUndefined();
    expect(grafana.environment.EMNIFY_API_URL).toBeUndefined();
    expect(copies().filter((c) => c.at(-1)!.startsWith('/grafana-secrets/'))).toEqual([
      [
        'install',
        '-o',
        '472',
        '-g',
        '0',
        '-m',
        '0400',
        '/run/secrets/exporter_gateway_token',
        '/grafana-secrets/exporter_gateway_token',
      ],
    ]);
  });

  it('gives Grafana (uid 472) and the exporter (uid 1000) 0400 copies of the secrets they read, made by one copy step', () => {
    const copy = service('copy-secrets');
    expect(copy).toMatchObject({ image: service('grafana').image, user: 'root' });
    expect(copy.entrypoint.slice(0, 2)).toEqual(['sh', '-ec']);
    expect(copy.secrets).toEqual(['emnify_application_token', 'exporter_gateway_token']);
    const owner: Record<string, string> = { grafana: '472', exporter: '1000' };
    // Each secret file a service reads is a copy in a volume that copy-secrets fills, owned by the service's uid.
    const reads: Array<[string, string]> = [
      ['grafana', fileOf(emnify.secureJsonData!.gatewayToken)!],
      ['exporter', compose.services.exporter.environment!.EMNIFY_APPLICATION_TOKEN_FILE],
      ['exporter', compose.services.exporter.environment!.EXPORTER_GATEWAY_TOKEN_FILE],
    ];
    for (const [name, path] of reads) {
      const volume = volumeOf(name, path)!;
      expect(service(name).volumes).toContain(`${volume}:${path.slice(0, path.lastIndexOf('/'))}:ro`);
      const into = copy.volumes.find((v) => v.startsWith(`${volume}:`))!.split(':')[1];
      const file = path.slice(path.lastIndexOf('/') + 1);
      const command = copies().find((c) => c.at(-1) === `${into}/${file}`);
      expect({ name, path, command }).toEqual({
        name,
        path,
        command: [
          'install',
          '-o',
          owner[name],
          '-g',
          owner[name] === '472' ? '0' : '1000',
          '-m',
          '0400',
          `/run/secrets/${file}`,
          `${into}/${file}`,
        ],
      });
      expect(service(name).depends_on['copy-secrets']).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(copies()).toHaveLength(reads.length);
    // The exporter image runs as node, uid 1000 (Debian's node image).
    expect(read('exporter/Dockerfile')).toMatch(/^USER node$/m);
  });

  it("gives the exporter the events gateway's token as a Docker secret, the public demo one by default", () => {
    const secrets = (parse(read('docker-compose.yml')) as { secrets: Record<string, { file: string }> }).secrets;
    expect(compose.services.exporter.environment?.EXPORTER_GATEWAY_TOKEN_FILE).toBe(
      '/run/exporter-secrets/exporter_gateway_token'
    );
    expect(secrets.exporter_gateway_token.file).toBe(
      '${EXPORTER_GATEWAY_TOKEN_FILE_HOST:-./secrets/demo-gateway-token}'
    );
    expect(read('secrets/demo-gateway-token').trim()).toBe(DEMO_GATEWAY_TOKEN);
    const config = loadConfig(['--gateway.token-file', join(ROOT, 'secrets/demo-gateway-token')], {
      EMNIFY_APPLICATION_TOKEN_FILE: join(ROOT, 'secrets/demo-application-token'),
    });
    expect(config.gateway?.token).toBe(DEMO_GATEWAY_TOKEN);
  });

  it('keeps a direct-mode example that the plugin accepts, with the token Grafana would then need', () => {
    const example = parse(read('provisioning/examples/emnify-direct.yml')) as typeof provisioned;
    const [direct] = example.datasources;
    expect(direct).toMatchObject({ uid: 'emnify-events', type: 'emnify-events-datasource', access: 'proxy' });
    expect(direct.jsonData).toEqual({
      connection: 'direct',
      apiUrl: '${EMNIFY_API_URL}',
      pageSize: 1000,
      maxPages: 20,
    });
    expect(connectionProblem({ ...direct.jsonData, apiUrl: 'http://simulator:8485' })).toBeUndefined();
    expect(direct.secureJsonData).toEqual({
      applicationToken: '$__file{/run/grafana-secrets/emnify_application_token}',
    });
    // The copy line and the variable the example's comment tells to add.
    const text = read('provisioning/examples/emnify-direct.yml');
    expect(text).toContain(
      'install -o 472 -g 0 -m 0400 /run/secrets/emnify_application_token /grafana-secrets/emnify_application_token'
    );
    expect(text).toContain('EMNIFY_API_URL');
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

/** 15 minutes of the shipped rules and Alertmanager timers take 15 seconds here. */
const COMPRESSION = 60;

describe('time compression of the shipped rules and Alertmanager timers', () => {
  it('divides every duration, leaving none of a minute or more', () => {
    expect(compressDurations('increase(x[15m]) > 3 * avg_over_time(y[1d] offset 1h)\nfor: 20m', 60)).toBe(
      'increase(x[15s]) > 3 * avg_over_time(y[1440s] offset 60s)\nfor: 20s'
    );
    expect(compressDurations('group_wait: 30s\nkeep_firing_for: 1h', 60)).toBe(
      'group_wait: 500ms\nkeep_firing_for: 60s'
    );
    for (const file of [
      'provisioning/prometheus/rules/emnify-events.yml',
      'provisioning/alertmanager/alertmanager.yml',
    ]) {
      expect(longDurations(read(file)).length).toBeGreaterThanOrEqual(3);
      expect(longDurations(compressDurations(read(file), COMPRESSION))).toEqual([]);
    }
  });
});

const withEngines = have('prometheus') && have('prometheus-alertmanager') ? describe : describe.skip;

withEngines('the stack on loopback: simulator → HA pair of exporters → Prometheus → Alertmanager → webhooks', () => {
  const ORGANISATION = 'demo';
  let sim: RunningSimulator;
  const exporters: Array<{ exporter: Exporter; instance: string; stopped: boolean }> = [];
  let prom: RunningPrometheus;
  let am: RunningAlertmanager;
  let hooks: WebhookReceiver;
  let dir: string;
  /** When Prometheus had scraped both exporters once: dashboard ranges start after it, as on a running stack. */
  let scrapedSince = 0;
  /** The busiest country and operator in the simulator's ground truth: the concrete variable values. */
  let place = { country: '', operator: '' };
  const caused = new Set<string>();

  const rules = (
    parse(read('provisioning/prometheus/rules/emnify-events.yml')) as {
      groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }>;
    }
  ).groups.flatMap((g) => g.rules);

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) {
        return value;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      }
      await sleep(250);
    }
  }
  const firingNotifications = (receiver: string, alertname: string, since = 0): Notification[] =>
    hooks.notifications.filter(
      (n) =>
        n.receiver === receiver &&
        n.groupLabels.alertname === alertname &&
        n.status === 'firing' &&
        n.receivedAt >= since
    );
  const firing = async (alertname: string) =>
    prom.query(`ALERTS{alertname="${alertname}", alertstate="firing"}`).then((r) => (r.length > 0 ? r : undefined));
  /** Adds events of a type until at least `critical` of them are Critical (the simulator draws the severity). */
  const addCritical = (typeId: number, count: number, critical: number) => {
    const added = sim.addEvents(count, { typeId });
    const got = added.filter((e) => e.event_severity?.id === 2).length;
    if (got < critical) {
      throw new Error(`only ${got} of ${count} events of type ${typeId} are Critical, the test needs ${critical}`);
    }
    return got;
  };

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      // With seed 2, neither these 1,000 events of history (whatever the hour) nor the first 5 minutes of
      // live traffic hold a Critical or Organisation blocked event: every critical series is born during
      // the test (counted from its first value), and every alert is one the test caused.
      seed: 2,
      historyMs: 2 * 3_600_000,
      historyEvents: 1000,
      eventsPerSecond: 2,
      faults: { errorRate: 0.05 },
    });
    dir = mkdtempSync(join(tmpdir(), 'emnify-stack-'));
    for (const name of ['a', 'b']) {
      const exporter = createExporter(
        loadConfig(
          [
            '--emnify.url',
            sim.url,
            '--state.file',
            join(dir, `state-${name}.json`),
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
      exporters.push({ exporter, instance: `127.0.0.1:${(await exporter.start()).port}`, stopped: false });
    }

    hooks = await startWebhookReceiver();
    // Our Alertmanager configuration, timers compressed, each receiver posting to the test's webhook.
    const amConfig = parse(compressDurations(read('provisioning/alertmanager/alertmanager.yml'), COMPRESSION)) as {
      receivers: Array<{ name: string; webhook_configs?: unknown[] }>;
    };
    for (const receiver of amConfig.receivers) {
      receiver.webhook_configs = [{ url: `${hooks.url}/${receiver.name}`, send_resolved: true }];
    }
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(amConfig));
    am = await startAlertmanager(join(dir, 'alertmanager.yml'), dir);

    // Our Prometheus configuration and rules, pointed at loopback, scraping and evaluating every second.
    mkdirSync(join(dir, 'rules'));
    writeFileSync(
      join(dir, 'rules', 'emnify-events.yml'),
      compressDurations(read('provisioning/prometheus/rules/emnify-events.yml'), COMPRESSION)
    );
    const shipped = read('provisioning/prometheus/prometheus.yml')
      .replace("targets: ['exporter:8486']", `targets: [${exporters.map((e) => `'${e.instance}'`).join(', ')}]`)
      .replace("targets: ['alertmanager:9093']", `targets: ['${new URL(am.url).host}']`)
      .replace('/etc/prometheus/rules/*.yml', join(dir, 'rules', '*.yml'))
      .replace(/scrape_interval: 30s/, 'scrape_interval: 1s')
      .replace(/evaluation_interval: 30s/, 'evaluation_interval: 1s');
    writeFileSync(join(dir, 'prometheus.yml'), shipped);
    prom = await startPrometheus(join(dir, 'prometheus.yml'), dir, [
      // Compressed like the rules: the 5-minute lookback and the 1-minute resend delay.
      '--query.lookback-delta=5s',
      '--rules.alert.resend-delay=1s',
    ]);

    const network = new Map<string, number>();
    for (const row of sim.truth().byLabels.filter((r) => r.operator !== '')) {
      const key = `${row.countryIso}\t${row.operator}`;
      network.set(key, (network.get(key) ?? 0) + row.count);
    }
    const [country, operator] = [...network].sort((a, b) => b[1] - a[1])[0][0].split('\t');
    place = { country, operator };

    await until('both exporters scraped', 20_000, async () =>
      (await prom.query('up{job="emnify-events-exporter"} == 1')).length === 2 ? true : undefined
    );
    scrapedSince = Date.now();
    // Both exporters scraped, events flowing, and 16 s of history: a window (15 s) back, Prometheus
    // was already scraping, so series born from now on are counted from their first value.
    await until('both exporters scraped for 16 s with events flowing', 60_000, async () => {
      const r = await prom.query(
        'count(up{job="emnify-events-exporter"} offset 16s == 1) == 2 and on () sum(rate(emnify_events_total[5s])) > 0'
      );
      return r.length > 0 ? true : undefined;
    });
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await am?.stop();
    for (const e of exporters.filter((x) => !x.stopped)) {
      await e.exporter.stop();
    }
    await hooks?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fires nothing on steady traffic with API errors', async () => {
    expect(await prom.query('ALERTS{alertstate="firing"}')).toEqual([]);
    expect(hooks.notifications).toEqual([]);
  });

  it('pages once for a burst of critical events, grouped per organisation and alert', async () => {
    const start = Date.now();
    const endpointBlocked = addCritical(11, 40, 5);
    const quotaUsedUp = addCritical(19, 60, 3);
    caused.add('EmnifyCriticalEvents').add('EmnifyQuotaUsedUp');
    await until('a page for EmnifyCriticalEvents', 30_000, async () =>
      firingNotifications('noc-pager', 'EmnifyCriticalEvents').length > 0 ? true : undefined
    );
    // Alertmanager holds the two critical alerts as active, not suppressed.
    const held = (await am.alerts()).filter((a) => a.labels.alertname === 'EmnifyCriticalEvents');
    expect(held.map((a) => [a.labels.event_type, a.status.state]).sort()).toEqual([
      ['Endpoint blocked', 'active'],
      ['Quota used up', 'active'],
    ]);
    // Prometheus resends the firing alerts every second; wait two group intervals (2 × 5 min, compressed).
    await sleep(11_000);
    const pages = firingNotifications('noc-pager', 'EmnifyCriticalEvents', start);
    expect(
      pages.map((n) => ({
        groupLabels: n.groupLabels,
        alerts: n.alerts.map((a) => [a.status, a.labels.event_type, a.labels.organisation]).sort(),
      }))
    ).toEqual([
      {
        groupLabels: { alertname: 'EmnifyCriticalEvents', organisation: ORGANISATION },
        alerts: [
          ['firing', 'Endpoint blocked', ORGANISATION],
          ['firing', 'Quota used up', ORGANISATION],
        ],
      },
    ]);
    // 60 "Quota used up" in 15 minutes is a ticket, not a page.
    expect(
      firingNotifications('noc-tickets', 'EmnifyQuotaUsedUp', start).map((n) =>
        n.alerts.map((a) => a.labels.event_type)
      )
    ).toEqual([['Quota used up']]);
    expect(firingNotifications('noc-pager', 'EmnifyQuotaUsedUp')).toEqual([]);
    console.info(
      `burst: ${endpointBlocked} critical "Endpoint blocked" and ${quotaUsedUp} critical of 60 "Quota used up" → ` +
        `${pages.length} page listing ${pages[0].alerts.length} alerts ${pages[0].receivedAt - start} ms later, ` +
        `${firingNotifications('noc-tickets', 'EmnifyQuotaUsedUp', start).length} ticket (EmnifyQuotaUsedUp); ` +
        `${hooks.notifications.filter((n) => n.status === 'resolved').length} resolved notifications; no other in 11 s`
    );
  }, 60_000);

  it('keeps an alert inhibited by Organisation blocked quiet', async () => {
    // The burst's alerts resolve when it leaves the 15-minute window.
    await until('the burst alerts resolved', 40_000, async () =>
      (await prom.query('ALERTS{alertname=~"EmnifyCriticalEvents|EmnifyQuotaUsedUp"}')).length === 0 ? true : undefined
    );
    const start = Date.now();
    sim.addEvents(1, { typeId: 12 });
    caused.add('EmnifyOrganisationBlocked');
    await until('a page for EmnifyOrganisationBlocked', 20_000, async () =>
      firingNotifications('noc-pager', 'EmnifyOrganisationBlocked').length > 0 ? true : undefined
    );
    const blocked = (await am.alerts()).find((a) => a.labels.alertname === 'EmnifyOrganisationBlocked');
    expect(blocked?.status.state).toBe('active');

    const endpointBlocked = addCritical(11, 40, 5);
    await until('EmnifyCriticalEvents firing in Prometheus', 20_000, () => firing('EmnifyCriticalEvents'));
    const suppressed = await until('Alertmanager holding EmnifyCriticalEvents', 10_000, async () =>
      (await am.alerts()).find((a) => a.labels.alertname === 'EmnifyCriticalEvents')
    );
    await sleep(11_000);
    expect({ state: suppressed.status.state, inhibitedBy: suppressed.status.inhibitedBy }).toEqual({
      state: 'suppressed',
      inhibitedBy: [blocked?.fingerprint],
    });
    // One page (Organisation blocked, one alert), none for the inhibited critical events.
    expect(
      hooks.notifications
        .filter((n) => n.receiver === 'noc-pager' && n.status === 'firing' && n.receivedAt >= start)
        .map((n) => [n.groupLabels.alertname, n.alerts.length])
    ).toEqual([['EmnifyOrganisationBlocked', 1]]);
    console.info(
      `inhibition: Organisation blocked paged once; ${endpointBlocked} critical "Endpoint blocked" fired in Prometheus, ` +
        'suppressed in Alertmanager, 0 pages in 11 s'
    );
  }, 90_000);

  describe.each([
    ['default variables (All)', () => ({ organisation: '.*', country: '.*', operator: '.*' })],
    ['a concrete organisation, country and operator', () => ({ organisation: ORGANISATION, ...place })],
  ])('overview queries on %s', (_case, values) => {
    it.each(overviewTargets.map((t) => [t.panel, t.refId, t.expr]))(
      '"%s" %s returns data with its labels',
      async (panel, refId, expr) => {
        const variables = values();
        const range = `${Math.floor((Date.now() - scrapedSince) / 1000) - 1}s`;
        const result = await prom.query(
          interpolate(expr, { range, rateInterval: '4s', interval: '1s' }, { ...variables, datasource: '' })
        );
        expect(result.length).toBeGreaterThan(0);
        for (const sample of result) {
          expect(hasLabels(sample.metric, OVERVIEW_LABELS[panel][refId])).toEqual({ extra: [], missing: [] });
          for (const label of ['organisation', 'country', 'operator'] as const) {
            if (label in sample.metric && variables[label] !== '.*' && expr.includes(`$${label}`)) {
              expect(sample.metric[label]).toBe(variables[label]);
            }
          }
        }
      }
    );
  });

  it('counts critical events exactly: once across the HA pair, each series from its first value', async () => {
    const seconds = Math.floor((Date.now() - scrapedSince) / 1000) - 1;
    const run = (panel: string) =>
      prom.query(
        interpolate(
          overviewTargets.find((t) => t.panel === panel)!.expr,
          { range: `${seconds}s`, rateInterval: '4s', interval: '1s' },
          { organisation: ORGANISATION }
        )
      );
    // Ground truth: the simulator's Critical events in the range, by type (lookup spelling, as the exporter).
    const names: Record<number, string> = { 11: 'Endpoint blocked', 12: 'Organisation blocked', 19: 'Quota used up' };
    const truth: Record<string, number> = {};
    for (const r of sim.truth({ from: Date.now() - seconds * 1000, until: Date.now() }).byLabels) {
      if (r.severityId === 2) {
        truth[names[r.typeId] ?? r.typeId] = (truth[names[r.typeId] ?? r.typeId] ?? 0) + r.count;
      }
    }
    expect(Object.keys(truth).sort()).toEqual(['Endpoint blocked', 'Organisation blocked', 'Quota used up']);
    // One row per type and place (events without network carry their endpoint's last known one): by type, summed.
    const table: Record<string, number> = {};
    for (const r of await run('Critical events by type')) {
      table[r.metric.event_type] = (table[r.metric.event_type] ?? 0) + Number(r.value[1]);
    }
    expect(table).toEqual(truth);
    const total = await run('Critical events');
    expect(total.map((r) => Number(r.value[1]))).toEqual([Object.values(truth).reduce((a, b) => a + b, 0)]);
    console.info(`critical events in the last ${seconds} s, overview vs simulator truth: ${JSON.stringify(table)}`);
  });

  it('drill-down: every overview link to the explorer opens queries that return the clicked value’s events', async () => {
    const client = new EmnifyClient({
      transport: fetchTransport({ baseUrl: sim.url }),
      applicationToken: sim.applicationToken,
      rateLimiter: null,
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
    });
    const types = await client.getEventTypes();
    const typeId = (name: string) => types.find((t) => t.description === name)!.id;
    // Failed logins and PDP context requests (some rejected), so that every link has events to show.
    sim.addEvents(2, { typeId: 6 });
    sim.addEvents(2, { typeId: 7 });
    sim.addEvents(60, { typeId: 3 });
    await sleep(3000);
    const idOf = (names: Record<number, string>, name: string) =>
      Number(Object.entries(names).find(([, n]) => n === name)![0]);
    const explorerTarget = (title: string) => explorer.panels.find((p) => p.title === title)!.targets![0];
    const seconds = Math.floor((Date.now() - scrapedSince) / 1000) - 1;
    // A range that ended 2 s ago: no event of its last second is still on its way while the queries run.
    const until = Math.floor((Date.now() - 2000) / 1000) * 1000;
    const range = { from: until - seconds * 1000, to: until };
    const checked: string[] = [];
    for (const panel of overview.panels) {
      for (const link of panelLinks(panel).filter((l) => l.url.startsWith(`/d/${explorer.uid}?`))) {
        // The clicked series: the busiest of the panel's query on the concrete organisation, country and operator.
        let labels: Record<string, string> = {};
        if (/\$\{__(field|data)/.test(link.url)) {
          const result = await prom.query(
            interpolate(
              panel.targets![0].expr!,
              { range: `${seconds}s`, rateInterval: '4s', interval: '1s' },
              { organisation: ORGANISATION, ...place, datasource: '' }
            )
          );
          expect({ panel: panel.title, samples: result.length > 0 }).toEqual({ panel: panel.title, samples: true });
          labels = result.sort((a, b) => Number(b.value[1]) - Number(a.value[1]))[0].metric;
        }
        const values = linkValues(followLink(link.url, labels, place));
        const variables = explorerVariables(values);
        const query = (title: string) =>
          toEventQuery(
            withEventTypeIds(
              withoutAnyValues(withVariables(explorerTarget(title), variables) as unknown as EmnifyQuery),
              types
            ),
            range,
            1000
          );
        const total = (await client.getEventPage({ ...query('Matching events'), perPage: 1 })).paging.totalCount;
        const { events } = await client.listEvents(query('Events'));
        // Ground truth: the simulator's events of the range with the clicked values, as the exporter labels them.
        const truth = sim
          .truth({ from: range.from, until: range.to + 999 })
          .byLabels.filter(
            (r) =>
              (!values.type || values.type.map(typeId).includes(r.typeId)) &&
              (!values.severity || r.severityId === idOf(EVENT_SEVERITY_NAMES, values.severity[0])) &&
              (!values.source || r.sourceId === idOf(EVENT_SOURCE_NAMES, values.source[0])) &&
              (!values.country || values.country.includes(r.countryIso)) &&
              (!values.operator || values.operator.includes(r.operator))
          )
          .reduce((sum, r) => sum + r.count, 0);
        const shown = {
          types: [...new Set(events.map((e) => e.typeId))].every(
            (id) => !values.type || values.type.map(typeId).includes(id)
          ),
          countries: [...new Set(events.map((e) => e.network?.countryIso ?? ''))].filter(
            (c) => values.country && !values.country.includes(c)
          ),
          operators: [...new Set(events.map((e) => e.network?.operatorName ?? ''))].filter(
            (o) => values.operator && !values.operator.includes(o)
          ),
        };
        expect({ panel: panel.title, link: link.title, values, total, listed: events.length, shown }).toEqual({
          panel: panel.title,
          link: link.title,
          values,
          total: truth,
          listed: truth,
          shown: { types: true, countries: [], operators: [] },
        });
        expect({ panel: panel.title, link: link.title, some: truth > 0 }).toEqual({
          panel: panel.title,
          link: link.title,
          some: true,
        });
        checked.push(`${panel.title}: ${JSON.stringify(values)} → ${truth}`);
      }
    }
    expect(checked.length).toBeGreaterThanOrEqual(14);
    console.info(
      `drill-down links followed (explorer's exact total = listed events = simulator truth):\n${checked.join('\n')}`
    );
  }, 60_000);

  it('shows each exporter of the pair fresh, one value each', async () => {
    const freshness = overviewTargets.find((t) => t.panel === 'Since last complete poll')!;
    const result: Sample[] = await prom.query(
      interpolate(freshness.expr, { range: '60s', rateInterval: '4s', interval: '1s' }, { organisation: '.*' })
    );
    expect(result.map((r) => r.metric.instance).sort()).toEqual(exporters.map((e) => e.instance).sort());
    for (const r of result) {
      expect(Number(r.value[1])).toBeGreaterThanOrEqual(0);
      expect(Number(r.value[1])).toBeLessThan(10);
    }
  });

  describe.each([
    ['default', () => ({})],
    ['a concrete organisation, country and operator', () => ({ organisation: ORGANISATION, ...place })],
  ])('rule expressions (%s)', (_case, values) => {
    /** The labels a recording rule keeps, as its name's level says (organisation_country_operator:...). */
    const recordLabels = (record: string) =>
      record === 'organisation:emnify_events:increase15m'
        ? ['country?', 'event_severity', 'event_source', 'event_type', 'job', 'operator?', 'organisation']
        : record
            .split(':')[0]
            .replace('event_type', 'eventtype')
            .split('_')
            .map((l) => l.replace('eventtype', 'event_type'));

    it.each(rules.map((r) => [r.record ?? r.alert ?? '', r.expr]))('%s', async (name, expr) => {
      const result = await prom.query(compressDurations(expr, COMPRESSION));
      const rule = rules.find((r) => (r.record ?? r.alert) === name)!;
      const concrete = values() as Partial<Record<string, string>>;
      if (!rule.record) {
        // Alerts: valid; and firing only if this test caused them (steady traffic fires nothing).
        if (!caused.has(name)) {
          expect(result).toEqual([]);
        }
        return;
      }
      if (rule.record.endsWith('_avg1d')) {
        // A fresh stack has no day of history: no baseline.
        expect(result).toEqual([]);
        return;
      }
      expect(result.length).toBeGreaterThan(0);
      for (const sample of result) {
        expect(hasLabels(sample.metric, recordLabels(rule.record))).toEqual({ extra: [], missing: [] });
      }
      const keys = recordLabels(rule.record).map((l) => l.replace(/\?$/, ''));
      const wanted = Object.fromEntries(Object.entries(concrete).filter(([k]) => keys.includes(k)));
      expect(result.some((s) => Object.entries(wanted).every(([k, v]) => s.metric[k] === v))).toBe(true);
    });
  });

  it('warns, and does not page, when one exporter of the pair is down', async () => {
    const b = exporters[1];
    await b.exporter.stop();
    b.stopped = true;
    const start = Date.now();
    const down = await until('EmnifyExporterDown firing', 30_000, () => firing('EmnifyExporterDown'));
    expect(down.map((s) => [s.metric.instance, s.metric.organisation, s.metric.severity])).toEqual([
      [b.instance, ORGANISATION, 'warning'],
    ]);
    await until('a ticket for EmnifyExporterDown', 20_000, async () =>
      firingNotifications('noc-tickets', 'EmnifyExporterDown', start).length > 0 ? true : undefined
    );
    // Exporter a still counts: the organisation is monitored.
    expect(await prom.query('ALERTS{alertname="EmnifyEventsUnmonitored"}')).toEqual([]);
    expect(firingNotifications('noc-pager', 'EmnifyEventsUnmonitored')).toEqual([]);
  }, 60_000);
});
