/**
 * @jest-environment ./test/support/jsdomWithFetch.js
 */
/**
 * The provisioned dashboards as Grafana 12 runs them: each a scene of @grafana/scenes' own classes
 * (variables, interpolation, SceneQueryRunner, AnnotationsDataLayer), over the backend_srv and data source
 * proxy stand-ins, against the simulator. Every plugin panel runs on the dashboard's defaults ("All"), on
 * "All" without a custom all value, and on concrete values; the expected events come from the simulator's
 * own API through a model of what each panel asks for.
 */
import { DataSourceInstanceSettings, LoadingState } from '@grafana/data';
import { BackendSrv } from '@grafana/runtime';
import { EmnifyClient, EmnifyEvent, EventTypeInfo, fetchTransport } from '@emnify-events/client';
import { COUNTRIES, RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { DataSource } from './datasource';
import { EmnifyDataSourceOptions } from './types';
import {
  DashboardRun,
  SavedDashboard,
  SavedTarget,
  dashboardScene,
  pluginPanels,
} from '../test/grafana/dashboardScene';
import { grafanaBackend, instanceUrl } from '../test/grafana/grafanaServer';
import { registerGrafanaServices } from '../test/grafana/runtime';
import { ApiSpelling, Choice, expectedFilter, shownEvents } from '../test/support/panelModel';
import explorerJson from '../dashboards/emnify-event-explorer.json';
import overviewJson from '../dashboards/emnify-events-overview.json';

const PLUGIN_ID = 'emnify-events-datasource';
const UID = 'emnify-events';
const HOUR = 3_600_000;
const explorer = explorerJson as unknown as SavedDashboard;
const dashboards = [explorer, overviewJson as unknown as SavedDashboard];

describe('the provisioned dashboards, run by @grafana/scenes', () => {
  let sim: RunningSimulator;
  let reference: EmnifyClient;
  /** Type ids and country names from the simulator's own lookup and countries. */
  let spelling: ApiSpelling;
  /** The type lookup: the names the type variable offers (an event's own description may differ, e.g. "Update location" for "Update Location"). */
  let types: EventTypeInfo[];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 23, historyMs: 26 * HOUR, historyEvents: 4000, eventsPerSecond: 0 });
    reference = new EmnifyClient({
      transport: fetchTransport({ baseUrl: sim.url }),
      applicationToken: sim.applicationToken,
      rateLimiter: null,
    });
    types = await reference.getEventTypes();
    spelling = {
      typeId: (name) => types.find((t) => t.description === name)!.id,
      countryName: (iso) => Object.values(COUNTRIES).find((c) => c.iso === iso.toLowerCase())!.name,
    };
  });
  afterAll(() => sim.close());

  /** The dashboard's scene with the plugin's DataSource registered as Grafana registers data sources. */
  async function open(dashboard: SavedDashboard, time?: { from: string; to: string }): Promise<DashboardRun> {
    const run = dashboardScene(dashboard, time);
    const { backendSrv } = grafanaBackend(UID, {
      jsonData: { apiUrl: sim.url },
      secureJsonData: { applicationToken: sim.applicationToken },
    });
    const ds = new DataSource(
      {
        uid: UID,
        name: 'emnify',
        type: PLUGIN_ID,
        url: instanceUrl(UID),
        jsonData: { apiUrl: sim.url },
        access: 'proxy',
        meta: {},
        readOnly: false,
      } as unknown as DataSourceInstanceSettings<EmnifyDataSourceOptions>,
      run.templateSrv,
      () => backendSrv as BackendSrv,
      { rateLimiter: null }
    );
    registerGrafanaServices([ds], run.templateSrv);
    await run.load();
    return run;
  }

  /** Runs every plugin panel of `dashboard` and compares each with the events the simulator has. */
  async function checkPanels(run: DashboardRun, dashboard: SavedDashboard, choice: Choice) {
    const results: Array<{ panel: string; state: LoadingState; errors: unknown; shown: number; expected: number }> = [];
    for (const panel of pluginPanels(dashboard, PLUGIN_ID)) {
      const data = await run.runPanel(panel);
      const [target] = panel.targets as SavedTarget[];
      // The panel's own range: the dashboard's, or its relative time (timeFrom).
      const range = data.request!.range;
      const { events } = await reference.listEvents({
        filter: {
          ...expectedFilter(target, choice, spelling),
          from: range.from.valueOf(),
          until: range.to.valueOf(),
        },
        perPage: 1000,
      });
      results.push({
        panel: panel.title,
        state: data.state,
        errors: data.errors,
        shown: shownEvents(data.series, target.format),
        expected: events.length,
      });
    }
    for (const r of results) {
      expect(r).toEqual({ ...r, state: LoadingState.Done, errors: undefined, shown: r.expected });
    }
    return results;
  }

  it('knows which dashboards have panels of the plugin', () => {
    expect(dashboards.map((d) => [d.uid, pluginPanels(d, PLUGIN_ID).length])).toEqual([
      ['emnify-event-explorer', 12],
      ['emnify-events-overview', 0],
    ]);
  });

  it('explorer: every panel and the annotation run on the defaults ("All", empty text boxes)', async () => {
    const run = await open(explorer);
    // As Grafana holds them: "All" is the custom all value `*`, inserted as it is.
    expect(run.templateSrv.replace('$type|$severity|$source|[$endpoint]', {}, (v: unknown) => String(v))).toBe(
      '*|*|*|[]'
    );
    const results = await checkPanels(run, explorer, {});
    expect(results.find((r) => r.panel === 'Events')?.expected).toBeGreaterThan(1000);
    const critical = (
      await reference.listEvents({
        filter: { severity: 2, from: run.timeRange().from.valueOf(), until: run.timeRange().to.valueOf() },
      })
    ).events;
    const annotation = await run.runAnnotation(explorer.annotations!.list[1]);
    expect({ state: annotation.state, events: annotation.events?.length }).toEqual({
      state: LoadingState.Done,
      events: critical.length,
    });
    expect(critical.length).toBeGreaterThan(0);
  });

  it('explorer: "All" without a custom all value (every option) is no filter either', async () => {
    // For variables whose every value the plugin knows: types (by name), severities, sources.
    const withoutAllValue = JSON.parse(JSON.stringify(explorer)) as SavedDashboard;
    for (const v of withoutAllValue.templating!.list) {
      if (['type', 'severity', 'source'].includes(v.name)) {
        v.allValue = '';
      }
    }
    const run = await open(withoutAllValue);
    // Scenes hands the plugin every option’s value: 67 event types, three severities, three sources.
    const values: unknown[] = [];
    run.templateSrv.replace('$type $severity $source', {}, (v: unknown) => (values.push(v), ''));
    expect(values.map((v) => (v as string[]).length)).toEqual([67, 3, 3]);
    await checkPanels(run, withoutAllValue, {});
  });

  it('explorer: the "last 24 h" panels read the last 24 hours whatever the dashboard range, the others follow it', async () => {
    const run = await open(explorer, { from: 'now-1h', to: 'now' });
    const results = await checkPanels(run, explorer, {});
    const spans: Record<string, number> = {};
    for (const panel of pluginPanels(explorer, PLUGIN_ID)) {
      const range = (await run.runPanel(panel)).request!.range;
      spans[panel.title] = range.to.valueOf() - range.from.valueOf();
    }
    expect(
      Object.entries(spans)
        .filter(([, span]) => span === 24 * HOUR)
        .map(([title]) => title)
    ).toEqual(['Critical events in the last 24 h', 'Critical events in the last 24 h: which SIM?']);
    expect(new Set(Object.values(spans).filter((span) => span !== 24 * HOUR))).toEqual(new Set([HOUR]));
    // More critical events in the last 24 hours than in the dashboard's last hour: the panel is not the range's.
    const critical = results.find((r) => r.panel === 'Critical events in the last 24 h')!;
    const inTheHour = (
      await reference.listEvents({
        filter: { severity: 2, from: run.timeRange().from.valueOf(), until: run.timeRange().to.valueOf() },
      })
    ).events.length;
    expect(critical.shown).toBeGreaterThan(inTheHour);
  });

  it("explorer: more than 6 operators (the API's limit) is an error naming the variable, not a cut", async () => {
    const run = await open(explorer);
    const operators = ['Telekom', 'Vodafone', 'Telefonica O2', 'EE', 'KPN', 'SFR', 'TIM'];
    run.setValues({ operator: operators });
    const events = pluginPanels(explorer, PLUGIN_ID).find((p) => p.title === 'Events')!;
    const data = await run.runPanel(events);
    expect({ state: data.state, errors: data.errors?.map((e) => e.message), rows: data.series.length }).toEqual({
      state: LoadingState.Error,
      errors: [
        `Invalid filter "network": $operator holds 7 values (${operators.join(', ')}), but Operator takes at most 6 (the emnify API's limit): select at most 6, or All (All is any value when the variable's custom all value is "*")`,
      ],
      rows: 0,
    });
  });

  it('explorer: every panel runs on concrete values of every variable', async () => {
    const run = await open(explorer);
    const range = run.timeRange();
    // The values of an event the simulator has: the panels filtered by them show at least that one.
    const { events } = await reference.listEvents({
      filter: { from: range.from.valueOf(), until: range.to.valueOf(), source: 0 },
      perPage: 1000,
    });
    // An "Update location" event: its description differs from its lookup name ("Update Location"), as
    // emnify's do, and the variable holds the lookup's name.
    const event = events.find((e: EmnifyEvent) => e.typeId === 1 && e.endpoint?.name && e.sim?.iccid && e.network)!;
    expect(event.typeDescription).toBe('Update location');
    // As the variables hold them: the type by its lookup name (what the variable offers), the country as its
    // ISO code (the exporter's label).
    const choice: Choice = {
      type: [types.find((t) => t.id === event.typeId)!.description],
      severity: String(event.severityId),
      source: '0',
      country: [event.network!.countryIso],
      operator: [event.network!.operatorName],
      endpoint: event.endpoint!.name,
      iccid: event.sim!.iccid!.slice(0, 12),
    };
    run.setValues(choice as Record<string, string | string[]>);
    const results = await checkPanels(run, explorer, choice);
    expect(results.find((r) => r.panel === 'Events')?.expected).toBeGreaterThan(0);
  });

  it('runs a new annotation the user did not edit (no target) as the default: critical events', async () => {
    const run = await open(explorer);
    const range = run.timeRange();
    const annotation = await run.runAnnotation({
      name: 'New annotation',
      datasource: { type: PLUGIN_ID, uid: UID },
      enable: true,
      iconColor: 'red',
    });
    const critical = (
      await reference.listEvents({ filter: { severity: 2, from: range.from.valueOf(), until: range.to.valueOf() } })
    ).events;
    expect({ state: annotation.state, events: annotation.events?.length }).toEqual({
      state: LoadingState.Done,
      events: critical.length,
    });
    expect(critical.length).toBeGreaterThan(0);
  });
});
