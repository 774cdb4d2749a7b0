/**
 * The query model (after template interpolation) and the dashboard time range → the shared client's
 * EventQuery. Pure: validation is the client's, so the editor, the panel and the exporter all reject
 * the same input with the same message, before any request.
 */
import { EmnifyError, EventFilter, EventQuery, buildEventQuery } from '@emnify-events/client';
import { EmnifyQuery } from '../types';

/** Descending ids: the API numbers events in the order it records them (its default order is ascending). */
export const NEWEST_FIRST = '-id';

/** `a|b|c` (or a list) → trimmed non-empty values. */
export function splitValues(value: string | string[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .flatMap((v) => v.split('|'))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function single(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function toEventQuery(query: EmnifyQuery, range: { from: number; to: number }, perPage: number): EventQuery {
  const filter: EventFilter = { from: range.from, until: range.to };
  const types = splitValues(query.eventTypes);
  if (types.length) {
    filter.type = types;
  }
  const assign = <K extends keyof EventFilter>(key: K, value: EventFilter[K] | undefined) => {
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      filter[key] = value;
    }
  };
  assign('severity', single(query.severity));
  assign('source', single(query.source));
  const alert = single(query.alert);
  if (alert !== undefined) {
    filter.alert = alert as 'true' | 'false';
  }
  assign('network', splitValues(query.network));
  assign('country', splitValues(query.country));
  assign('rat', splitValues(query.rat));
  assign('endpoint', splitValues(query.endpoint));
  assign('iccid', splitValues(query.iccid));
  assign('description', single(query.description));
  assign('tags', single(query.tags));
  assign('imsi', single(query.imsi));
  assign('imei', single(query.imei));
  assign('ip_address', single(query.ipAddress));
  assign('organisation', single(query.organisation));
  assign('user', single(query.user));

  // Newest first: when the page cap cuts a read short, what is left out is the oldest events, not the latest.
  const eventQuery: EventQuery = { filter, perPage, sort: NEWEST_FIRST };
  const scope = query.scope ?? 'all';
  if (scope !== 'all') {
    const id = single(query.scopeId);
    if (id === undefined || !/^\d+$/.test(id)) {
      throw new EmnifyError(
        'EMNIFY_INVALID_FILTER',
        `Invalid ${scope} id "${id ?? ''}": expected the numeric ${scope} id.`
      );
    }
    eventQuery.scope = { kind: scope, id: Number(id) };
  }
  // Throws the client's FilterValidationError (field named, expected form) for anything the API would reject.
  buildEventQuery(eventQuery);
  return eventQuery;
}
