/**
 * A provisioned dashboard (dashboards/*.json) as Grafana 12 runs it: a scene of the real @grafana/scenes
 * classes. Variables are built as Grafana's dashboard-scene code builds them from the saved model,
 * interpolation is scenes' own (sceneGraph.interpolate, the TemplateSrv of a scenes dashboard), panels run
 * their queries through scenes' SceneQueryRunner and annotations through its AnnotationsDataLayer, against
 * the services of runtime.ts. No Node import: the browser host uses it too.
 */
import {
  DataFrame,
  DataQueryError,
  DataSourceRef,
  LoadingState,
  PanelData,
  ScopedVars,
  TimeRange,
} from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';
import {
  ConstantVariable,
  CustomVariable,
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

/** The saved model of a dashboard variable (the fields Grafana reads). */
export interface SavedVariable {
  name: string;
  type: string;
  label?: string;
  query?: unknown;
  datasource?: DataSourceRef;
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string | null;
  current?: { text?: string | string[]; value?: string | string[] };
  refresh?: number;
  regex?: string;
  sort?: number;
}

export interface SavedTarget {
  refId: string;
  datasource?: DataSourceRef;
  [key: string]: unknown;
}

export interface SavedPanel {
  id: number;
  title: string;
  type: string;
  datasource?: DataSourceRef;
  targets?: SavedTarget[];
  maxDataPoints?: number;
  interval?: string;
}

export interface SavedAnnotation {
  name: string;
  datasource?: DataSourceRef;
  enable?: boolean;
  builtIn?: number;
  target?: SavedTarget;
  [key: string]: unknown;
}

export interface SavedDashboard {
  uid: string;
  title: string;
  time?: { from: string; to: string };
  timezone?: string;
  templating?: { list: SavedVariable[] };
  annotations?: { list: SavedAnnotation[] };
  panels: SavedPanel[];
}

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
    default:
      throw new Error(`dashboard variable type ${v.type} (${v.name}) is not built by this stand-in`);
  }
}

/** A dashboard's plugin panels (and targets) of data source type `pluginId`. */
export function pluginPanels(dashboard: SavedDashboard, pluginId: string): SavedPanel[] {
  return dashboard.panels.filter(
    (p) => p.datasource?.type === pluginId || (p.targets ?? []).some((t) => t.datasource?.type === pluginId)
  );
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

  const templateSrv = {
    getVariables: () => [],
    containsTemplate: (target?: string) => !!target && /\$\w+|\$\{\w+/.test(target),
    updateTimeRange: () => undefined,
    // TemplateSrv.replace with scenes: the scene object in scopedVars, else the active scene.
    replace: (target?: string, scopedVars?: ScopedVars, format?: string | Function) => {
      const from = (scopedVars?.__sceneObject?.value as { valueOf?: () => SceneObject } | undefined)?.valueOf?.();
      return sceneGraph.interpolate(
        (from as SceneObject | undefined) ?? scene,
        target,
        scopedVars,
        format as VariableFormatID | ((value: unknown) => string)
      );
    },
  } as unknown as TemplateSrv;

  const attach = (child: SceneObject) => {
    const layout = scene.state.body as SceneFlexLayout;
    layout.setState({ children: [...layout.state.children, child as SceneFlexItem] });
    child.activate();
  };

  return {
    scene,
    templateSrv,
    timeRange: () => sceneGraph.getTimeRange(scene).state.value,
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
      attach(new SceneFlexItem({ $data: runner, body: new SceneCanvasText({ text: panel.title }) }));
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
