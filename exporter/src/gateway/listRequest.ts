/**
 * What an event list request asks for, read the way emnify reads it (../shared/emnify-api.md §2.2-2.5;
 * the simulator is the reference): whether the gateway can assemble the exact answer from its time
 * slices, or must hand the request to emnify as it is. Pure.
 *
 * Assembled ("sliced"): `q` holds `from` and `until` (once each) and otherwise only criteria the
 * shared client's filter expresses; `sort` is absent, empty, `id` or `-id` (the order of the API's own
 * ids: any other order has ties whose order emnify does not document); `page` and `per_page` are
 * absent or whole numbers; the range starts at most RANGE_MAX_AGE_MS ago and ends at most
 * RANGE_MAX_AHEAD_MS ahead. Everything else is handed on ("as is"), including every request emnify
 * would refuse, so its error answer is emnify's own.
 */
import { EventFilter, FilterValidationError, buildFilterQuery, parseFilterQuery } from '@emnify-events/client';

/** The API's page size when `per_page` is absent or below 1 (observed, §2.2). */
export const DEFAULT_PER_PAGE = 100;

/**
 * Ranges starting earlier than this before now are handed on: emnify keeps 30 days (§6.2), and the
 * gateway never serves a sealed copy of time that emnify may be dropping.
 */
export const RANGE_MAX_AGE_MS = 29 * 86_400_000;
/** Ranges ending later than this after now are handed on (no events are timestamped there). */
export const RANGE_MAX_AHEAD_MS = 3_600_000;

/** The query parameters of a list request: the first value of each, as sent (decoded), or undefined. */
export interface ListParams {
  q?: string;
  sort?: string;
  page?: string;
  per_page?: string;
}

/**
 * Why a list request went to emnify as it is: what the request asks (scope, no-range, filter, sort,
 * paging, range), or what its slices held (unreadable, too-large) or emnify answered to them (refused).
 */
export type AsIsReason =
  'scope' | 'no-range' | 'filter' | 'sort' | 'paging' | 'range' | 'unreadable' | 'too-large' | 'refused';

export interface SlicedPlan {
  kind: 'sliced';
  /** The filter without from/until, and its canonical `q` (the key of its slices; '' for none). */
  rest: EventFilter;
  restKey: string;
  /** Epoch ms of `from` and of `until` (both whole seconds; until covers its whole second). */
  from: number;
  until: number;
  descending: boolean;
  /** `page` as asked (below 1 → 1; past the end is settled when the total is known). */
  page: number;
  /** `per_page` as asked, before the maximum applies (absent or below 1 → DEFAULT_PER_PAGE). */
  perPage: number;
}

export type ListPlan = SlicedPlan | { kind: 'as-is'; reason: AsIsReason };

const INT32 = /^[-+]?\d{1,10}$/;

/** A paging number as emnify's Java backend reads it (a 32-bit integer), or undefined. */
function pagingNumber(text: string): number | undefined {
  const n = Number(text);
  return INT32.test(text) && n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}

export function planList(params: ListParams, now: number): ListPlan {
  const { q, sort } = params;
  if (sort !== undefined && sort !== '' && sort !== 'id' && sort !== '-id') {
    return { kind: 'as-is', reason: 'sort' };
  }
  const page = params.page === undefined || params.page === '' ? 1 : pagingNumber(params.page);
  const perPage =
    params.per_page === undefined || params.per_page === '' ? DEFAULT_PER_PAGE : pagingNumber(params.per_page);
  if (page === undefined || perPage === undefined) {
    return { kind: 'as-is', reason: 'paging' };
  }
  if (q === undefined || q.trim() === '') {
    return { kind: 'as-is', reason: 'no-range' };
  }
  let filter: EventFilter;
  try {
    filter = parseFilterQuery(q);
  } catch (err) {
    if (err instanceof FilterValidationError) {
      return { kind: 'as-is', reason: 'filter' };
    }
    throw err;
  }
  const { from, until, ...rest } = filter;
  if (typeof from !== 'string' || typeof until !== 'string') {
    return { kind: 'as-is', reason: 'no-range' };
  }
  const fromMs = Date.parse(from);
  const untilMs = Date.parse(until);
  if (fromMs < now - RANGE_MAX_AGE_MS || untilMs > now + RANGE_MAX_AHEAD_MS) {
    return { kind: 'as-is', reason: 'range' };
  }
  return {
    kind: 'sliced',
    rest,
    restKey: buildFilterQuery(rest) ?? '',
    from: fromMs,
    until: untilMs,
    descending: sort === '-id',
    page: Math.max(page, 1),
    perPage: perPage < 1 ? DEFAULT_PER_PAGE : perPage,
  };
}
