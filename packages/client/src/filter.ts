/**
 * The one way to build Event API query parameters: a typed filter → `q`, plus `sort`, `page`,
 * `per_page` (../shared/emnify-api.md §2.2, §2.4, §2.5). Everything the API would reject is rejected
 * here first, with the field named and the expected form, so no request is wasted.
 */
import { FilterValidationError } from './errors';
import { filterTimeProblem, filterTimeRangeProblem, formatFilterTime } from './time';

export type TimeInput = Date | number | string;
type OneOrMany<T> = T | T[];

export interface EventFilter {
  /** Start of the time range. Only valid together with `until`. */
  from?: TimeInput;
  /** End of the time range. Only valid together with `from`. */
  until?: TimeInput;
  /** Event type ids (up to 6). */
  type?: OneOrMany<number | string>;
  /** 0 Network, 1 Policy Control, 2 API. */
  source?: number | string;
  /** 0 Info, 1 Warn, 2 Critical. */
  severity?: number | string;
  alert?: boolean | 'true' | 'false';
  description?: string;
  /** Organisation name. */
  organisation?: string;
  /** User name. */
  user?: string;
  /** Endpoint names (up to 6). */
  endpoint?: OneOrMany<string>;
  tags?: string;
  ip_address?: string;
  imei?: string;
  /** ICCIDs (up to 6); longer than 19 characters matches exactly, otherwise as a prefix. */
  iccid?: OneOrMany<string>;
  iccid_with_luhn?: OneOrMany<string>;
  imsi?: string;
  /** Operator names, e.g. "Telekom" (up to 6). */
  network?: OneOrMany<string>;
  /** Country names, e.g. "Germany" (up to 6). */
  country?: OneOrMany<string>;
  /** PDP context RAT types, e.g. 6 (up to 6). */
  rat?: OneOrMany<number | string>;
}

export type EventFilterField = keyof EventFilter;

/** The API accepts at most this many `|`-separated values in a multi-value field. */
export const MAX_MULTI_VALUES = 6;

export const SORT_FIELDS = [
  'id',
  'timestamp',
  'source',
  'severity',
  'alert',
  'organisation',
  'user',
  'endpoint',
  'tags',
  'ip_address',
  'iccid',
  'imsi',
  'type',
] as const;

export interface EventListParams {
  filter?: EventFilter;
  /** Comma-separated fields, `-` prefix for descending; the API's default is `id` ascending. */
  sort?: string;
  page?: number;
  perPage?: number;
}

/** Query-string parameters for an event list request, in a stable key order. */
export type QueryParams = Record<string, string>;

const DIGITS = /^\d+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) {
    return false;
  }
  const doubleColons = text.split('::').length - 1;
  const strayColon = (text.startsWith(':') && !text.startsWith('::')) || (text.endsWith(':') && !text.endsWith('::'));
  if (doubleColons > 1 || text.includes(':::') || strayColon) {
    return false;
  }
  let groups = text.split(':');
  const last = groups[groups.length - 1];
  let groupBudget = 8;
  if (last.includes('.')) {
    if (!IPV4.test(last)) {
      return false;
    }
    groups = groups.slice(0, -1);
    groupBudget = 6;
  }
  const nonEmpty = groups.filter((g) => g !== '');
  if (!nonEmpty.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) {
    return false;
  }
  return doubleColons === 1 ? nonEmpty.length < groupBudget : nonEmpty.length === groupBudget;
}

export function isIpAddress(text: string): boolean {
  return IPV4.test(text) || isIpv6(text);
}

function toList<T>(value: OneOrMany<T> | undefined): T[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** A free-text value: non-empty, and free of the characters that structure `q`. */
function text(field: string, value: unknown, multi: boolean): string {
  if (typeof value !== 'string') {
    throw new FilterValidationError(field, `expected text, got ${typeof value}`);
  }
  const trimmed = value.trim();
  if (trimmed === '') {
    throw new FilterValidationError(field, 'must not be empty');
  }
  if (trimmed.includes(',')) {
    throw new FilterValidationError(field, `"${trimmed}" contains ",", which separates filter criteria; remove it`);
  }
  if (multi && trimmed.includes('|')) {
    throw new FilterValidationError(field, `"${trimmed}" contains "|", which separates values; pass a list instead`);
  }
  if (/[\r\n]/.test(trimmed)) {
    throw new FilterValidationError(field, 'must be a single line');
  }
  return trimmed;
}

function integer(field: string, value: unknown, range?: { min: number; max: number; names?: string }): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && DIGITS.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new FilterValidationError(field, `"${String(value)}" is not a numeric id (expected a whole number like 3)`);
  }
  if (range && (n < range.min || n > range.max)) {
    throw new FilterValidationError(
      field,
      `${n} is out of range (expected ${range.names ?? `${range.min}-${range.max}`})`
    );
  }
  return n;
}

