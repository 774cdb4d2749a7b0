/**
 * The query's filter fields, one row each: the one place that says what a filter is called in a saved
 * query, how the editor shows it, how template variables fill it (one value or several), and which
 * filter of the shared client it becomes. The query type (types.ts), interpolation (interpolate.ts),
 * the mapping to the client (toEventQuery.ts), the editor's rows (components/query/) and the field list
 * in src/README.md (checked by fields.test.ts) all read this table. Adding a filter is one row here, plus
 * its row in toEventQuery.test.ts.
 *
 * Options come from the client's model, so the editor, variables and the client name values alike.
 */
import {
  EVENT_ALERT_NAMES,
  EVENT_SEVERITY_NAMES,
  EVENT_SOURCE_NAMES,
  EventFilterField,
  RAT_TYPE_NAMES,
} from '@emnify-events/client';
import { countryFilterValue } from './countries';

export interface FieldOption {
  /** What the query stores and the API's `q` takes, e.g. "2". */
  value: string;
  /** What the editor shows, e.g. "CRITICAL". */
  label: string;
}

interface FilterFieldSpec {
  /** Its name in a saved query. Dashboards depend on it: rename only with a migration (normalise.ts). */
  key: string;
  label: string;
  /** The filter of the shared client's EventFilter it becomes (the API's `q` field). */
  filter: EventFilterField;
  /** 'common' rows show first; 'more' rows sit behind the editor's "More filters". */
  section: 'common' | 'more';
  /**
   * 'one': one value; a multi-value template variable here is an error, never a literal `a|b`.
   * 'many': up to the API's 6 values, typed `a|b` or filled by a multi-value variable.
   */
  values: 'one' | 'many';
  /** How a saved query holds it: text (`a|b`) or a list (`["a", "b"]`). */
  stored: 'text' | 'list';
  /** The editor's input: free text, a choice of `options` (own values allowed), or the API's event types. */
  input: 'text' | 'choice' | 'eventTypes';
  options?: readonly FieldOption[];
  /**
   * The options are every value the API knows for this filter (query/anyValue.ts): a template variable
   * holding all of them (Grafana's "All" without a custom all value) means "any value", no filter.
   */
  exhaustive?: true;
  placeholder?: string;
  /**
   * What the API's filter takes for one value a user typed, when that differs (a country's code → its
   * name); throws FilterValidationError for a value it does not know.
   */
  apiValue?: (value: string) => string;
  /** What it matches: the editor's tooltip and the README's field list. */
  help: string;
}

/** `{0: 'INFO', ...}` → options in id order. */
function optionsOf(names: Record<string | number, string>): FieldOption[] {
  return Object.entries(names).map(([value, label]) => ({ value, label }));
}

