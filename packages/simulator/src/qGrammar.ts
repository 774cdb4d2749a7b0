/**
 * The grammar of the Event API's `q` (../shared/emnify-api.md §2.5): `field:value[,field:value...]`,
 * each criterion split on its first colon (IPv6 addresses and times contain colons), values trimmed,
 * multi-value fields split on `|` (at most 6 values), and each field's value syntax. Turns `q` into
 * typed criteria or throws the API's 422 naming the criterion. Pure; matching is qMatch.ts's job.
 */
import { isIP } from 'node:net';
import { invalidCriteria } from './apiErrors';

/** Fields of `q`, as the 2023 spec's regex plus the newer ones (§2.5). */
export const Q_FIELDS = [
  'type',
  'source',
  'severity',
  'alert',
  'description',
  'organisation',
  'user',
  'endpoint',
  'tags',
  'ip_address',
  'imei',
  'iccid',
  'iccid_with_luhn',
  'imsi',
  'timestamp',
  'from',
  'until',
  'network',
  'rat',
  'country',
] as const;

/** Fields that take up to 6 values separated by `|`. */
export const MULTI_VALUE_FIELDS: ReadonlySet<string> = new Set([
  'iccid',
  'iccid_with_luhn',
  'endpoint',
  'type',
  'network',
  'rat',
  'country',
]);
export const MAX_VALUES = 6;

/** One criterion of `q`, its value parsed. `from` and `until` become one `range` (they are only valid together). */
export type Criterion =
  | { field: 'range'; from: number; until: number }
  | { field: 'timestamp'; day: number }
  | { field: 'type' | 'rat'; ids: ReadonlySet<number> }
  | { field: 'source' | 'severity'; id: number }
  | { field: 'alert'; value: boolean }
  | { field: 'description' | 'organisation' | 'user' | 'tags'; text: string }
  | { field: 'endpoint' | 'network' | 'country'; names: readonly string[] }
  | { field: 'ip_address'; ip: string }
  | { field: 'imei' | 'imsi'; digits: string }
  | { field: 'iccid' | 'iccid_with_luhn'; prefixes: readonly string[] };

const FILTER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DIGITS = /^\d+$/;

/** A date that exists (Date.parse rolls 2025-02-30 over to March; we reject it). */
function validDate(text: string, ms: number): boolean {
  return (
    !Number.isNaN(ms) &&
    new Date(ms).toISOString().slice(0, text.length === 10 ? 10 : 19) === text.replace(/Z$/, '').slice(0, 19)
  );
}

function filterTime(value: string, criterion: string): number {
  const t = Date.parse(value);
  if (!FILTER_TIME.test(value) || !validDate(value, t)) {
    throw invalidCriteria(criterion);
  }
  return t;
}

function numbers(values: string[], criterion: string, max?: number): Set<number> {
  return new Set(
    values.map((v) => {
      if (!DIGITS.test(v) || !Number.isSafeInteger(Number(v)) || (max !== undefined && Number(v) > max)) {
        throw invalidCriteria(criterion);
      }
      return Number(v);
    })
  );
}

function digitsOnly(values: string[], criterion: string): void {
  if (!values.every((v) => DIGITS.test(v))) {
    throw invalidCriteria(criterion);
  }
}

/** The typed criterion of one `field:value` (from and until handled by the caller). */
function parseValue(field: string, value: string, values: string[], criterion: string): Criterion {
  switch (field) {
    case 'timestamp': {
      const day = Date.parse(value);
      if (!DAY.test(value) || !validDate(value, day)) {
        throw invalidCriteria(criterion);
      }
      return { field, day };
    }
    case 'type':
    case 'rat':
      return { field, ids: numbers(values, criterion) };
    case 'source':
    case 'severity': {
      const [id] = numbers(values, criterion, 2);
      return { field, id };
    }
    case 'alert': {
      const v = value.toLowerCase();
      if (v !== 'true' && v !== 'false') {
        throw invalidCriteria(criterion);
      }
      return { field, value: v === 'true' };
    }
    case 'description':
    case 'organisation':
    case 'user':
    case 'tags':
      return { field, text: value };
    case 'endpoint':
    case 'network':
    case 'country':
      return { field, names: values };
    case 'ip_address':
      if (isIP(value) === 0) {
        throw invalidCriteria(criterion);
      }
      return { field, ip: value };
    case 'imei':
    case 'imsi':
      digitsOnly(values, criterion);
      return { field, digits: value };
    case 'iccid':
    case 'iccid_with_luhn':
      digitsOnly(values, criterion);
      return { field, prefixes: values };
    default:
      throw invalidCriteria(criterion);
  }
}

/**
 * The criteria of `q` in order (a `range` last), or undefined when `q` is absent or blank. The first bad
 * criterion throws; then a `from` without `until` (or the reverse). A repeated from/until: the last wins.
 */
export function parseCriteria(q: string | undefined): Criterion[] | undefined {
  if (q === undefined || q.trim() === '') {
    return undefined;
  }
  const criteria: Criterion[] = [];
  let from: { ms: number; criterion: string } | undefined;
  let until: { ms: number; criterion: string } | undefined;
  for (const criterion of q.split(',')) {
    const colon = criterion.indexOf(':');
    if (colon <= 0) {
      throw invalidCriteria(criterion);
    }
    const field = criterion.slice(0, colon).trim();
    const value = criterion.slice(colon + 1).trim();
    const values = MULTI_VALUE_FIELDS.has(field) ? value.split('|').map((v) => v.trim()) : [value];
    if (value === '' || values.length > MAX_VALUES || values.some((v) => v === '')) {
      throw invalidCriteria(criterion);
    }
    if (field === 'from') {
      from = { ms: filterTime(value, criterion), criterion };
    } else if (field === 'until') {
      until = { ms: filterTime(value, criterion), criterion };
    } else {
      criteria.push(parseValue(field, value, values, criterion));
    }
  }
  if (from && !until) {
    throw invalidCriteria(from.criterion);
  }
  if (until && !from) {
    throw invalidCriteria(until.criterion);
  }
  if (from && until) {
    criteria.push({ field: 'range', from: from.ms, until: until.ms });
  }
  return criteria;
}
