/**
 * The shipped alerting: promtool checks and unit tests of the rules (real Prometheus engine), amtool
 * checks and routing tests of the Alertmanager configuration (real Alertmanager code), and the
 * agreement between rules, Alertmanager, runbook and dashboards. The live behaviour (a burst pages
 * once, an inhibited alert stays quiet) is in stack.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { have, requireEnginesInCi } from './support/binaries';
import { dashboard, linkVariables } from './support/dashboards';

requireEnginesInCi();

const ROOT = resolve(__dirname, '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const RULES = 'provisioning/prometheus/rules/emnify-events.yml';
const RULE_TESTS = 'provisioning/prometheus/rules/tests/emnify-events.test.yml';
const ALERTMANAGER = 'provisioning/alertmanager/alertmanager.yml';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (parse(read(RULES)) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const alerts = rules.filter((r): r is Rule & { alert: string } => r.alert !== undefined);

interface AlertmanagerConfig {
  route: { receiver: string; group_by: string[]; routes: Array<{ matchers: string[]; receiver: string }> };
  receivers: Array<{ name: string }>;
  inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[]; equal: string[] }>;
}
const alertmanager = parse(read(ALERTMANAGER)) as AlertmanagerConfig;

/** The labels each alert fires with, from the promtool scenarios (checked by promtool against the engine). */
function firedLabels(): Map<string, Array<Record<string, string>>> {
  const tests = parse(read(RULE_TESTS)) as {
    tests: Array<{
      alert_rule_test?: Array<{ alertname: string; exp_alerts: Array<{ exp_labels: Record<string, string> }> }>;
    }>;
  };
  const out = new Map<string, Array<Record<string, string>>>();
  for (const t of tests.tests.flatMap((s) => s.alert_rule_test ?? [])) {
    for (const a of t.exp_alerts) {
      out.set(t.alertname, [...(out.get(t.alertname) ?? []), { alertname: t.alertname, ...a.exp_labels }]);
    }
  }
  return out;
}

/** A matcher of the form name="value", name!="value", name=~"re" or name!~"re", applied to labels. */
function matches(matcher: string, labels: Record<string, string>): boolean {
  const m = /^(\w+)(=~|!~|!=|=)"(.*)"$/.exec(matcher);
  if (!m) {
    throw new Error(`matcher not understood: ${matcher}`);
  }
  const [, name, op, value] = m;
  const actual = labels[name] ?? '';
  const re = new RegExp(`^(?:${value})$`);
  return { '=': actual === value, '!=': actual !== value, '=~': re.test(actual), '!~': !re.test(actual) }[op]!;
}

/** `amtool config routes test` of the shipped configuration: the receivers it names, and its exit status. */
function routesTest(labels: Record<string, string>, verify?: string): { status: number | null; receivers: string } {
  const r = spawnSync(
    'amtool',
    [
      'config',
      'routes',
      'test',
      `--config.file=${ALERTMANAGER}`,
      ...(verify ? [`--verify.receivers=${verify}`] : []),
      ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ],
    { cwd: ROOT, encoding: 'utf8' }
  );
  return { status: r.status, receivers: r.stdout.trim() };
}

const withPromtool = have('promtool') ? describe : describe.skip;
const withAmtool = have('amtool') ? describe : describe.skip;

