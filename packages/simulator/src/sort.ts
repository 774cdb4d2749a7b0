/** The Event API's `sort` parameter (../shared/emnify-api.md §2.4), parsed and applied. Pure. */
import { invalidSort } from './apiErrors';
import type { EventRecord } from './record';

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
  organisation: (r) => r.organisation.name,
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
