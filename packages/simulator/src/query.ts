/**
 * The Event API's query parameters, parsed and applied exactly as the simulator serves them:
 * `q` (../shared/emnify-api.md §2.5), `sort` (§2.4), `page`/`per_page` (§2.2). Pure functions; errors
 * are `ApiFailure`s carrying the status and body the real API answers with.
 */
import { isIP } from 'node:net';
import { EventRecord, descriptionOf, iccidWithLuhn } from './generator';
import { ORGANISATION } from './world';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {}
  ) {
    super(String(body.message ?? status));
  }
}

export function invalidCriteria(criterion: string): ApiFailure {
  return new ApiFailure(422, {
    error_code: 1301,
    error_token: 'InvalidQueryCriteria',
    message: `Search criteria ${criterion} is invalid`,
  });
}

export function invalidSort(criterion: string): ApiFailure {
  // The event endpoint specs say 400; the generic error table lists 1302 as a 422 (§2.6). We follow the specs.
  return new ApiFailure(400, {
    error_code: 1302,
    error_token: 'InvalidSortCriteria',
    message: `Sort criteria ${criterion} is invalid`,
  });
}

export function badRequest(message: string): ApiFailure {
  return new ApiFailure(400, { error_code: 1000, error_token: 'BadRequest', message });
}

export type Predicate = (r: EventRecord) => boolean;

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

const FILTER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DIGITS = /^\d+$/;
const DAY_MS = 86_400_000;

function lower(s: string): string {
  return s.toLowerCase();
}

/** A date that exists (Date.parse rolls 2025-02-30 over to March; we reject it). */
function validDate(text: string, ms: number): boolean {
  return (
    !Number.isNaN(ms) &&
    new Date(ms).toISOString().slice(0, text.length === 10 ? 10 : 19) === text.replace(/Z$/, '').slice(0, 19)
  );
}

