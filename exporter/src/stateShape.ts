/**
 * The shape of the state files' JSON, as tables of rules: every field of the base file and of a journal
 * line, and every element of the lists they hold, is one row naming what it is and how it is checked.
 * A check answers what is wrong (undefined when nothing is), so a load fails naming the field and the
 * problem instead of loading garbage (`"events": [[1, 2]]` would have made its counts vanish). Pure.
 */
import { EVENT_LABEL_NAMES, VOLUME_LABEL_NAMES } from './labels';

/** What is wrong, and where: `at` is the path inside the value checked (`[0][1] (event time)`, '' for the value itself). */
export interface Problem {
  at: string;
  what: string;
}

/** What is wrong with a value, or undefined. */
export type Check = (value: unknown) => Problem | undefined;

const wrong = (what: string): Problem => ({ at: '', what });

/** A value for a message: JSON, cut to 40 characters. */
export function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The largest time a JavaScript Date holds (epoch ms). */
const MAX_DATE_MS = 8.64e15;

/** A check of a number: `ok` decides, `what` says what it should have been. */
const numberCheck =
  (ok: (n: number) => boolean, what: string): Check =>
  (v) =>
    typeof v === 'number' && ok(v) ? undefined : wrong(`${shown(v)} is not ${what}`);

export const wholeNumber = numberCheck((n) => Number.isSafeInteger(n) && n >= 0, 'a whole number of at least 0');
export const eventId = numberCheck(
  (n) => Number.isSafeInteger(n) && n > 0,
  'an event id (a positive integer up to 2^53-1)'
);
export const sequenceNumber = numberCheck((n) => Number.isSafeInteger(n) && n >= 1, 'a sequence number (1, 2, ...)');
export const epochMs = numberCheck(
  (n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_DATE_MS,
  'a time (milliseconds since 1970)'
);

export const oneOf =
  (...allowed: readonly unknown[]): Check =>
  (v) =>
    allowed.includes(v) ? undefined : wrong(`${shown(v)} is not ${allowed.map((a) => shown(a)).join(' or ')}`);

/** A count key: the JSON text of one string per label name; `first` limits the first label's values. */
export function labelKeyOf(names: readonly string[], first?: readonly string[]): Check {
  return (v) => {
    const expected = `a label key (the JSON text of ${names.length} label values: ${names.join(', ')})`;
    if (typeof v !== 'string') {
      return wrong(`${shown(v)} is not ${expected}`);
    }
    let values: unknown;
    try {
      values = JSON.parse(v);
    } catch {
      return wrong(`${shown(v)} is not ${expected}`);
    }
    if (!Array.isArray(values) || values.length !== names.length || values.some((x) => typeof x !== 'string')) {
      return wrong(`${shown(v)} is not ${expected}`);
    }
    if (first && !first.includes(values[0] as string)) {
      return wrong(`${shown(v)} has the ${names[0]} ${shown(values[0])}, not ${first.join(' or ')}`);
    }
    return undefined;
  };
}

/** One element of a tuple: what it is, and its check. */
export interface TupleField {
  name: string;
  check: Check;
}

/** A fixed-length array whose elements are `fields`, in order. */
export function tupleOf(fields: readonly TupleField[]): Check {
  const names = fields.map((f) => f.name).join(', ');
  return (v) => {
    if (!Array.isArray(v) || v.length !== fields.length) {
      return wrong(`${shown(v)} is not [${names}]`);
    }
    for (let i = 0; i < fields.length; i++) {
      const problem = fields[i].check(v[i]);
      if (problem !== undefined) {
        return { at: `[${i}]${problem.at} (${fields[i].name})`, what: problem.what };
      }
    }
    return undefined;
  };
}

/** An array of elements that pass `element`; `unique` names what must not repeat (the element, or a tuple's first field). */
export function listOf(element: Check, unique?: string): Check {
  return (v) => {
    if (!Array.isArray(v)) {
      return wrong(`${shown(v)} is not a list`);
    }
    const seen = new Set<unknown>();
    for (let i = 0; i < v.length; i++) {
      const problem = element(v[i]);
      if (problem !== undefined) {
        return { at: `[${i}]${problem.at}`, what: problem.what };
      }
      if (unique) {
        const key: unknown = Array.isArray(v[i]) ? (v[i] as unknown[])[0] : v[i];
        if (seen.has(key)) {
          return { at: `[${i}]`, what: `the ${unique} ${shown(key)} is listed twice` };
        }
        seen.add(key);
      }
    }
    return undefined;
  };
}

/** A remembered id: `[event id, event time]`. One row per element. */
export const ID_ENTRY_FIELDS: readonly TupleField[] = [
  { name: 'event id', check: eventId },
  { name: 'event time', check: epochMs },
];

/** A counter of emnify_events_total: `[label key, events]`. */
export const EVENT_COUNT_FIELDS: readonly TupleField[] = [
  { name: 'label key', check: labelKeyOf(EVENT_LABEL_NAMES) },
  { name: 'events', check: wholeNumber },
];

/** A counter of emnify_data_volume_bytes_total: `[label key, bytes]`. */
export const VOLUME_COUNT_FIELDS: readonly TupleField[] = [
  { name: 'label key', check: labelKeyOf(VOLUME_LABEL_NAMES, ['rx', 'tx']) },
  { name: 'bytes', check: wholeNumber },
];

const ids = listOf(tupleOf(ID_ENTRY_FIELDS), 'event id');
const eventCounts = listOf(tupleOf(EVENT_COUNT_FIELDS), 'label key');
const volumeCounts = listOf(tupleOf(VOLUME_COUNT_FIELDS), 'label key');

/** One field of an object: its name, when it must be there (`versions`: the base versions that have it), and its check. */
export interface FieldRule {
  field: string;
  required: boolean;
  check: Check;
  /** Base versions that have the field (absent: all). */
  versions?: readonly number[];
}

/** Ids alone (the push-only ones, the ones a poll has now returned): none twice. */
const idList = listOf(eventId, 'event id');

/** The base file (`<state file>`), versions 1 to 3. */
export const BASE_FIELDS: readonly FieldRule[] = [
  { field: 'version', required: true, check: oneOf(1, 2, 3) },
  { field: 'seq', required: true, check: wholeNumber, versions: [2, 3] },
  { field: 'watermark', required: true, check: epochMs },
  { field: 'ids', required: true, check: ids },
  { field: 'push_ids', required: false, check: idList, versions: [3] },
  { field: 'forgotten_below', required: false, check: epochMs, versions: [3] },
  { field: 'events', required: false, check: eventCounts },
  { field: 'volume', required: false, check: volumeCounts },
  { field: 'late_events', required: false, check: wholeNumber },
];

/** A journal line (`<state file>.journal`). */
export const RECORD_FIELDS: readonly FieldRule[] = [
  { field: 'seq', required: true, check: sequenceNumber },
  { field: 'ids', required: false, check: ids },
  { field: 'pushed', required: false, check: oneOf(true) },
  { field: 'polled', required: false, check: idList },
  { field: 'events', required: false, check: eventCounts },
  { field: 'volume', required: false, check: volumeCounts },
  { field: 'late', required: false, check: wholeNumber },
  { field: 'watermark', required: false, check: epochMs },
  { field: 'prune', required: false, check: epochMs },
];

/**
 * What is wrong with `value` as an object of `rules` (its `version` selects the rules that apply), or
 * undefined: `"events"[0][0] (label key): 1 is not a label key (...)`.
 */
export function objectProblem(value: unknown, rules: readonly FieldRule[]): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return `the JSON is ${shown(value)}, not an object`;
  }
  const o = value as Record<string, unknown>;
  const version = o.version;
  const applies = (r: FieldRule) => !r.versions || r.versions.includes(version as number);
  for (const rule of rules) {
    const present = Object.prototype.hasOwnProperty.call(o, rule.field) && o[rule.field] !== undefined;
    if (!present) {
      if (rule.required && applies(rule)) {
        return `"${rule.field}" is missing`;
      }
      continue;
    }
    if (!applies(rule)) {
      return `"${rule.field}" is not a field of version ${shown(version)}`;
    }
    const problem = rule.check(o[rule.field]);
    if (problem !== undefined) {
      return `"${rule.field}"${problem.at}: ${problem.what}`;
    }
  }
  const unknown = Object.keys(o).find((k) => !rules.some((r) => r.field === k));
  return unknown === undefined ? undefined : `unknown field "${unknown}"`;
}
