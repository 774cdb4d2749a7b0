/**
 * The Event API's query parameters, parsed and applied exactly as the simulator serves them:
 * `q` (../shared/emnify-api.md §2.5), `sort` (§2.4), `page`/`per_page` (§2.2). Pure functions; errors
 * are `ApiFailure`s carrying the status and body the real API answers with.
 */
import { EventRecord, descriptionOf, iccidWithLuhn } from './generator';
import { ORGANISATION } from './world';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>
  ) {
    super(String(body.message ?? status));
  }
}

export function invalidCriteria(criterion: string): ApiFailure {
  return new ApiFailure(422, { error_code: 1301, error_token: 'InvalidQueryCriteria', message: `Search criteria ${criterion} is invalid` });
}

export function badRequest(message: string): ApiFailure {
  return new ApiFailure(400, { error_code: 1000, error_token: 'BadRequest', message });
}

type Predicate = (r: EventRecord) => boolean;

const MULTI = new Set(['iccid', 'iccid_with_luhn', 'endpoint', 'type', 'network', 'rat', 'country']);
const FILTER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DIGITS = /^\d+$/;

function lower(s: string | undefined): string {
  return (s ?? '').toLowerCase();
}

function parseTime(value: string, criterion: string): number {
  const t = Date.parse(value);
  if (!FILTER_TIME.test(value) || Number.isNaN(t)) {
    throw invalidCriteria(criterion);
  }
  return t;
}

function numbers(values: string[], criterion: string, max?: number): Set<number> {
  return new Set(
    values.map((v) => {
      if (!DIGITS.test(v) || (max !== undefined && Number(v) > max)) {
        throw invalidCriteria(criterion);
      }
      return Number(v);
    })
  );
}

/**
 * Parses `q` into one predicate. Choices where the reference is silent (see README):
 * text fields match case-insensitively as "contains", except endpoint (name equality), network and
 * country (name equality); `until` is inclusive to the second.
 */
export function parseQ(q: string | undefined): { predicate: Predicate; filtered: boolean } {
  if (q === undefined || q === '') {
    return { predicate: () => true, filtered: false };
  }
  const predicates: Predicate[] = [];
  let from: number | undefined;
  let until: number | undefined;
  for (const criterion of q.split(',')) {
    const colon = criterion.indexOf(':');
    if (colon <= 0 || colon === criterion.length - 1) {
      throw invalidCriteria(criterion);
    }
    const field = criterion.slice(0, colon).trim();
    const value = criterion.slice(colon + 1).trim();
    const values = MULTI.has(field) ? value.split('|') : [value];
    if (values.length > 6 || values.some((v) => v === '')) {
      throw invalidCriteria(criterion);
    }
    switch (field) {
      case 'from':
        from = parseTime(value, criterion);
        break;
      case 'until':
        until = parseTime(value, criterion);
        break;
      case 'timestamp': {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
          throw invalidCriteria(criterion);
        }
        const day = Date.parse(value);
        predicates.push((r) => r.time >= day && r.time < day + 86_400_000);
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
        if (value !== 'true' && value !== 'false') {
          throw invalidCriteria(criterion);
        }
        const want = value === 'true';
        predicates.push((r) => r.alert === want);
        break;
      }
      case 'rat': {
        const rats = numbers(values, criterion);
        predicates.push((r) => r.rat !== undefined && r.operator !== undefined && rats.has(r.rat));
        break;
      }
      case 'description': {
        const v = lower(value);
        predicates.push((r) => lower(descriptionOf(r)).includes(v));
        break;
      }
      case 'organisation': {
        const v = lower(value);
        predicates.push(() => lower(ORGANISATION.name).includes(v) || String(ORGANISATION.id) === value);
        break;
      }
      case 'user': {
        const v = lower(value);
        predicates.push((r) => !!r.user && (lower(r.user.name).includes(v) || lower(r.user.username).includes(v) || String(r.user.id) === value));
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
        if (!IPV4.test(value) && !(value.includes(':') && /^[0-9a-fA-F:.]+$/.test(value))) {
          throw invalidCriteria(criterion);
        }
        predicates.push((r) => !!r.device && r.device.ip === value);
        break;
      }
      case 'imei':
      case 'imsi': {
        if (!DIGITS.test(value)) {
          throw invalidCriteria(criterion);
        }
        predicates.push((r) => !!r.device && r.device[field] === value);
        break;
      }
      case 'iccid':
      case 'iccid_with_luhn': {
        if (!values.every((v) => DIGITS.test(v))) {
          throw invalidCriteria(criterion);
        }
        // Exact when longer than 19 characters, otherwise a prefix (§2.5).
        predicates.push((r) => {
          if (!r.device) {
            return false;
          }
          const iccid = field === 'iccid' ? r.device.iccid : iccidWithLuhn(r.device.iccid);
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
  if ((from === undefined) !== (until === undefined)) {
    // `from` and `until` are only valid together.
    throw invalidCriteria(from === undefined ? `until:${new Date(until!).toISOString().replace('.000Z', 'Z')}` : `from:${new Date(from).toISOString().replace('.000Z', 'Z')}`);
  }
  if (from !== undefined && until !== undefined) {
    const f = from;
    const u = until + 999;
    predicates.push((r) => r.time >= f && r.time <= u);
  }
  return { predicate: (r) => predicates.every((p) => p(r)), filtered: true };
}

const SORT_KEYS: Record<string, (r: EventRecord) => string | number> = {
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

export interface ParsedSort {
  compare: ((a: EventRecord, b: EventRecord) => number) | undefined;
  /** Echo for `x-sort`. */
  text: string;
}

/** Parses `sort`; `undefined` compare means the natural order (id ascending). Ties break by id. */
export function parseSort(sort: string | undefined): ParsedSort {
  if (sort === undefined || sort === '') {
    return { compare: undefined, text: 'id' };
  }
  const keys = sort.split(',').map((f) => {
    const desc = f.startsWith('-');
    const name = desc ? f.slice(1) : f;
    const key = SORT_KEYS[name];
    if (!key) {
      throw new ApiFailure(400, { error_code: 1302, error_token: 'InvalidSortCriteria', message: `Sort criteria ${f} is invalid` });
    }
    return { key, dir: desc ? -1 : 1 };
  });
  if (keys.length === 1 && sort === 'id') {
    return { compare: undefined, text: sort };
  }
  return {
    compare: (a, b) => {
      for (const { key, dir } of keys) {
        const x = key(a);
        const y = key(b);
        if (x < y) {
          return -dir;
        }
        if (x > y) {
          return dir;
        }
      }
      return a.id - b.id;
    },
    text: sort,
  };
}

export interface Paging {
  page: number;
  perPage: number;
}

/** `page`/`per_page`: non-numeric → 400; per_page < 1 → default; too large → clamped silently. */
export function parsePaging(page: string | undefined, perPage: string | undefined, defaultPerPage: number, maxPerPage: number): Paging {
  const intOf = (name: string, v: string | undefined, fallback: number) => {
    if (v === undefined || v === '') {
      return fallback;
    }
    if (!/^-?\d+$/.test(v)) {
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
