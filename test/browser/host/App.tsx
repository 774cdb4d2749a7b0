/**
 * The host page's UI: the plugin's own editors, mounted as Grafana mounts them, and the results of
 * its queries shown with @grafana/ui's Table and TimeSeries. Everything a browser test looks at carries
 * a data-testid from `hostIds`.
 */
import React, { useCallback, useEffect, useMemo, useState } from 'react';
import {
  CoreApp,
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceApi,
  DataSourcePlugin,
  DataSourceSettings,
  FieldColorModeId,
  LoadingState,
  TestDataSourceResponse,
  applyFieldOverrides,
  createTheme,
  dateTime,
} from '@grafana/data';
import { Alert, Button, TimeSeries } from '@grafana/ui';
// Grafana 12.4's table panel draws with TableNG (public/app/plugins/panel/table/table-new/TablePanel.tsx).
import { TableNG } from '@grafana/ui/unstable';
import { LegendDisplayMode } from '@grafana/schema';
import { getTemplateSrv } from '@grafana/runtime';
import { from, lastValueFrom } from 'rxjs';
import { SavedDashboard, SavedTarget, dashboardScene, pluginPanels } from '../../grafana/dashboardScene';
import { registerGrafanaServices } from '../../grafana/runtime';
import { shownEvents } from '../../support/panelModel';
import { ExplorerPanels, ExplorerView, runExplorer } from './ExplorerPanels';
import { DashboardResult, hostIds } from './ids';

type Query = { refId: string; format?: string; [key: string]: unknown };
type Settings = DataSourceSettings<Record<string, unknown>, Record<string, string>>;
type Api = DataSourceApi<Query>;

export interface HostProps {
  plugin: DataSourcePlugin<Api, Query>;
  settingsUrl: string;
  proxyUrl: string;
  range: { from: number; to: number };
}

const theme = createTheme({ colors: { mode: 'dark' } });

/**
 * Opens every provisioned dashboard as Grafana 12 does (a scene of @grafana/scenes, test/grafana/
 * dashboardScene.ts) on its default variable values and time range, and runs each plugin panel and
 * annotation through the registered data source.
 */
async function runDashboards(pluginId: string): Promise<DashboardResult[]> {
  const files = (await (await fetch('/dashboards/')).json()) as string[];
  const results: DashboardResult[] = [];
  for (const file of files) {
    const json = (await (await fetch(`/dashboards/${file}`)).json()) as SavedDashboard;
    const panels = pluginPanels(json, pluginId);
    const annotations = (json.annotations?.list ?? []).filter((a) => a.datasource?.type === pluginId);
    if (panels.length === 0 && annotations.length === 0) {
      continue;
    }
    const run = dashboardScene(json);
    await run.load();
    const result = (
      kind: DashboardResult['kind'],
      title: string,
      data: { state: string; errors?: Array<{ message?: string }> },
      events: number,
      range: { from: { valueOf(): number }; to: { valueOf(): number } }
    ): DashboardResult => ({
      dashboard: json.uid,
      kind,
      title,
      state: data.state,
      events,
      error: data.errors?.[0]?.message,
      from: range.from.valueOf(),
      to: range.to.valueOf(),
    });
    for (const panel of panels) {
      const data = await run.runPanel(panel);
      const events = shownEvents(data.series, (panel.targets as SavedTarget[])[0].format);
      results.push(result('panel', panel.title, data, events, data.request?.range ?? run.timeRange()));
    }
    for (const annotation of annotations) {
      const data = await run.runAnnotation(annotation);
      results.push(result('annotation', annotation.name, data, data.events?.length ?? 0, run.timeRange()));
    }
  }
  return results;
}
/** Panel width: a full-width panel on a 1280 px screen (the page's viewport, less its padding). */
const WIDTH = 1248;
const TABLE_HEIGHT = 360;

