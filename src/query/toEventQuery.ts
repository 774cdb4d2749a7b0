/**
 * The query model (after template interpolation) and the dashboard time range → the shared client's
 * EventQuery, one filter per row of the field table (fields.ts). Pure: the values' rules are the
 * client's (buildEventQuery), so the editor, the panel and the exporter reject the same input with the
 * same message, before any request.
 */
import { EmnifyError, EventFilter, EventQuery, EventScope, buildEventQuery } from '@emnify-events/client';
import { EmnifyQuery, QueryScope } from '../types';
import { FILTER_FIELDS, FilterField } from './fields';

/** Descending ids: the API numbers events in the order it records them (its default order is ascending). */
export const NEWEST_FIRST = '-id';

/** `a|b|c` (or a list of such texts) → trimmed non-empty values. */
export function splitValues(value: string | readonly string[] | undefined): string[] {
  const list = typeof value === 'string' ? [value] : (value ?? []);
  return list
    .flatMap((v) => v.split('|'))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** One field's value as the client's filter takes it: a list for 'many', trimmed text for 'one', or nothing. */
function filterValue(field: FilterField, query: EmnifyQuery): string | string[] | undefined {
  const value = query[field.key];
  if (field.values === 'many') {
    const values = splitValues(value);
    // One value per API spelling: `DE|Germany` is one country.
    const sent = 'apiValue' in field ? [...new Set(values.map(field.apiValue))] : values;
    return sent.length > 0 ? sent : undefined;
  }
  const text = typeof value === 'string' ? value.trim() : undefined;
  return text === '' ? undefined : text;
}

/**
 * The one check of a scope id: a whole number (the API answers 400 to anything else in the path).
 * Worded as the client's own scope check (scopePath), which stays the guard of other callers.
 */
export function toEventScope(scope: QueryScope, scopeId: string | undefined): EventScope {
  if (scope === 'all') {
    return { kind: 'all' };
  }
  const text = scopeId?.trim() ?? '';
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id)) {
    throw new EmnifyError('EMNIFY_INVALID_FILTER', `Invalid ${scope} id "${text}": expected a numeric id.`);
  }
  return { kind: scope, id };
}

export function toEventQuery(query: EmnifyQuery, range: { from: number; to: number }, perPage: number): EventQuery {
  // Text and lists of text for every field: buildEventQuery below checks each against the form its
  // filter takes (numeric ids, true/false, digits, an IP address...), so no value is trusted by type here.
  const filter: Record<string, string | string[] | number> = { from: range.from, until: range.to };
  for (const field of FILTER_FIELDS) {
    const value = filterValue(field, query);
    if (value !== undefined) {
      filter[field.filter] = value;
    }
  }
  // Newest first: when the page cap cuts a read short, what is left out is the oldest events, not the latest.
  const eventQuery: EventQuery = { filter: filter as EventFilter, perPage, sort: NEWEST_FIRST };
  const scope = toEventScope(query.scope ?? 'all', query.scopeId);
  if (scope.kind !== 'all') {
    eventQuery.scope = scope;
  }
  // Throws the client's FilterValidationError (field named, expected form) for anything the API would reject.
  buildEventQuery(eventQuery);
  return eventQuery;
}