function digits(field: string, value: unknown, what: string, maxLength: number): string {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!DIGITS.test(s) || s.length > maxLength) {
    throw new FilterValidationError(
      field,
      `"${String(value)}" is not ${what} (expected up to ${maxLength} digits, nothing else)`
    );
  }
  return s;
}

function multi<T>(field: string, value: OneOrMany<T> | undefined, each: (v: T) => string): string | undefined {
  const values = toList(value);
  if (values.length === 0) {
    return undefined;
  }
  if (values.length > MAX_MULTI_VALUES) {
    throw new FilterValidationError(
      field,
      `${values.length} values given; the emnify API accepts at most ${MAX_MULTI_VALUES} per field`
    );
  }
  return values.map(each).join('|');
}

/**
 * A `from`/`until` value as the API takes it: the epoch ms actually sent (truncated to the second) and its
 * `YYYY-MM-DDTHH:mm:ssZ` text. Texts must be real calendar times in exactly that form; numbers and Dates
 * must fall in the years 0000-9999 the form can express.
 */
function time(field: 'from' | 'until', value: TimeInput): { ms: number; text: string } {
  let ms: number;
  if (typeof value === 'string') {
    const text = value.trim();
    const problem = filterTimeProblem(text);
    if (problem) {
      throw new FilterValidationError(field, `"${text}" ${problem}`);
    }
    ms = Date.parse(text);
  } else if (value instanceof Date || typeof value === 'number') {
    ms = value instanceof Date ? value.getTime() : value;
    if (!Number.isFinite(ms)) {
      const shown = value instanceof Date ? 'an invalid Date' : String(value);
      throw new FilterValidationError(
        field,
        `${shown} is not a time (expected YYYY-MM-DDTHH:mm:ssZ in UTC, a Date or epoch milliseconds)`
      );
    }
    const problem = filterTimeRangeProblem(ms);
    if (problem) {
      // A valid Date is within ±8.64e15 ms; larger numbers have no ISO form at all.
      const iso = Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined;
      const shown = value instanceof Date ? iso : iso ? `${ms} (${iso})` : String(ms);
      throw new FilterValidationError(field, `${shown} ${problem}`);
    }
  } else {
    throw new FilterValidationError(
      field,
      `"${String(value)}" is not a time (expected YYYY-MM-DDTHH:mm:ssZ in UTC, a Date or epoch milliseconds)`
    );
  }
  const text = formatFilterTime(ms);
  return { ms: Math.floor(ms / 1000) * 1000, text };
}

/**
 * Builds the `q` value (`field:value,field:value`), or `undefined` when the filter is empty.
 * Criteria come in a fixed order so equal filters give equal strings (cache keys).
 */
export function buildFilterQuery(filter: EventFilter = {}): string | undefined {
  const criteria: string[] = [];
  const add = (field: string, value: string | undefined) => {
    if (value !== undefined) {
      criteria.push(`${field}:${value}`);
    }
  };

  const hasFrom = filter.from !== undefined && filter.from !== '';
  const hasUntil = filter.until !== undefined && filter.until !== '';
  if (hasFrom !== hasUntil) {
    const missing = hasFrom ? 'until' : 'from';
    throw new FilterValidationError(missing, '"from" and "until" are only valid together: give both or neither');
  }
  if (hasFrom && hasUntil) {
    const from = time('from', filter.from!);
    const until = time('until', filter.until!);
    if (from.ms > until.ms) {
      throw new FilterValidationError('from', `${from.text} is after until ${until.text}`);
    }
    add('from', from.text);
    add('until', until.text);
  }

  add(
    'type',
    multi('type', filter.type, (v) => String(integer('type', v)))
  );
  if (filter.source !== undefined && filter.source !== '') {
    add(
      'source',
      String(integer('source', filter.source, { min: 0, max: 2, names: '0 Network, 1 Policy Control, 2 API' }))
    );
  }
  if (filter.severity !== undefined && filter.severity !== '') {
    add(
      'severity',
      String(integer('severity', filter.severity, { min: 0, max: 2, names: '0 Info, 1 Warn, 2 Critical' }))
    );
  }
  if (filter.alert !== undefined) {
    if (filter.alert !== true && filter.alert !== false && filter.alert !== 'true' && filter.alert !== 'false') {
      throw new FilterValidationError('alert', `"${String(filter.alert)}" is not true or false`);
    }
    add('alert', String(filter.alert));
  }
  for (const field of ['description', 'organisation', 'user', 'tags'] as const) {
    if (filter[field] !== undefined) {
      add(field, text(field, filter[field], false));
    }
  }
  add(
    'endpoint',
    multi('endpoint', filter.endpoint, (v) => text('endpoint', v, true))
  );
  if (filter.ip_address !== undefined) {
    const ip = text('ip_address', filter.ip_address, false);
    if (!isIpAddress(ip)) {
      throw new FilterValidationError('ip_address', `"${ip}" is not an IPv4 or IPv6 address`);
    }
    add('ip_address', ip);
  }
  if (filter.imei !== undefined) {
    add('imei', digits('imei', filter.imei, 'an IMEI', 16));
  }
  add(
    'iccid',
    multi('iccid', filter.iccid, (v) => digits('iccid', v, 'an ICCID', 22))
  );
  add(
    'iccid_with_luhn',
    multi('iccid_with_luhn', filter.iccid_with_luhn, (v) => digits('iccid_with_luhn', v, 'an ICCID', 22))
  );
  if (filter.imsi !== undefined) {
    add('imsi', digits('imsi', filter.imsi, 'an IMSI', 15));
  }
  add(
    'network',
    multi('network', filter.network, (v) => text('network', v, true))
  );
  add(
    'country',
    multi('country', filter.country, (v) => text('country', v, true))
  );
  add(
    'rat',
    multi('rat', filter.rat, (v) => String(integer('rat', v)))
  );

  return criteria.length > 0 ? criteria.join(',') : undefined;
}