withPromtool('Prometheus rules (promtool)', () => {
  it('pass promtool check config, check rules and the unit tests of every scenario', () => {
    for (const args of [
      ['check', 'config', '--syntax-only', 'provisioning/prometheus/prometheus.yml'],
      ['check', 'rules', RULES],
      ['test', 'rules', RULE_TESTS],
    ]) {
      const r = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8' });
      expect({ args, status: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({
        args,
        status: 0,
        out: '',
      });
    }
  });

  it('test every alert firing at least once, with its labels and annotations', () => {
    const fired = firedLabels();
    expect(alerts.map((a) => a.alert).filter((name) => !fired.has(name))).toEqual([]);
  });
});

withAmtool('Alertmanager configuration (amtool)', () => {
  it('passes amtool check-config', () => {
    const r = spawnSync('amtool', ['check-config', ALERTMANAGER], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ status: 0, out: '' });
  });

  // What `amtool config routes test` answers for the labels each alert fires with (from the promtool
  // scenarios): critical pages, warning opens a ticket; an alert of someone else's rules, a ticket.
  it.each([
    [{ alertname: 'EmnifyOrganisationBlocked', severity: 'critical', organisation: 'acme' }, 'noc-pager'],
    [{ alertname: 'EmnifyEventsUnmonitored', severity: 'critical', organisation: 'acme' }, 'noc-pager'],
    [{ alertname: 'EmnifyReattachStorm', severity: 'warning', organisation: 'acme', country: 'DE' }, 'noc-tickets'],
    [{ alertname: 'EmnifyExporterDown', severity: 'warning', instance: 'a:8486' }, 'noc-tickets'],
    [{ alertname: 'SomethingElse' }, 'noc-tickets'],
  ])('routes %j to %s', (labels: Record<string, string>, receiver) => {
    expect(routesTest(labels, receiver)).toEqual({ status: 0, receivers: receiver });
  });

  it('routes every alert by its severity: critical to the pager, warning to tickets', () => {
    for (const [name, fired] of firedLabels()) {
      for (const labels of fired) {
        expect({ name, receivers: routesTest(labels).receivers }).toEqual({
          name,
          receivers: { critical: 'noc-pager', warning: 'noc-tickets' }[labels.severity],
        });
      }
    }
  });
});

describe('rules, Alertmanager, runbook and dashboards agree', () => {
  it('every alert fires with the labels Alertmanager groups by', () => {
    for (const [name, fired] of firedLabels()) {
      for (const labels of fired) {
        for (const label of alertmanager.route.group_by) {
          expect({ name, label, value: labels[label] }).toEqual({ name, label, value: expect.any(String) });
        }
      }
    }
  });

  it('each inhibition matches firing alerts as source and target, sharing its equal labels', () => {
    const fired = [...firedLabels().values()].flat();
    for (const rule of alertmanager.inhibit_rules) {
      const sources = fired.filter((l) => rule.source_matchers.every((m) => matches(m, l)));
      const targets = fired.filter((l) => rule.target_matchers.every((m) => matches(m, l)));
      expect({ rule: rule.source_matchers, sources: sources.length > 0, targets: targets.length > 0 }).toEqual({
        rule: rule.source_matchers,
        sources: true,
        targets: true,
      });
      for (const labels of [...sources, ...targets]) {
        for (const label of rule.equal) {
          expect({ alert: labels.alertname, label, has: label in labels }).toEqual({
            alert: labels.alertname,
            label,
            has: true,
          });
        }
      }
    }
  });

  it('gives every alert a severity with a route, and a runbook section that names it', () => {
    const runbook = read('docs/runbook.md');
    const routed = alertmanager.route.routes.flatMap((r) => r.matchers);
    for (const rule of alerts) {
      expect(routed).toContain(`severity="${rule.labels?.severity}"`);
      const anchor = rule.annotations?.runbook_url.split('#')[1];
      expect({ alert: rule.alert, anchor }).toEqual({ alert: rule.alert, anchor: rule.alert.toLowerCase() });
      expect(runbook).toContain(`## ${rule.alert}\n`);
    }
    // And no section for an alert that does not exist.
    const sections = [...runbook.matchAll(/^## (\w+)$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual(alerts.map((a) => a.alert).sort());
  });

  it('gives every alert a dashboard_url to a dashboard of ours, with variables it has', () => {
    for (const rule of alerts) {
      const url = rule.annotations?.dashboard_url ?? '';
      const m = /^http:\/\/localhost:3000\/d\/([\w-]+)\?/.exec(url);
      expect({ alert: rule.alert, url: m ? 'ok' : url }).toEqual({ alert: rule.alert, url: 'ok' });
      const variables = dashboard(m![1]).templating.list.map((v) => v.name);
      for (const name of linkVariables(url)) {
        expect(variables).toContain(name);
      }
      // The labels it fills in are labels the alert has.
      for (const label of [...url.matchAll(/\$labels\.(\w+)/g)].map((x) => x[1])) {
        expect(firedLabels().get(rule.alert)?.[0]).toHaveProperty(label);
      }
    }
  });
});
