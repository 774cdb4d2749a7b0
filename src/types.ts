import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** What a query returns: events as logs or a table, counts over time, or annotations. */
export type OutputFormat = 'logs' | 'table' | 'counts' | 'annotations';

/** How counts over time are split into series. */
export type CountGrouping = 'none' | 'type' | 'severity' | 'source' | 'country' | 'operator';

export type QueryScope = 'all' | 'endpoint' | 'sim' | 'user';

/**
 * A query of emnify events. Every filter is text so template variables fit anywhere; multi-value
 * fields take several values separated by `|` (the API accepts at most 6).
 */
export interface EmnifyQuery extends DataQuery {
  format: OutputFormat;
  /** Event type ids. */
  eventTypes?: string[];
  /** 0 Info, 1 Warn, 2 Critical. */
  severity?: string;
  /** 0 Network, 1 Policy Control, 2 API. */
  source?: string;
  /** 'true' or 'false'. */
  alert?: string;
  network?: string;
  country?: string;
  rat?: string;
  description?: string;
  endpoint?: string;
  tags?: string;
  iccid?: string;
  imsi?: string;
  imei?: string;
  ipAddress?: string;
  organisation?: string;
  user?: string;
  scope?: QueryScope;
  scopeId?: string;
  groupBy?: CountGrouping;
}

/** Every field of a saved query (dashboards are checked against it). */
export const QUERY_FIELDS: ReadonlyArray<keyof EmnifyQuery> = [
  'refId',
  'hide',
  'key',
  'queryType',
  'datasource',
  'format',
  'eventTypes',
  'severity',
  'source',
  'alert',
  'network',
  'country',
  'rat',
  'description',
  'endpoint',
  'tags',
  'iccid',
  'imsi',
  'imei',
  'ipAddress',
  'organisation',
  'user',
  'scope',
  'scopeId',
  'groupBy',
];

export const DEFAULT_QUERY: Partial<EmnifyQuery> = {
  format: 'logs',
  scope: 'all',
  groupBy: 'type',
};

export interface EmnifyDataSourceOptions extends DataSourceJsonData {
  apiUrl?: string;
  /** per_page asked of the API. */
  pageSize?: number;
  /** Pages read at most per query. */
  maxPages?: number;
}

/** Stored encrypted by Grafana; never sent back to the browser. */
export interface EmnifySecureJsonData {
  applicationToken?: string;
}

export const DEFAULT_API_URL = 'https://cdn.emnify.net';
export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_MAX_PAGES = 20;

/** What a variable query lists. */
export type VariableKind = 'eventTypes' | 'severities' | 'sources' | 'endpoints' | 'countries' | 'operators';

export interface EmnifyVariableQuery extends DataQuery {
  kind: VariableKind;
}
