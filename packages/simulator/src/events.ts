/**
 * The event list endpoints (../shared/emnify-api.md §2): scope from the path, `q`/`sort`/`page`/`per_page`,
 * the page served, and the paging headers (lower-case names, `link` carrying filter, sort and per_page
 * forward, empty when there is one page). Independent of the HTTP server: it returns the body and headers.
 */
import { badRequest, notFound } from './apiErrors';
import { materialise } from './materialise';
import { effectivePage, parsePaging } from './paging';
import { parseQ } from './qMatch';
import type { EventRecord } from './record';
import { SelectionCache } from './selection';
import { parseSort, sortRecords } from './sort';
import type { EventStore } from './store';

export const DEFAULT_PER_PAGE = 100;

/** `/api/v1/event`, and `/api/v1/{organisation|endpoint|sim|user}/{id}/event` (trailing slash allowed). */
export const EVENT_LIST_ROUTE = /^\/api\/v1\/(?:(organisation|endpoint|sim|user)\/([^/]+)\/)?event\/?$/;

export type Scope = { kind: 'all' } | { kind: 'none' } | { kind: 'endpoint' | 'sim' | 'user'; id: number };

/**
 * The scope of a path for a token of organisation `organisationId`. `organisation/my` and the own
 * organisation id: everything; another numeric id: nothing (200 [], §2.6 quirk); `user/my`: nothing, since
 * an application token has no user of its own. A non-numeric id → 400 as the API's Java backend words it.
 */
export function parseScope(kind: string | undefined, id: string | undefined, organisationId: number): Scope {
  if (!kind) {
    return { kind: 'all' };
  }
  if (id === 'my' && (kind === 'organisation' || kind === 'user')) {
    return kind === 'organisation' ? { kind: 'all' } : { kind: 'none' };
  }
  if (id === undefined || !/^-?\d+$/.test(id) || !Number.isSafeInteger(Number(id))) {
    throw badRequest(`Cannot parse parameter id as Long: For input string: "${id ?? ''}"`);
  }
  if (kind === 'organisation') {
    return Number(id) === organisationId ? { kind: 'all' } : { kind: 'none' };
  }
  return { kind: kind as 'endpoint' | 'sim' | 'user', id: Number(id) };
}

function scopeFilter(scope: Scope): ((r: EventRecord) => boolean) | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'none':
      return () => false;
    case 'endpoint':
      return (r) => r.device?.endpointId === scope.id;
    case 'sim':
      return (r) => r.device?.simId === scope.id;
    case 'user':
      return (r) => r.user?.id === scope.id;
  }
}

export interface EventListContext {
  store: EventStore;
  cache: SelectionCache;
  seed: number;
  drift: boolean;
  maxPerPage: number;
  /** The token's organisation: `/organisation/{this id}/event` lists everything. */
  organisationId: number;
}

export interface EventListAnswer {
  body: string;
  headers: Record<string, string>;
  /** The events served (for tests and logs). */
  count: number;
}

/** Answers one event list request; throws ApiFailure (400/422) on bad parameters. */
export function listEvents(
  ctx: EventListContext,
  path: string,
  params: URLSearchParams,
  origin: string
): EventListAnswer {
  const route = EVENT_LIST_ROUTE.exec(path);
  if (!route) {
    throw notFound();
  }
  const scope = parseScope(route[1], route[2], ctx.organisationId);
  const paging = parsePaging(
    params.get('page') ?? undefined,
    params.get('per_page') ?? undefined,
    DEFAULT_PER_PAGE,
    ctx.maxPerPage
  );
  const sortParam = params.get('sort') ?? undefined;
  const sort = parseSort(sortParam);
  const q = params.get('q') ?? undefined;
  const { predicate, filtered } = parseQ(q);

  const inScope = scopeFilter(scope);
  const { store } = ctx;
  let records: readonly EventRecord[];
  if (!predicate && !inScope && sort.keys.length === 0) {
    records = store.visible;
  } else {
    const key = JSON.stringify([scope, filtered ? q : '', sort.keys]);
    records = ctx.cache.get(key, store.version, () => {
      const selected =
        predicate || inScope
          ? store.visible.filter((r) => (!inScope || inScope(r)) && (!predicate || predicate(r)))
          : store.visible;
      return sort.keys.length > 0 ? sortRecords(selected, sort.keys) : selected;
    });
  }

  const totalCount = records.length;
  const { page, totalPages } = effectivePage(paging.page, totalCount, paging.perPage);
  const slice = records.slice((page - 1) * paging.perPage, page * paging.perPage);
  const body = JSON.stringify(slice.map((r) => materialise(r, ctx.seed, ctx.drift)));

  const headers: Record<string, string> = {
    link: linkHeader(
      `${origin}${path}`,
      { q: filtered ? q : undefined, sort: sortParam ? sort.text : undefined, perPage: paging.perPage },
      page,
      totalPages
    ),
    'x-count-per-page': String(paging.perPage),
    'x-current-page': String(page),
    'x-total-count': String(totalCount),
    'x-total-pages': String(totalPages),
    'x-sort': sort.text,
  };
  if (filtered && q !== undefined) {
    headers['x-filter'] = q;
  }
  return { body, headers, count: slice.length };
}

/** `<url?q=..&sort=..&page=N&per_page=M>;rel="first"`, prev, next, last; '' when there is one page or none. */
export function linkHeader(
  base: string,
  carry: { q?: string; sort?: string; perPage: number },
  page: number,
  totalPages: number
): string {
  if (totalPages <= 1) {
    return '';
  }
  const to = (p: number, rel: string) => {
    const qs = new URLSearchParams();
    if (carry.q !== undefined) {
      qs.set('q', carry.q);
    }
    if (carry.sort !== undefined) {
      qs.set('sort', carry.sort);
    }
    qs.set('page', String(p));
    qs.set('per_page', String(carry.perPage));
    return `<${base}?${qs.toString()}>;rel="${rel}"`;
  };
  const links = [to(1, 'first')];
  if (page > 1) {
    links.push(to(page - 1, 'prev'));
  }
  if (page < totalPages) {
    links.push(to(page + 1, 'next'));
  }
  links.push(to(totalPages, 'last'));
  return links.join(', ');
}
