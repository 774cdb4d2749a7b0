/** The Event API's `page` and `per_page` (../shared/emnify-api.md §2.2): parsing and the page served. Pure. */
import { badRequest } from './apiErrors';

export interface Paging {
  page: number;
  perPage: number;
}

/** `page`/`per_page`: non-numeric → 400; per_page < 1 → default; too large → clamped silently (§2.2). */
export function parsePaging(
  page: string | undefined,
  perPage: string | undefined,
  defaultPerPage: number,
  maxPerPage: number
): Paging {
  const intOf = (name: string, v: string | undefined, fallback: number) => {
    if (v === undefined || v.trim() === '') {
      return fallback;
    }
    if (!/^[-+]?\d+$/.test(v.trim())) {
      throw badRequest(`Cannot parse parameter ${name} as Integer: For input string: "${v}"`);
    }
    return Number(v);
  };
  let pp = intOf('per_page', perPage, defaultPerPage);
  if (pp < 1) {
    pp = defaultPerPage;
  }
  pp = Math.min(pp, maxPerPage);
  return { page: intOf('page', page, 1), perPage: pp };
}

/** The page actually served: below 1 → 1, past the end → the last page (§2.2). */
export function effectivePage(
  requested: number,
  totalCount: number,
  perPage: number
): { page: number; totalPages: number } {
  const totalPages = Math.ceil(totalCount / perPage);
  return { page: Math.min(Math.max(requested, 1), Math.max(totalPages, 1)), totalPages };
}
