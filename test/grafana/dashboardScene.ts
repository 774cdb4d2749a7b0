/**
 * A provisioned dashboard (dashboards/*.json) as Grafana 12 runs it: a scene of the real @grafana/scenes
 * classes. Variables are built as Grafana's dashboard-scene code builds them from the saved model,
 * interpolation is scenes' own (sceneGraph.interpolate, the TemplateSrv of a scenes dashboard), panels run
 * their queries through scenes' SceneQueryRunner and annotations through its AnnotationsDataLayer, against
 * the services of runtime.ts. No Node import: the browser host uses it too.
 */
import { DataFrame, DataQueryError, LoadingState, PanelData, ScopedVars, TimeRange } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';
import {
  ConstantVariable,
  CustomVariable,
  DataSourceVariable,
  EmbeddedScene,
  QueryVariable,
  SceneCanvasText,
  SceneDataLayerSet,
  SceneFlexItem,
  SceneFlexLayout,
  SceneObject,
  SceneQueryRunner,
  SceneTimeRange,
  SceneVariable,
  SceneVariableSet,
  TextBoxVariable,
  dataLayers,
  sceneGraph,
} from '@grafana/scenes';
import { VariableFormatID } from '@grafana/schema';
import { SavedAnnotation, SavedDashboard, SavedPanel, SavedVariable } from './dashboardModel';

export * from './dashboardModel';

/**
 * public/app/features/dashboard-scene/utils/variables.ts createSceneVariableFromVariableModel, for the
 * variable types our dashboards use: an empty `allValue` becomes undefined (so "All" is every option).
 */
export function sceneVariable(v: SavedVariable): SceneVariable {
  const common = { name: v.name, label: v.label };
  const current = { value: v.current?.value ?? '', text: v.current?.text ?? '' };
  switch (v.type) {
    case 'query':
      return new QueryVariable({
        ...common,
        ...current,
        query: v.query as string,
        datasource: v.datasource,
        sort: v.sort,
        refresh: v.refresh,
        regex: v.regex,
        allValue: v.allValue || undefined,
        includeAll: v.includeAll,
        defaultToAll: Boolean(v.includeAll),
        isMulti: v.multi,
      });
    case 'custom':
      return new CustomVariable({
        ...common,
        ...current,
        query: String(v.query ?? ''),
        isMulti: v.multi,
        allValue: v.allValue || undefined,
        includeAll: v.includeAll,
        defaultToAll: Boolean(v.includeAll),
      });
    case 'textbox': {
      const value = v.current?.value
        ? Array.isArray(v.current.value)
          ? v.current.value[0]
          : v.current.value
        : v.query;
      return new TextBoxVariable({ ...common, value: String(value ?? '') });
    }
    case 'constant':
      return new ConstantVariable({ ...common, value: String(v.query ?? '') });
    case 'datasource':
      // The data sources of the plugin `query` names (DataSourceVariable lists them from the DatasourceSrv).
      return new DataSourceVariable({
        ...common,
        ...current,
        pluginId: String(v.query ?? ''),
        regex: v.regex,
        isMulti: v.multi,
        includeAll: v.includeAll,
      });
    default:
      throw new Error(`dashboard variable type ${v.type} (${v.name}) is not built by this stand-in`);
  }
}

/**
 * public/app/features/templating/template_srv.ts TemplateSrv, as it works on a scenes dashboard: `replace`
 * interpolates with sceneGraph.interpolate from the scene object a query runner puts in the scoped
 * variables (`__sceneObject`), else from the active scene; with no scene, text stays as it is (no
 * dashboard variables). getVariables, used by legacy code only, gives none.
 */
