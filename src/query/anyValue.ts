/**
 * "Any value": how a dashboard says "no filter" through a template variable.
 *
 * Grafana gives a variable on "All" to a data source in one of two ways (grafana/scenes
 * MultiValueVariable.getValue and CustomAllValue): with a custom all value, that text, unformatted; without
 * one (an empty `allValue`), the list of every option's value. A list of every type or severity is no
 * filter the API takes (at most 6 values, severity only one), so:
 * - `*` in any filter means any value: the filter is left out. The shipped dashboards give their variables
 *   the custom all value `*`, and users may type `*` too.
 * - A variable that holds every value a filter can have (the field table's exhaustive options, or every
 *   event type of the lookup) means any value as well: dashboards whose variables have no custom all value
 *   work on "All" for those filters. For filters without a known set of values (countries, endpoints, ...)
 *   only `*` says "All".
 */
import { EmnifyQuery } from '../types';
import { FILTER_FIELDS, FilterField } from './fields';

/** The value that means "any value" (no filter) in every field. */
export const ANY_VALUE = '*';

/**
 * The complete set of values of each field where one is known, once per spelling a variable may use:
 * exhaustive options (their values), and the event types (their ids, and their names).
 */
export type FieldDomains = Partial<Record<FilterField['key'], ReadonlyArray<readonly string[]>>>;

/** The domains known without the API, plus the event types of the lookup (ids and names) when it was read. */
export function fieldDomains(eventTypes: ReadonlyArray<{ id: number; description: string }> = []): FieldDomains {
  const domains: FieldDomains = {};
  for (const field of FILTER_FIELDS) {
    if ('exhaustive' in field && field.exhaustive) {
      domains[field.key] = [field.options.map((o) => o.value)];
    }
  }
  if (eventTypes.length > 0) {
    domains.eventTypes = [eventTypes.map((t) => String(t.id)), eventTypes.map((t) => t.description)];
  }
  return domains;
}

/** Whether `values` hold every value of one spelling of `domain` (a non-empty one). */
export function coversDomain(values: readonly string[], domain: ReadonlyArray<readonly string[]> | undefined): boolean {
  const held = new Set(values);
  return (domain ?? []).some((spelling) => spelling.length > 0 && spelling.every((v) => held.has(v)));
}

const holdsAny = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.some((entry) => holdsAny(entry))
    : typeof value === 'string' && value.split('|').some((v) => v.trim() === ANY_VALUE);

/** `query` without the filters that hold ANY_VALUE (a scope id of ANY_VALUE reads all events). */
export function withoutAnyValues(query: EmnifyQuery): EmnifyQuery {
  const out: Record<string, unknown> = { ...query };
  for (const { key } of FILTER_FIELDS) {
    if (holdsAny(query[key])) {
      delete out[key];
    }
  }
  if (query.scopeId !== undefined && query.scopeId.trim() === ANY_VALUE) {
    out.scope = 'all';
    delete out.scopeId;
  }
  return out as unknown as EmnifyQuery;
}
