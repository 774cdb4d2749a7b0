/** Test ids of the host page (the plugin's own editors use src/selectors.ts). */
export const hostIds = {
  root: 'host-root',
  config: 'host-config',
  saveAndTest: 'host-save-and-test',
  health: 'host-health',
  query: 'host-query',
  run: 'host-run',
  state: 'host-state',
  results: 'host-results',
  resultRows: 'host-result-rows',
  resultSeries: 'host-result-series',
  resultNotice: 'host-result-notice',
  resultError: 'host-result-error',
  annotations: 'host-annotations',
  runAnnotations: 'host-run-annotations',
  annotationCount: 'host-annotation-count',
  variables: 'host-variables',
  runVariable: 'host-run-variable',
  variableValues: 'host-variable-values',
  loadError: 'host-load-error',
  dashboards: 'host-dashboards',
  runDashboards: 'host-run-dashboards',
  dashboardsDone: 'host-dashboards-done',
  dashboardResult: 'host-dashboard-result',
  runExplorer: 'host-run-explorer',
  explorer: 'host-explorer',
  explorerPanel: 'host-explorer-panel',
};

/** What an explorer panel element carries (`data-result`): what the panel, drawn as Grafana draws it, shows. */
export interface ExplorerPanelResult {
  title: string;
  state: string;
  error?: string;
  /** Events shown: table or log rows, the sum of counts, the total. */
  shown: number;
  /** The panel's own time range (ms): the dashboard's, or its relative time. */
  from: number;
  to: number;
  /** A stat's text as drawn, and its colour. */
  text?: string;
  color?: string;
  /** The series of counts over time, by name. */
  series?: string[];
  /** A table's data links of the first row, per column. */
  links?: Record<string, Array<{ title: string; href: string }>>;
  /** A table's first row, per column. */
  firstRow?: Record<string, string>;
}

/** What a dashboard result element carries (`data-result`): one plugin panel or annotation run on its dashboard's defaults. */
export interface DashboardResult {
  dashboard: string;
  kind: 'panel' | 'annotation';
  title: string;
  state: string;
  /** Events shown: table or log rows, the sum of counts, annotations. */
  events: number;
  error?: string;
  /** The time range the panel asked for (ms). */
  from: number;
  to: number;
}