function request(
  targets: Query[],
  range: { from: number; to: number },
  app = CoreApp.Dashboard
): DataQueryRequest<Query> {
  const intervalMs = Math.max(60_000, Math.round((range.to - range.from) / 100));
  return {
    requestId: `host-${Date.now()}`,
    interval: `${Math.round(intervalMs / 1000)}s`,
    intervalMs,
    range: {
      from: dateTime(range.from),
      to: dateTime(range.to),
      raw: { from: dateTime(range.from), to: dateTime(range.to) },
    },
    scopedVars: {},
    targets,
    timezone: 'utc',
    app,
    startTime: Date.now(),
  };
}

/** A data source answers with an Observable or a Promise; panels take either. */
const answer = (result: Promise<DataQueryResponse> | ReturnType<Api['query']>): Promise<DataQueryResponse> =>
  lastValueFrom(from(result));

/** What a panel needs before it can draw a frame: display processors from the theme. */
function displayable(frames: DataFrame[]): DataFrame[] {
  return applyFieldOverrides({
    data: frames,
    // A panel's defaults: Grafana's classic palette gives each series its colour.
    fieldConfig: { defaults: { color: { mode: FieldColorModeId.PaletteClassic } }, overrides: [] },
    replaceVariables: (v: string) => v,
    theme,
    timeZone: 'utc',
  });
}

function Results({
  response,
  format,
  range,
}: {
  response?: DataQueryResponse;
  format?: string;
  range: { from: number; to: number };
}) {
  const frames = useMemo(() => (response ? displayable(response.data as DataFrame[]) : []), [response]);
  if (!response) {
    return null;
  }
  const notices = frames.flatMap((f) => f.meta?.notices ?? []);
  const errors = response.errors ?? [];
  return (
    <div data-testid={hostIds.results}>
      {errors.map((e, i) => (
        <Alert key={`e${i}`} data-testid={hostIds.resultError} severity="error" title={e.message ?? 'Query failed'} />
      ))}
      {notices
        .filter((n, i, all) => all.findIndex((m) => m.text === n.text) === i)
        .map((n, i) => (
          <Alert
            key={`n${i}`}
            data-testid={hostIds.resultNotice}
            severity={n.severity === 'error' ? 'error' : n.severity === 'warning' ? 'warning' : 'info'}
            title={n.text}
          />
        ))}
      {format === 'counts' ? (
        <>
          <div data-testid={hostIds.resultSeries}>
            {frames.map((f) => {
              const values = f.fields[1]?.values ?? [];
              const total = values.reduce((sum: number, v: number) => sum + (v ?? 0), 0);
              return (
                <div
                  key={f.name ?? f.fields[1]?.name}
                  data-series={f.fields[1]?.config.displayNameFromDS ?? f.name ?? f.fields[1]?.name}
                  data-total={total}
                >
                  {(f.fields[1]?.config.displayNameFromDS ?? f.name ?? f.fields[1]?.name) + `: ${total}`}
                </div>
              );
            })}
          </div>
          {frames.length > 0 && (
            <TimeSeries
              frames={frames}
              width={WIDTH}
              height={320}
              timeZone="utc"
              timeRange={{
                from: dateTime(range.from),
                to: dateTime(range.to),
                raw: { from: dateTime(range.from), to: dateTime(range.to) },
              }}
              legend={{ displayMode: LegendDisplayMode.List, placement: 'bottom', showLegend: true, calcs: [] }}
            />
          )}
        </>
      ) : (
        frames.slice(0, 1).map((f) => (
          <div key="table">
            <div data-testid={hostIds.resultRows} data-rows={f.length}>{`${f.length} rows`}</div>
            {/* A panel body of fixed size, as PanelChrome gives the table panel (TableNG fills its parent). */}
            <div style={{ width: WIDTH, height: TABLE_HEIGHT }}>
              <TableNG data={f} width={WIDTH} height={TABLE_HEIGHT} resizable />
            </div>
          </div>
        ))
      )}
    </div>
  );
}

