import { parseLinkHeader, parsePaging } from './paging';

describe('parsePaging', () => {
  it('reads the lower-case event-service headers of a real single-page answer (emnify-api.md §2.3)', () => {
    const paging = parsePaging(
      {
        link: '',
        'x-count-per-page': '100',
        'x-current-page': '1',
        'x-total-count': '2',
        'x-total-pages': '1',
        'x-sort': 'id',
      },
      1,
      2
    );
    expect(paging).toEqual({
      currentPage: 1,
      totalPages: 1,
      totalCount: 2,
      perPage: 100,
      links: {},
      sort: 'id',
      filter: undefined,
    });
  });

  it('takes the page size in effect from x-count-per-page, not from the request', () => {
    const paging = parsePaging(
      { 'x-count-per-page': '1000', 'x-current-page': '3', 'x-total-count': '4500', 'x-total-pages': '5' },
      3,
      1000
    );
    expect(paging.perPage).toBe(1000);
    expect(paging.totalPages).toBe(5);
  });

  it('derives the total pages from x-total-count when x-total-pages is missing, then from a next link', () => {
    expect(parsePaging({ 'x-count-per-page': '100', 'x-total-count': '250' }, 1, 100).totalPages).toBe(3);
    expect(parsePaging({ link: '<https://x/api/v1/event?page=3>; rel="next"' }, 2, 100).totalPages).toBe(3);
    expect(parsePaging({}, 1, 0)).toMatchObject({ totalPages: 0, totalCount: 0 });
    expect(parsePaging({}, 1, 7)).toMatchObject({ totalPages: 1, totalCount: 7 });
  });
});

describe('parseLinkHeader', () => {
  it('parses first/prev/next/last', () => {
    expect(
      parseLinkHeader(
        '<https://cdn.emnify.net/api/v1/event?page=1&per_page=100>; rel="first", <https://cdn.emnify.net/api/v1/event?page=3&per_page=100>;rel="next", <https://cdn.emnify.net/api/v1/event?page=9&per_page=100>; rel=last'
      )
    ).toEqual({
      first: 'https://cdn.emnify.net/api/v1/event?page=1&per_page=100',
      next: 'https://cdn.emnify.net/api/v1/event?page=3&per_page=100',
      last: 'https://cdn.emnify.net/api/v1/event?page=9&per_page=100',
    });
    expect(parseLinkHeader('')).toEqual({});
  });
});