function parseFilterTime(value: string, criterion: string): number {
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

export interface ParsedQ {
  /** Undefined when `q` is absent or empty: every event matches. */
  predicate: Predicate | undefined;
  filtered: boolean;
}

/**
 * Parses `q` into one predicate (all criteria must hold). Semantics where the reference is silent (see
 * README, "q semantics"): description/organisation/user are case-insensitive "contains" (organisation and
 * user also match their numeric id); endpoint, network and country match the name exactly, ignoring
 * case; tags matches one tag of the endpoint's comma-separated tags; from and until are inclusive, until
 * to the end of its second.
 */
export function parseQ(q: string | undefined): ParsedQ {
  if (q === undefined || q.trim() === '') {
    return { predicate: undefined, filtered: false };
  }
  const predicates: Predicate[] = [];
  let from: { ms: number; criterion: string } | undefined;
  let until: { ms: number; criterion: string } | undefined;
  for (const criterion of q.split(',')) {
    // Split on the first colon only: IPv6 addresses and times contain colons.
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
    switch (field) {
      case 'from':
        from = { ms: parseFilterTime(value, criterion), criterion };
        break;
      case 'until':
        until = { ms: parseFilterTime(value, criterion), criterion };
        break;
      case 'timestamp': {
        const day = Date.parse(value);
        if (!DAY.test(value) || !validDate(value, day)) {
          throw invalidCriteria(criterion);
        }
        predicates.push((r) => r.time >= day && r.time < day + DAY_MS);
        break;
      }
      case 'type': {
        const ids = numbers(values, criterion);
        predicates.push((r) => ids.has(r.type.id));
        break;
      }
      case 'source': {
        const [id] = numbers(values, criterion, 2);
        predicates.push((r) => r.source === id);
        break;
      }
      case 'severity': {
        const [id] = numbers(values, criterion, 2);
        predicates.push((r) => r.severity === id);
        break;
      }
      case 'alert': {
        const v = lower(value);
        if (v !== 'true' && v !== 'false') {
          throw invalidCriteria(criterion);
        }
        const want = v === 'true';
        predicates.push((r) => r.alert === want);
        break;
      }
      case 'rat': {
        const rats = numbers(values, criterion);
        predicates.push((r) => r.rat !== 0 && rats.has(r.rat));
        break;
      }
      case 'description': {
        const v = lower(value);
        predicates.push((r) => lower(descriptionOf(r)).includes(v));
        break;
      }
      case 'organisation': {
        const matches = lower(ORGANISATION.name).includes(lower(value)) || String(ORGANISATION.id) === value;
        // Every event of this simulator belongs to the one organisation.
        predicates.push(() => matches);
        break;
      }
      case 'user': {
        const v = lower(value);
        predicates.push(
          (r) =>
            !!r.user &&
            (lower(r.user.name).includes(v) || lower(r.user.username).includes(v) || String(r.user.id) === value)
        );
        break;
      }
      case 'endpoint': {
        const names = new Set(values.map(lower));
        predicates.push((r) => !!r.device && names.has(lower(r.device.name)));
        break;
      }
      case 'tags': {
        const v = lower(value);
        predicates.push((r) => !!r.device && r.device.tags.split(',').some((t) => lower(t) === v));
        break;
      }
      case 'ip_address': {
        if (isIP(value) === 0) {
          throw invalidCriteria(criterion);
        }
        predicates.push((r) => !!r.device && r.device.ip === value);
        break;
      }
      case 'imei':
      case 'imsi': {
        digitsOnly(values, criterion);
        predicates.push((r) => !!r.device && r.device[field] === value);
        break;
      }
      case 'iccid':
      case 'iccid_with_luhn': {
        digitsOnly(values, criterion);
        const withLuhn = field === 'iccid_with_luhn';
        // Exact when longer than 19 characters, otherwise a prefix (§2.5).
        predicates.push((r) => {
          if (!r.device) {
            return false;
          }
          const iccid = withLuhn ? iccidWithLuhn(r.device.iccid) : r.device.iccid;
          return values.some((v) => (v.length > 19 ? iccid === v : iccid.startsWith(v)));
        });
        break;
      }
      case 'network': {
        const names = new Set(values.map(lower));
        predicates.push((r) => !!r.operator && names.has(lower(r.operator.name)));
        break;
      }
      case 'country': {
        const names = new Set(values.map(lower));
        predicates.push((r) => !!r.operator && names.has(lower(r.operator.country.name)));
        break;
      }
      default:
        throw invalidCriteria(criterion);
    }
  }
  // `from` and `until` are only valid together.
  if (from && !until) {
    throw invalidCriteria(from.criterion);
  }
  if (until && !from) {
    throw invalidCriteria(until.criterion);
  }
  if (from && until) {
    const f = from.ms;
    const u = until.ms + 999;
    predicates.push((r) => r.time >= f && r.time <= u);
  }
  const all = predicates;
  return { predicate: all.length === 1 ? all[0] : (r) => all.every((p) => p(r)), filtered: true };
}

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
export type SortField = (typeof SORT_FIELDS)[number];

/** Sort keys. Events without the field sort as '' / -1, i.e. first in ascending order. */
const SORT_KEYS: Record<SortField, (r: EventRecord) => string | number> = {
  id: (r) => r.id,
  timestamp: (r) => r.time,
  source: (r) => r.source,
  severity: (r) => r.severity,
  alert: (r) => (r.alert ? 1 : 0),
  organisation: () => ORGANISATION.name,
  user: (r) => r.user?.id ?? -1,
  endpoint: (r) => r.device?.name ?? '',
  tags: (r) => r.device?.tags ?? '',
  ip_address: (r) => r.device?.ip ?? '',
  iccid: (r) => r.device?.iccid ?? '',
  imsi: (r) => r.device?.imsi ?? '',
  type: (r) => r.type.id,
};

const TEXT_SORT_FIELDS: ReadonlySet<SortField> = new Set<SortField>([
  'organisation',
  'endpoint',
  'tags',
  'ip_address',
  'iccid',
  'imsi',
]);

export interface SortKey {
  field: SortField;
  descending: boolean;
}

export interface ParsedSort {
  /** Empty: the natural order (id ascending). */
  keys: SortKey[];
  /** Echo for `x-sort`. */
  text: string;
}

function isSortField(name: string): name is SortField {
  return (SORT_FIELDS as readonly string[]).includes(name);
}

/** Parses `sort`: comma-separated fields, `-` prefix for descending (§2.4). */
export function parseSort(sort: string | undefined): ParsedSort {
  if (sort === undefined || sort.trim() === '') {
    return { keys: [], text: 'id' };
  }
  const keys = sort.split(',').map((f): SortKey => {
    const descending = f.startsWith('-');
    const name = (descending ? f.slice(1) : f.startsWith('+') ? f.slice(1) : f).trim();
    if (!isSortField(name)) {
      throw invalidSort(f);
    }
    return { field: name, descending };
  });
  // Ties break by id ascending, so `id` alone (ascending) is the natural order.
  const natural = keys.length === 1 && keys[0].field === 'id' && !keys[0].descending;
  return { keys: natural ? [] : keys, text: sort };
}

/**
 * Sorts records by the keys (stable: ties by id ascending). Keys are extracted once into numeric
 * columns (strings ranked), so a million records sort in about a second at worst.
 */
export function sortRecords(records: readonly EventRecord[], keys: readonly SortKey[]): EventRecord[] {
  if (keys.length === 0) {
    return [...records];
  }
  if (keys.length === 1 && keys[0].field === 'id') {
    // Records are kept in id order: descending is the reverse.
    return keys[0].descending ? [...records].reverse() : [...records];
  }
  const n = records.length;
  const columns = keys.map(({ field, descending }) => {
    const column = new Float64Array(n);
    const sign = descending ? -1 : 1;
    const key = SORT_KEYS[field];
    if (!TEXT_SORT_FIELDS.has(field)) {
      for (let i = 0; i < n; i++) {
        column[i] = sign * (key(records[i]) as number);
      }
    } else {
      const texts = records.map((r) => String(key(r)));
      const distinct = [...new Set(texts)].sort();
      const rank = new Map(distinct.map((t, i) => [t, i]));
      for (let i = 0; i < n; i++) {
        column[i] = sign * rank.get(texts[i])!;
      }
    }
    return column;
  });
  // A plain array (not a typed one): Array#sort is TimSort, linear on the long presorted runs that
  // time-ordered history gives, and stable.
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    order[i] = i;
  }
  order.sort((a, b) => {
    for (const column of columns) {
      const d = column[a] - column[b];
      if (d !== 0) {
        return d;
      }
    }
    return records[a].id - records[b].id;
  });
  return order.map((i) => records[i]);
}

export interface Paging {
  page: number;
  perPage: number;
}

/** `page`/`per_page`: non-numeric → 400; per_page < 1 → default; too large → clamped silently (§2.2). */
export function parsePaging(
  page: string | undefined,
  perPage: string | undefined,
  defaultPerPage: number,
  maxPerPage: number
): Paging {
  const intOf = (name: string, v: string | undefined, fallback: number) => {
    if (v === undefined || v.trim() === '') {
      return fallback;
    }
    if (!/^[-+]?\d+$/.test(v.trim())) {
      throw badRequest(`Cannot parse parameter ${name} as Integer: For input string: "${v}"`);
    }
    return Number(v);
  };
  let pp = intOf('per_page', perPage, defaultPerPage);
  if (pp < 1) {
    pp = defaultPerPage;
  }
  pp = Math.min(pp, maxPerPage);
  return { page: intOf('page', page, 1), perPage: pp };
}

/** The page actually served: below 1 → 1, past the end → the last page (§2.2). */
export function effectivePage(
  requested: number,
  totalCount: number,
  perPage: number
): { page: number; totalPages: number } {
  const totalPages = Math.ceil(totalCount / perPage);
  return { page: Math.min(Math.max(requested, 1), Math.max(totalPages, 1)), totalPages };
}
