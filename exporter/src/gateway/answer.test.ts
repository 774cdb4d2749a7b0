import { StoredEvent, assembleEvents, listPage } from './answer';

const ev = (id: number, time: number): StoredEvent => ({ id, time, json: `{"id":${id}}` });
const echo = {
  origin: 'http://gw:8486',
  path: '/api/v1/event',
  q: 'from:2026-03-01T00:00:00Z,until:2026-03-01T00:10:00Z',
  sort: '-id',
};

describe('assembleEvents', () => {
  it('keeps events from `from` to the end of the `until` second, ordered by id', () => {
    const slices = [
      [ev(5, 999), ev(9, 1000), ev(2, 1500)],
      [ev(7, 60_999), ev(3, 61_000)],
    ];
    expect(assembleEvents(slices, 1000, 60_000, false).map((e) => e.id)).toEqual([2, 7, 9]);
    expect(assembleEvents(slices, 1000, 60_000, true).map((e) => e.id)).toEqual([9, 7, 2]);
  });
});

describe('listPage', () => {
  const events = [5, 4, 3, 2, 1].map((id) => ev(id, 0));

  it('serves the page with the paging headers and links of emnify', () => {
    expect(listPage(events, 2, 2, echo)).toEqual({
      body: '[{"id":3},{"id":2}]',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        link: [
          '<http://gw:8486/api/v1/event?q=from%3A2026-03-01T00%3A00%3A00Z%2Cuntil%3A2026-03-01T00%3A10%3A00Z&sort=-id&page=1&per_page=2>;rel="first"',
          '<http://gw:8486/api/v1/event?q=from%3A2026-03-01T00%3A00%3A00Z%2Cuntil%3A2026-03-01T00%3A10%3A00Z&sort=-id&page=1&per_page=2>;rel="prev"',
          '<http://gw:8486/api/v1/event?q=from%3A2026-03-01T00%3A00%3A00Z%2Cuntil%3A2026-03-01T00%3A10%3A00Z&sort=-id&page=3&per_page=2>;rel="next"',
          '<http://gw:8486/api/v1/event?q=from%3A2026-03-01T00%3A00%3A00Z%2Cuntil%3A2026-03-01T00%3A10%3A00Z&sort=-id&page=3&per_page=2>;rel="last"',
        ].join(', '),
        'x-count-per-page': '2',
        'x-current-page': '2',
        'x-total-count': '5',
        'x-total-pages': '3',
        'x-sort': '-id',
        'x-filter': echo.q,
      },
    });
  });

  it('serves the last page past the end, the first below 1, and an empty result with empty link', () => {
    expect(listPage(events, 9, 2, echo).body).toBe('[{"id":1}]');
    expect(listPage(events, 9, 2, echo).headers['x-current-page']).toBe('3');
    expect(listPage(events, -1, 2, echo).headers['x-current-page']).toBe('1');
    const empty = listPage([], 4, 100, { ...echo, sort: '' });
    expect([
      empty.body,
      empty.headers.link,
      empty.headers['x-total-pages'],
      empty.headers['x-current-page'],
      empty.headers['x-sort'],
    ]).toEqual(['[]', '', '0', '1', 'id']);
  });
});