export function App({ plugin, settingsUrl, proxyUrl, range }: HostProps) {
  const [settings, setSettings] = useState<Settings>();
  const [health, setHealth] = useState<TestDataSourceResponse & { status: string }>();
  const [ds, setDs] = useState<Api>();
  const [query, setQuery] = useState<Query>({ refId: 'A' });
  const [response, setResponse] = useState<DataQueryResponse>();
  const [annotation, setAnnotation] = useState<Query>();
  const [annotationResponse, setAnnotationResponse] = useState<DataQueryResponse>();
  const [variableQuery, setVariableQuery] = useState<Query>({ refId: 'variable', kind: 'eventTypes' });
  const [variableValues, setVariableValues] = useState<string[]>();
  const [running, setRunning] = useState<LoadingState>(LoadingState.NotStarted);
  const [runs, setRuns] = useState(0);
  // As in Grafana, queries are written against a data source that has been configured and saved.
  const [configured, setConfigured] = useState(false);
  const [dashboardResults, setDashboardResults] = useState<DashboardResult[]>();
  const [explorerView, setExplorerView] = useState<ExplorerView>();

  /** Grafana makes a new instance from the saved settings whenever they are saved. */
  const instantiate = useCallback(
    (saved: Settings) => {
      const instance = new plugin.DataSourceClass({
        // Deprecated (removed in Grafana 13); Grafana 12.4 still passes it to every data source.
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        id: saved.id,
        uid: saved.uid,
        type: saved.type,
        name: saved.name,
        url: proxyUrl,
        jsonData: saved.jsonData,
        access: 'proxy',
        readOnly: false,
        meta: plugin.meta,
      });
      setDs(instance);
      // As Grafana's DatasourceSrv serves the saved instance to dashboards.
      registerGrafanaServices([instance], getTemplateSrv());
      setAnnotation((a) => a ?? { refId: 'Anno', ...(instance.annotations?.getDefaultQuery?.() ?? {}) });
      setQuery((q) => ({ ...(instance.getDefaultQuery?.(CoreApp.Dashboard) ?? {}), ...q }));
      return instance;
    },
    [plugin, proxyUrl]
  );

  useEffect(() => {
    fetch(settingsUrl)
      .then((r) => r.json())
      .then((saved: Settings) => {
        setSettings(saved);
        instantiate(saved);
      })
      .catch((err: Error) => console.error(`could not load the saved settings: ${err.message}`));
  }, [settingsUrl, instantiate]);

  const saveAndTest = async () => {
    if (!settings) {
      return;
    }
    setHealth(undefined);
    const res = await fetch(settingsUrl, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(settings),
    });
    const saved = ((await res.json()) as { datasource: Settings }).datasource;
    setSettings(saved);
    setConfigured(true);
    const instance = instantiate(saved);
    const result = await instance.testDatasource();
    setHealth(result as TestDataSourceResponse & { status: string });
  };

  const run = async (target: Query = query) => {
    if (!ds) {
      return;
    }
    setRunning(LoadingState.Loading);
    setResponse(await answer(ds.query(request([target], range))));
    setRunning(LoadingState.Done);
    setRuns((n) => n + 1);
  };

  const runAnnotations = async () => {
    const support = ds?.annotations;
    const prepared = support?.prepareQuery?.({
      name: 'Host annotations',
      enable: true,
      iconColor: 'red',
      target: annotation,
    });
    if (ds && prepared) {
      setAnnotationResponse(await answer(ds.query(request([prepared], range))));
    }
  };

  const runVariable = async () => {
    const support = ds?.variables as unknown as
      { query: (r: DataQueryRequest<Query>) => ReturnType<Api['query']> } | undefined;
    if (support) {
      const res = await answer(support.query(request([variableQuery], range, CoreApp.Unknown)));
      const frame = (res.data as DataFrame[])[0];
      setVariableValues((frame?.fields.find((f) => f.name === 'text')?.values ?? []) as string[]);
    }
  };

  const ConfigEditor = plugin.components.ConfigEditor;
  const QueryEditor = plugin.components.QueryEditor;
  const AnnotationEditor = ds?.annotations?.QueryEditor;
  const VariableEditor = (
    ds?.variables as unknown as
      { editor?: React.ComponentType<{ query: Query; onChange: (q: Query) => void }> } | undefined
  )?.editor;

  return (
    <div
      style={{ padding: 16, width: WIDTH + 32 }}
      data-testid={hostIds.root}
      data-plugin-id={plugin.meta?.id}
      data-plugin-name={plugin.meta?.name}
    >
      <section data-testid={hostIds.config}>
        <h3>Data source settings</h3>
        {settings && ConfigEditor && (
          <ConfigEditor options={settings} onOptionsChange={(o) => setSettings(o as Settings)} />
        )}
        <Button data-testid={hostIds.saveAndTest} onClick={saveAndTest}>
          Save &amp; test
        </Button>
        {health && (
          <Alert
            data-testid={hostIds.health}
            severity={health.status === 'success' ? 'success' : 'error'}
            title={health.message}
          />
        )}
      </section>

      {configured && (
        <>
          <section data-testid={hostIds.query}>
            <h3>Query</h3>
            {ds && QueryEditor && (
              <QueryEditor
                datasource={ds}
                query={query}
                onChange={setQuery}
                onRunQuery={() => undefined}
                app={CoreApp.Dashboard}
              />
            )}
            <Button data-testid={hostIds.run} onClick={() => run()} disabled={!ds}>
              Run query
            </Button>
            <span
              data-testid={hostIds.state}
              data-state={running}
              data-runs={runs}
              data-query={JSON.stringify(query)}
            />
            <Results response={response} format={query.format} range={range} />
          </section>

          <section data-testid={hostIds.annotations}>
            <h3>Annotations</h3>
            {ds && AnnotationEditor && annotation && (
              <AnnotationEditor
                datasource={ds}
                query={annotation}
                onChange={setAnnotation}
                onRunQuery={() => undefined}
              />
            )}
            <Button data-testid={hostIds.runAnnotations} onClick={runAnnotations} disabled={!ds}>
              Run annotations
            </Button>
            {annotationResponse && (
              <div
                data-testid={hostIds.annotationCount}
                data-count={(annotationResponse.data[0] as DataFrame | undefined)?.length ?? 0}
              >
                {`${(annotationResponse.data[0] as DataFrame | undefined)?.length ?? 0} annotations`}
              </div>
            )}
          </section>

          <section data-testid={hostIds.dashboards}>
            <h3>Provisioned dashboards</h3>
            <Button
              data-testid={hostIds.runDashboards}
              onClick={async () => {
                setDashboardResults(undefined);
                setDashboardResults(await runDashboards(plugin.meta.id));
              }}
              disabled={!ds}
            >
              Run every plugin panel on the defaults
            </Button>
            {dashboardResults && (
              <div data-testid={hostIds.dashboardsDone} data-count={dashboardResults.length}>
                {dashboardResults.map((r) => (
                  <div
                    key={`${r.dashboard}/${r.kind}/${r.title}`}
                    data-testid={hostIds.dashboardResult}
                    data-result={JSON.stringify(r)}
                  >
                    {`${r.dashboard} · ${r.title}: ${r.state}, ${r.events} event(s)${r.error ? ` · ${r.error}` : ''}`}
                  </div>
                ))}
              </div>
            )}
          </section>

          <section>
            <h3>The explorer dashboard, drawn</h3>
            <Button
              data-testid={hostIds.runExplorer}
              onClick={async () => {
                setExplorerView(undefined);
                setExplorerView(await runExplorer(plugin.meta.id));
              }}
              disabled={!ds}
            >
              Draw the explorer on its defaults
            </Button>
            {explorerView && <ExplorerPanels view={explorerView} />}
          </section>

          <section data-testid={hostIds.variables}>
            <h3>Variable</h3>
            {VariableEditor && <VariableEditor query={variableQuery} onChange={setVariableQuery} />}
            <Button data-testid={hostIds.runVariable} onClick={runVariable} disabled={!ds}>
              Run variable query
            </Button>
            {variableValues && (
              <div data-testid={hostIds.variableValues} data-count={variableValues.length}>
                {variableValues.join(', ')}
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
