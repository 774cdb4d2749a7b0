/**
 * The saved model of a dashboard (dashboards/*.json) as far as Grafana reads it to run a data source's
 * panels, variables and annotations. Pure: the Node-side tests read dashboards with it without loading
 * @grafana/scenes (dashboardScene.ts runs them).
 */
import { DataSourceRef } from '@grafana/schema';

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
  /** A relative time of the panel's own ("24h": the last 24 hours, whatever the dashboard's range). */
  timeFrom?: string;
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

/** A dashboard's plugin panels (and targets) of data source type `pluginId`. */
export function pluginPanels(dashboard: SavedDashboard, pluginId: string): SavedPanel[] {
  return dashboard.panels.filter(
    (p) => p.datasource?.type === pluginId || (p.targets ?? []).some((t) => t.datasource?.type === pluginId)
  );
}
