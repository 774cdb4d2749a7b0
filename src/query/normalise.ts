/**
 * A saved or new query → the query every other step works on: the defaults filled in. The one place
 * where DEFAULT_QUERY is merged (the data source, the annotation support and the editors all call it).
 * Pure, and runs before interpolation, never inside it.
 *
 * Persisted field names (types.ts QUERY_FIELDS) have not changed since the first release, so there is
 * no migration yet; a rename would add one here, with a test named after the legacy case it protects.
 */
import { DEFAULT_QUERY, EmnifyQuery } from '../types';

/** The fields normaliseQuery guarantees. */
export type WithDefaults<Q> = Q & Required<Pick<EmnifyQuery, keyof typeof DEFAULT_QUERY>>;

/** `query` with a default for each field it leaves unset (missing or undefined); the input is not changed. */
export function normaliseQuery<Q extends Partial<EmnifyQuery>>(query: Q): WithDefaults<Q> {
  const out: Record<string, unknown> = { ...query };
  for (const [key, value] of Object.entries(DEFAULT_QUERY)) {
    out[key] ??= value;
  }
  return out as WithDefaults<Q>;
}
