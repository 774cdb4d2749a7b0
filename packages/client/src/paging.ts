/**
 * Reading the Event API's paging headers (../shared/emnify-api.md §2.2, §2.3). Pure.
 * Never trusts that `per_page` was honoured (the API clamps silently) and never loops "until empty"
 * (a page past the end answers with the last page again).
 */

export interface PagingInfo {
  /** The page the server says it served (`x-current-page`). */
  currentPage: number;
  /** `x-total-pages`; 0 for an empty result. */
  totalPages: number;
  /** `x-total-count`. */
  totalCount: number;
  /** The page size in effect (`x-count-per-page`), which may be less than requested. */
  perPage: number;
  /** `link` relations (first, prev, next, last) → URL; empty when there is a single page. */
  links: Record<string, string>;
  /** `x-sort` echo, when sent. */
  sort?: string;
  /** `x-filter` echo, when sent. */
  filter?: string;
}

function intHeader(headers: Record<string, string>, name: string): number | undefined {
  const value = headers[name];
  if (value === undefined || value.trim() === '' || !/^\d+$/.test(value.trim())) {
    return undefined;
  }
  return Number(value.trim());
}

/** Parses an RFC 8288 `link` header: `<url>; rel="next", <url>; rel="last"`. */
export function parseLinkHeader(value: string | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!value) {
    return links;
  }
  for (const part of value.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match) {
      links[match[2]] = match[1];
    }
  }
  return links;
}

/**
 * Paging facts of one response. `requestedPage`/`itemCount` fill gaps when headers are missing:
 * without `x-total-pages` the total is derived from `x-total-count` and the page size, then from a
 * `next` link; with none of them the response is taken as the only page.
 */
export function parsePaging(headers: Record<string, string>, requestedPage: number, itemCount: number): PagingInfo {
  const links = parseLinkHeader(headers['link']);
  const perPage = intHeader(headers, 'x-count-per-page') ?? Math.max(itemCount, 1);
  const currentPage = intHeader(headers, 'x-current-page') ?? requestedPage;
  let totalCount = intHeader(headers, 'x-total-count');
  let totalPages = intHeader(headers, 'x-total-pages');
  if (totalPages === undefined) {
    if (totalCount !== undefined) {
      totalPages = Math.ceil(totalCount / perPage);
    } else if (links.next) {
      totalPages = currentPage + 1;
    } else {
      totalPages = itemCount === 0 ? 0 : currentPage;
    }
  }
  if (totalCount === undefined) {
    totalCount = totalPages <= 1 ? itemCount : totalPages * perPage;
  }
  return {
    currentPage,
    totalPages,
    totalCount,
    perPage,
    links,
    sort: headers['x-sort'],
    filter: headers['x-filter'],
  };
}