export function grafanaTemplateSrv(activeScene: () => SceneObject | undefined): TemplateSrv {
  return {
    getVariables: () => [],
    containsTemplate: (target?: string) => !!target && /\$\w+|\$\{\w+/.test(target),
    updateTimeRange: () => undefined,
    replace: (target?: string, scopedVars?: ScopedVars, format?: string | Function) => {
      const from =
        (scopedVars?.__sceneObject?.value as { valueOf?: () => SceneObject } | undefined)?.valueOf?.() ?? activeScene();
      if (!from) {
        return target ?? '';
      }
      return sceneGraph.interpolate(
        from,
        target,
        scopedVars,
        format as VariableFormatID | ((value: unknown) => string)
      );
    },
  } as unknown as TemplateSrv;
}

export interface DashboardRun {
  scene: EmbeddedScene;
  /** The TemplateSrv of a scenes dashboard (public/app/features/templating/template_srv.ts, its scenes branch). */
  templateSrv: TemplateSrv;
  /**
   * Activates the scene, as opening the dashboard does: the variable set resolves every variable's options
   * and value (in dependency order). Resolves once none is loading. Register the services first.
   */
  load(): Promise<void>;
  /** Sets variables to values (text for textboxes, a value or values for the others). */
  setValues(values: Record<string, string | string[]>): void;
  /** Runs one panel's queries through SceneQueryRunner and returns its panel data. */
  runPanel(panel: SavedPanel): Promise<PanelData>;
  /** Runs one saved annotation through AnnotationsDataLayer: its state, its events (one frame), its errors. */
  runAnnotation(
    annotation: SavedAnnotation
  ): Promise<{ state: LoadingState; events?: DataFrame; errors?: DataQueryError[] }>;
  timeRange(): TimeRange;
  /** Interpolates `text` in the scene, as a VizPanel interpolates its field config and data links. */
  interpolate(text: string, scopedVars?: ScopedVars, format?: string | ((value: unknown) => string)): string;
}

/** Builds the scene of `dashboard` over a time range (default: the dashboard's own). */
export function dashboardScene(dashboard: SavedDashboard, time?: { from: string; to: string }): DashboardRun {
  const variables = new SceneVariableSet({ variables: (dashboard.templating?.list ?? []).map(sceneVariable) });
  const scene = new EmbeddedScene({
    $timeRange: new SceneTimeRange({
      ...(time ?? dashboard.time ?? { from: 'now-6h', to: 'now' }),
      timeZone: dashboard.timezone,
    }),
    $variables: variables,
    body: new SceneFlexLayout({ children: [] }),
  });

  const templateSrv = grafanaTemplateSrv(() => scene);

  const attach = (child: SceneObject) => {
    const layout = scene.state.body as SceneFlexLayout;
    layout.setState({ children: [...layout.state.children, child as SceneFlexItem] });
    child.activate();
  };

  return {
    scene,
    templateSrv,
    timeRange: () => sceneGraph.getTimeRange(scene).state.value,
    interpolate: (text, scopedVars, format) =>
      sceneGraph.interpolate(scene, text, scopedVars, format as VariableFormatID | ((value: unknown) => string)),
    async load() {
      scene.activate();
      const deadline = Date.now() + 15_000;
      while (variables.state.variables.some((v) => variables.isVariableLoadingOrWaitingToUpdate(v))) {
        if (Date.now() > deadline) {
          throw new Error(`dashboard ${dashboard.uid}: variables still loading after 15 s`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    setValues(values) {
      for (const [name, value] of Object.entries(values)) {
        const variable = variables.getByName(name);
        if (variable instanceof TextBoxVariable) {
          variable.setValue(String(value));
        } else if (variable instanceof QueryVariable || variable instanceof CustomVariable) {
          variable.changeValueTo(value);
        } else {
          throw new Error(`no variable ${name} to set`);
        }
      }
    },
    runPanel(panel) {
      const runner = new SceneQueryRunner({
        datasource: panel.datasource,
        queries: panel.targets ?? [],
        maxDataPoints: panel.maxDataPoints,
        minInterval: panel.interval,
        runQueriesMode: 'manual',
      });
      // A panel's relative time (`timeFrom: "24h"`): its own range, now-24h to now, whatever the dashboard's
      // (public/app/features/dashboard-scene/scene/PanelTimeRange.tsx, from rangeUtil.describeTextRange).
      const $timeRange = panel.timeFrom
        ? new SceneTimeRange({ from: `now-${panel.timeFrom}`, to: 'now', timeZone: dashboard.timezone })
        : undefined;
      attach(new SceneFlexItem({ $data: runner, $timeRange, body: new SceneCanvasText({ text: panel.title }) }));
      return new Promise<PanelData>((resolve) => {
        const sub = runner.subscribeToState((state) => {
          const data = state.data;
          if (data && data.state !== LoadingState.Loading && data.state !== LoadingState.NotStarted) {
            sub.unsubscribe();
            resolve(data);
          }
        });
        runner.runQueries();
      });
    },
    runAnnotation(annotation) {
      const layer = new dataLayers.AnnotationsDataLayer({
        name: annotation.name,
        query: annotation as never,
        isEnabled: true,
      });
      attach(
        new SceneFlexItem({
          $data: new SceneDataLayerSet({ layers: [layer] }),
          body: new SceneCanvasText({ text: annotation.name }),
        })
      );
      return new Promise((resolve) => {
        const sub = layer.subscribeToState((state) => {
          const data = state.data;
          if (data && data.state !== LoadingState.Loading && data.state !== LoadingState.NotStarted) {
            sub.unsubscribe();
            // AnnotationsDataLayer.processEvents: the events as one frame of dataTopic annotations.
            resolve({ state: data.state, events: data.series[0], errors: data.errors });
          }
        });
        layer.runLayer();
      });
    },
  };
}
