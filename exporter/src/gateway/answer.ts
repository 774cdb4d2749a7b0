/**
 * An assembled event list and its pages, as emnify answers them (../shared/emnify-api.md §2.2-2.3; the
 * simulator is the reference where the document is silent): `page` below 1 serves the first page and
 * past the end the last one; `per_page` is clamped to the maximum; lower-case paging headers; `link`
 * with first/prev/next/last carrying `q`, `sort` (when sent) and `per_page`, empty for one page or
 * none; `x-filter` only when `q` filters. Pure.
 */

/** One event of a slice: its id and time (read once, for sorting and placing) and its JSON as served. */
export interface StoredEvent {
  id: number;
  /** Epoch ms as the client reads the timestamp. */
  time: number;
  json: string;
}

/** What a list answer is about, for its headers: the path and the parameters as the client sent them. */
export interface ListRequestEcho {
  /** `http://host:port` of the gateway as the client reached it. */
  origin: string;
  /** The request path as sent. */
  path: string;
  q?: string;
  sort?: string;
}

export interface ListPage {
  body: string;
  headers: Record<string, string>;
}

/**
 * The events of `slices` timestamped in `[from, until]` (until covering its whole second, as emnify's
 * filter does), ordered by id. Each event lives in exactly one slice, so nothing is repeated.
 */
export function assembleEvents(
  slices: ReadonlyArray<readonly StoredEvent[]>,
  from: number,
  until: number,
  descending: boolean
): StoredEvent[] {
  const end = until + 1000;
  const events: StoredEvent[] = [];
  for (const slice of slices) {
    for (const event of slice) {
      if (event.time >= from && event.time < end) {
        events.push(event);
      }
    }
  }
  return events.sort(descending ? (a, b) => b.id - a.id : (a, b) => a.id - b.id);
}

/** `link`: first, prev, next and last as `<url>;rel="..."`, joined by `, `; '' for one page or none. */
function linkHeader(echo: ListRequestEcho, perPage: number, page: number, totalPages: number): string {
  if (totalPages <= 1) {
    return '';
  }
  const url = (target: number) => {
    const params = new URLSearchParams();
    if (echo.q !== undefined) {
      params.append('q', echo.q);
    }
    if (echo.sort) {
      params.append('sort', echo.sort);
    }
    params.append('page', String(target));
    params.append('per_page', String(perPage));
    return `${echo.origin}${echo.path}?${params.toString()}`;
  };
  const relations: Array<[string, number]> = [['first', 1]];
  if (page > 1) {
    relations.push(['prev', page - 1]);
  }
  if (page < totalPages) {
    relations.push(['next', page + 1]);
  }
  relations.push(['last', totalPages]);
  return relations.map(([rel, target]) => `<${url(target)}>;rel="${rel}"`).join(', ');
}

/** Page `page` (as asked) of `events` with `perPage` (already clamped) and the headers emnify sends with it. */
export function listPage(
  events: readonly StoredEvent[],
  page: number,
  perPage: number,
  echo: ListRequestEcho
): ListPage {
  const totalPages = Math.ceil(events.length / perPage);
  const served = Math.min(Math.max(page, 1), Math.max(totalPages, 1));
  const first = (served - 1) * perPage;
  const body = `[${events
    .slice(first, first + perPage)
    .map((e) => e.json)
    .join(',')}]`;
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    link: linkHeader(echo, perPage, served, totalPages),
    'x-count-per-page': String(perPage),
    'x-current-page': String(served),
    'x-total-count': String(events.length),
    'x-total-pages': String(totalPages),
    'x-sort': echo.sort ? echo.sort : 'id',
  };
  if (echo.q !== undefined && echo.q.trim() !== '') {
    headers['x-filter'] = echo.q;
  }
  return { body, headers };
}