/** The `q` fields an EventFilter holds, and whether each takes several `|`-separated values. */
const FILTER_FIELDS: Readonly<Record<EventFilterField, 'one' | 'many'>> = {
  from: 'one',
  until: 'one',
  type: 'many',
  source: 'one',
  severity: 'one',
  alert: 'one',
  description: 'one',
  organisation: 'one',
  user: 'one',
  endpoint: 'many',
  tags: 'one',
  ip_address: 'one',
  imei: 'one',
  iccid: 'many',
  iccid_with_luhn: 'many',
  imsi: 'one',
  network: 'many',
  country: 'many',
  rat: 'many',
};

/**
 * The typed filter a `q` value stands for: the inverse of buildFilterQuery. Criteria are split on `,`,
 * each on its first `:` (times and IPv6 addresses hold colons), field and value trimmed, values of
 * multi-value fields split on `|`, as the API reads `q` (../shared/emnify-api.md §2.5). The result
 * passes buildFilterQuery, whose `q` means the same to the API: the same criteria in a fixed order.
 * Throws FilterValidationError for what a filter cannot say (a field it does not know, e.g. the
 * deprecated `timestamp`; a field given twice) and for every value buildFilterQuery would refuse.
 */
export function parseFilterQuery(q: string): EventFilter {
  const filter: Record<string, string | string[]> = {};
  for (const criterion of q.split(',')) {
    const colon = criterion.indexOf(':');
    const field = criterion.slice(0, Math.max(colon, 0)).trim();
    if (colon <= 0 || !Object.hasOwn(FILTER_FIELDS, field)) {
      throw new FilterValidationError(
        field || criterion,
        `"${criterion}" is not a criterion of a filter (field:value)`
      );
    }
    if (Object.hasOwn(filter, field)) {
      throw new FilterValidationError(field, 'given more than once');
    }
    const value = criterion.slice(colon + 1).trim();
    filter[field] = FILTER_FIELDS[field as EventFilterField] === 'many' ? value.split('|').map((v) => v.trim()) : value;
  }
  const typed = filter as EventFilter;
  buildFilterQuery(typed);
  return typed;
}

/** Validates a sort expression (`-timestamp,id`); returns it normalised (no blanks). */
export function buildSort(sort: string): string {
  const fields = sort.split(',').map((f) => f.trim());
  for (const f of fields) {
    const name = f.startsWith('-') ? f.slice(1) : f;
    if (!(SORT_FIELDS as readonly string[]).includes(name)) {
      throw new FilterValidationError(
        'sort',
        `"${f}" is not a sort field (expected ${SORT_FIELDS.join(', ')}, with "-" for descending)`
      );
    }
  }
  return fields.join(',');
}

/** All query-string parameters of one event list request. */
export function buildEventQuery(params: EventListParams = {}): QueryParams {
  const out: QueryParams = {};
  const q = buildFilterQuery(params.filter);
  if (q !== undefined) {
    out.q = q;
  }
  if (params.sort !== undefined && params.sort !== '') {
    out.sort = buildSort(params.sort);
  }
  if (params.page !== undefined) {
    if (!Number.isSafeInteger(params.page) || params.page < 1) {
      throw new FilterValidationError('page', `${params.page} is not a page number (expected 1 or more)`);
    }
    out.page = String(params.page);
  }
  if (params.perPage !== undefined) {
    if (!Number.isSafeInteger(params.perPage) || params.perPage < 1) {
      throw new FilterValidationError('per_page', `${params.perPage} is not a page size (expected 1 or more)`);
    }
    out.per_page = String(params.perPage);
  }
  return out;
}

/** Encodes parameters as a query string (`|` and `:` percent-encoded as the API documents). */
export function encodeQuery(params: QueryParams): string {
  const entries = Object.entries(params);
  if (entries.length === 0) {
    return '';
  }
  return '?' + entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
