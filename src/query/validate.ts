/**
 * What the editor can say about a query before its variables are known: every value without a variable
 * goes through the same toEventQuery (and so the client's rules) that the data source runs; a value
 * holding a `$variable` is checked once the variable is replaced, when the query runs; `*` (any value)
 * is no filter. Event types given by name are checked against the type lookup when the editor has it,
 * else when the query runs.
 */
import { EventTypeInfo } from '@emnify-events/client';
import { describeError } from '../errors';
import { EmnifyQuery } from '../types';
import { withoutAnyValues } from './anyValue';
import { withEventTypeIds } from './eventTypeNames';
import { FILTER_FIELDS } from './fields';
import { toEventQuery } from './toEventQuery';

const hasVariable = (text: string) => text.includes('$');

/** The query without the values that hold variables (a variable scope id stands in as a valid id). */
function withoutVariables(query: EmnifyQuery): EmnifyQuery {
  const out: Record<string, unknown> = { ...query };
  for (const { key } of FILTER_FIELDS) {
    const value = query[key];
    if (Array.isArray(value)) {
      out[key] = value.filter((v) => !hasVariable(v));
    } else if (typeof value === 'string' && hasVariable(value)) {
      delete out[key];
    }
  }
  if (query.scopeId !== undefined && hasVariable(query.scopeId)) {
    out.scopeId = '0';
  }
  return out as unknown as EmnifyQuery;
}

/** `query` without the event types given by name (when the lookup is not at hand). */
const withoutTypeNames = (query: EmnifyQuery): EmnifyQuery =>
  query.eventTypes ? { ...query, eventTypes: query.eventTypes.filter((t) => /^\s*\d*\s*$/.test(t)) } : query;

/**
 * The message of the first problem of `query`, or undefined when it can be sent as far as can be told
 * now. `types`: the type lookup, when read (type names are checked against it).
 */
export function validateQuery(query: EmnifyQuery, types: readonly EventTypeInfo[] = []): string | undefined {
  try {
    const known = withoutAnyValues(withoutVariables(query));
    const typed = types.length > 0 ? withEventTypeIds(known, types) : withoutTypeNames(known);
    // Any valid range and page size: the check is about the filters and the scope.
    toEventQuery(typed, { from: 0, to: 0 }, 1);
    return undefined;
  } catch (err) {
    return describeError(err);
  }
}