export const FILTER_FIELDS = [
  {
    key: 'eventTypes',
    label: 'Event types',
    filter: 'type',
    section: 'common',
    values: 'many',
    stored: 'list',
    input: 'eventTypes',
    help: 'Event types, from the lookup `/api/v1/event/type`',
  },
  {
    key: 'severity',
    label: 'Severity',
    filter: 'severity',
    section: 'common',
    values: 'one',
    stored: 'text',
    input: 'choice',
    options: optionsOf(EVENT_SEVERITY_NAMES),
    exhaustive: true,
    help: 'INFO, WARN or CRITICAL',
  },
  {
    key: 'source',
    label: 'Source',
    filter: 'source',
    section: 'common',
    values: 'one',
    stored: 'text',
    input: 'choice',
    options: optionsOf(EVENT_SOURCE_NAMES),
    exhaustive: true,
    help: 'Network, Policy Control or API',
  },
  {
    key: 'country',
    label: 'Country',
    filter: 'country',
    section: 'common',
    values: 'many',
    stored: 'text',
    input: 'text',
    placeholder: 'DE|FR',
    apiValue: countryFilterValue,
    help: 'Country of the network: ISO code (DE) or name (Germany), any case',
  },
  {
    key: 'network',
    label: 'Operator',
    filter: 'network',
    section: 'common',
    values: 'many',
    stored: 'text',
    input: 'text',
    placeholder: 'Telekom|Vodafone',
    help: 'Network operator, by name',
  },
  {
    key: 'endpoint',
    label: 'Endpoint',
    filter: 'endpoint',
    section: 'common',
    values: 'many',
    stored: 'text',
    input: 'text',
    placeholder: 'truck-0042',
    help: 'Endpoint, by name',
  },
  {
    key: 'iccid',
    label: 'ICCID',
    filter: 'iccid',
    section: 'common',
    values: 'many',
    stored: 'text',
    input: 'text',
    placeholder: '8988303…',
    help: 'SIM ICCID: up to 19 digits match as a prefix, 20 or more exactly',
  },
  {
    key: 'alert',
    label: 'Alert',
    filter: 'alert',
    section: 'more',
    values: 'one',
    stored: 'text',
    input: 'choice',
    options: optionsOf(EVENT_ALERT_NAMES),
    exhaustive: true,
    help: 'Events flagged as alerts, or not',
  },
  {
    key: 'rat',
    label: 'RAT',
    filter: 'rat',
    section: 'more',
    values: 'many',
    stored: 'text',
    input: 'choice',
    options: optionsOf(RAT_TYPE_NAMES),
    help: 'Radio access type of the data session (e.g. 6 LTE, 2 GERAN)',
  },
  {
    key: 'description',
    label: 'Description',
    filter: 'description',
    section: 'more',
    values: 'one',
    stored: 'text',
    input: 'text',
    placeholder: 'rejected',
    help: 'Event description text',
  },
  {
    key: 'tags',
    label: 'Tag',
    filter: 'tags',
    section: 'more',
    values: 'one',
    stored: 'text',
    input: 'text',
    placeholder: 'fleet',
    help: 'Endpoint tag',
  },
  {
    key: 'imsi',
    label: 'IMSI',
    filter: 'imsi',
    section: 'more',
    values: 'one',
    stored: 'text',
    input: 'text',
    placeholder: '295050…',
    help: 'IMSI, digits only',
  },
  {
    key: 'imei',
    label: 'IMEI',
    filter: 'imei',
    section: 'more',
    values: 'one',
    stored: 'text',
    input: 'text',
    placeholder: '35776208…',
    help: 'IMEI, digits only',
  },
  {
    key: 'ipAddress',
    label: 'IP address',
    filter: 'ip_address',
    section: 'more',
    values: 'one',
    stored: 'text',
    input: 'text',
    placeholder: '10.191.216.68',
    help: 'Endpoint IPv4 or IPv6 address',
  },
  {
    key: 'organisation',
    label: 'Organisation',
    filter: 'organisation',
    section: 'more',
    values: 'one',
    stored: 'text',
    input: 'text',
    placeholder: 'name',
    help: 'Organisation, by name',
  },
  {
    key: 'user',
    label: 'User',
    filter: 'user',
    section: 'more',
    values: 'one',
    stored: 'text',
    input: 'text',
    placeholder: 'name',
    help: 'User, by name',
  },
] as const satisfies readonly FilterFieldSpec[];

export type FilterField = (typeof FILTER_FIELDS)[number];
export type FilterKey = FilterField['key'];

/** The filters of a saved query, typed from the table: a list where `stored` says so, else text. */
export type FilterValues = {
  [F in FilterField as F['key']]?: F extends { stored: 'list' } ? string[] : string;
};

/** Whose events a query reads: all of the organisation's, or one endpoint's, SIM's or user's (by numeric id). */
export type QueryScope = 'all' | 'endpoint' | 'sim' | 'user';

export const SCOPE_OPTIONS: ReadonlyArray<{ value: QueryScope; label: string }> = [
  { value: 'all', label: 'All events' },
  { value: 'endpoint', label: 'One endpoint' },
  { value: 'sim', label: 'One SIM' },
  { value: 'user', label: 'One user' },
];

/** The fields of one editor section. */
export function fieldsOf(section: FilterField['section']): FilterField[] {
  return FILTER_FIELDS.filter((f) => f.section === section);
}

/** How many filters of a section a query sets; a scope other than 'all' counts in 'more', where the editor shows it. */
export function countSet(section: FilterField['section'], query: FilterValues & { scope?: QueryScope }): number {
  const scoped = section === 'more' && query.scope !== undefined && query.scope !== 'all' ? 1 : 0;
  return fieldsOf(section).filter((f) => isSet(f, query)).length + scoped;
}

/** Whether a query sets this field (a value other than empty text or an empty list). */
export function isSet(field: FilterField, query: FilterValues): boolean {
  const value = query[field.key];
  return Array.isArray(value) ? value.some((v) => v.trim() !== '') : (value ?? '').trim() !== '';
}
