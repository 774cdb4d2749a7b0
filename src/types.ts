import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';
import { FILTER_FIELDS, FilterValues, QueryScope } from './query/fields';

export type { QueryScope } from './query/fields';

/**
 * What a query returns: events as logs or a table, counts over time, the total count (exact: the API's
 * `x-total-count`, one request), or annotations.
 */
export type OutputFormat = 'logs' | 'table' | 'counts' | 'total' | 'annotations';

/** How counts over time are split into series. */
export type CountGrouping = 'none' | 'type' | 'severity' | 'source' | 'country' | 'operator';

/**
 * A query of emnify events: the output, whose events, and the filters of the field table
 * (query/fields.ts). Every filter is text (event types a list of texts) so template variables fit
 * anywhere; multi-value filters take several values separated by `|` (the API accepts at most 6).
 */
export interface EmnifyQuery extends DataQuery, FilterValues {
  format: OutputFormat;
  scope?: QueryScope;
  /** The numeric endpoint, SIM or user id when `scope` is not 'all'. */
  scopeId?: string;
  groupBy?: CountGrouping;
}

/** Every field of a saved query (dashboards are checked against it; renaming one needs a migration). */
export const QUERY_FIELDS: ReadonlyArray<keyof EmnifyQuery> = [
  'refId',
  'hide',
  'key',
  'queryType',
  'datasource',
  'format',
  ...FILTER_FIELDS.map((f) => f.key),
  'scope',
  'scopeId',
  'groupBy',
];

/** The defaults of a query; merged into a query only by normaliseQuery (query/normalise.ts). */
export const DEFAULT_QUERY = {
  format: 'logs',
  scope: 'all',
  groupBy: 'type',
} as const satisfies Partial<EmnifyQuery>;

/**
 * How the data source reaches emnify (src/api/connection.ts): `direct`, the emnify API through Grafana's
 * proxy with the application token (the browser holds the JWT); `gateway`, the exporter's events gateway
 * with its own token (the browser holds no emnify credential). Unset means direct.
 */
export type ConnectionMode = 'direct' | 'gateway';

export interface EmnifyDataSourceOptions extends DataSourceJsonData {
  connection?: ConnectionMode;
  /** Direct mode: the emnify API base URL (unset: the default). */
  apiUrl?: string;
  /** Gateway mode: the exporter's base URL, e.g. http://exporter:8486 (its gateway answers under /api/v1). */
  gatewayUrl?: string;
  /** per_page asked of the API. */
  pageSize?: number;
  /** Pages read at most per query. */
  maxPages?: number;
}

/** Stored encrypted by Grafana; never sent back to the browser. */
export interface EmnifySecureJsonData {
  /** Direct mode: the emnify application token. */
  applicationToken?: string;
  /** Gateway mode: the exporter's EXPORTER_GATEWAY_TOKEN. */
  gatewayToken?: string;
}

export const DEFAULT_API_URL = 'https://cdn.emnify.net';
export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_MAX_PAGES = 20;

/** What a variable query lists. */
export type VariableKind =
  'eventTypes' | 'eventTypeNames' | 'severities' | 'sources' | 'endpoints' | 'countries' | 'operators';

export interface EmnifyVariableQuery extends DataQuery {
  kind: VariableKind;
}
