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
};

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
