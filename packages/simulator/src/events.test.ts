/** The event list logic without HTTP: scopes, the link header, paging headers, the selection cache. */
import { listEvents, linkHeader, parseScope } from './events';
import { ApiFailure } from './apiErrors';
import { SelectionCache } from './selection';
import { EventStore } from './store';
import { buildWorld } from './world';

const store = new EventStore(buildWorld(1), {
  seed: 1,
  start: Date.UTC(2026, 0, 10),
  historyMs: 86_400_000,
  historyEvents: 950,
  eventsPerSecond: 0,
  lateFraction: 0,
  maxLatenessMs: 0,
});
const ctx = { store, cache: new SelectionCache(4), seed: 1, drift: false, maxPerPage: 1000, organisationId: 13886 };
const list = (path: string, query = '') => listEvents(ctx, path, new URLSearchParams(query), 'http://sim.test');

describe('parseScope', () => {
  it('maps paths to scopes, with the 200-[] quirk for foreign ids (§2.6)', () => {
    expect(parseScope(undefined, undefined, 13886)).toEqual({ kind: 'all' });
    expect(parseScope('organisation', 'my', 13886)).toEqual({ kind: 'all' });
    expect(parseScope('organisation', '13886', 13886)).toEqual({ kind: 'all' });
    expect(parseScope('organisation', '1234', 13886)).toEqual({ kind: 'none' });
    expect(parseScope('user', 'my', 13886)).toEqual({ kind: 'none' });
    expect(parseScope('endpoint', '11380016', 13886)).toEqual({ kind: 'endpoint', id: 11380016 });
    expect(parseScope('sim', '42', 13886)).toEqual({ kind: 'sim', id: 42 });
  });

  it('rejects a non-numeric id with the Java-worded 400', () => {
    for (const [kind, id] of [
      ['endpoint', 'abc'],
      ['sim', 'my'],
      ['user', '1.5'],
      ['organisation', '99999999999999999999'],
    ]) {
      let err: ApiFailure | undefined;
      try {
        parseScope(kind, id, 13886);
      } catch (e) {
        err = e as ApiFailure;
      }
      expect({ status: err?.status, body: err?.body }).toEqual({
        status: 400,
        body: {
          error_code: 1000,
          error_token: 'BadRequest',
          message: `Cannot parse parameter id as Long: For input string: "${id}"`,
        },
      });
    }
  });
});

describe('linkHeader', () => {
  it('is empty with one page or none', () => {
    expect(linkHeader('http://h/api/v1/event', { perPage: 100 }, 1, 1)).toBe('');
    expect(linkHeader('http://h/api/v1/event', { perPage: 100 }, 1, 0)).toBe('');
  });

  it('lists first, prev, next and last, carrying q, sort and per_page', () => {
    expect(linkHeader('http://h/api/v1/event', { q: 'type:1|2', sort: '-id', perPage: 50 }, 2, 4)).toBe(
      [
        '<http://h/api/v1/event?q=type%3A1%7C2&sort=-id&page=1&per_page=50>;rel="first"',
        '<http://h/api/v1/event?q=type%3A1%7C2&sort=-id&page=1&per_page=50>;rel="prev"',
        '<http://h/api/v1/event?q=type%3A1%7C2&sort=-id&page=3&per_page=50>;rel="next"',
        '<http://h/api/v1/event?q=type%3A1%7C2&sort=-id&page=4&per_page=50>;rel="last"',
      ].join(', ')
    );
    expect(linkHeader('http://h/e', { perPage: 10 }, 1, 2)).toBe(
      '<http://h/e?page=1&per_page=10>;rel="first", <http://h/e?page=2&per_page=10>;rel="next", <http://h/e?page=2&per_page=10>;rel="last"'
    );
    expect(linkHeader('http://h/e', { perPage: 10 }, 2, 2)).toBe(
      '<http://h/e?page=1&per_page=10>;rel="first", <http://h/e?page=1&per_page=10>;rel="prev", <http://h/e?page=2&per_page=10>;rel="last"'
    );
  });
});

describe('listEvents', () => {
  it('answers the first page in id order with the paging headers', () => {
    const a = list('/api/v1/event');
    expect(a.headers).toEqual({
      link: '<http://sim.test/api/v1/event?page=1&per_page=100>;rel="first", <http://sim.test/api/v1/event?page=2&per_page=100>;rel="next", <http://sim.test/api/v1/event?page=10&per_page=100>;rel="last"',
      'x-count-per-page': '100',
      'x-current-page': '1',
      'x-total-count': '950',
      'x-total-pages': '10',
      'x-sort': 'id',
    });
    const ids = (JSON.parse(a.body) as Array<{ id: number }>).map((e) => e.id);
    expect(ids).toEqual(store.visible.slice(0, 100).map((r) => r.id));
  });

  it('serves the last page again past the end, and x-filter only when filtering', () => {
    const last = list('/api/v1/event', 'page=10');
    expect(last.count).toBe(50);
    expect(list('/api/v1/event', 'page=11').body).toBe(last.body);
    expect(list('/api/v1/event', 'q=').headers['x-filter']).toBeUndefined();
    const filtered = list('/api/v1/event/', 'q=severity:1&sort=-timestamp&per_page=5');
    expect(filtered.headers['x-filter']).toBe('severity:1');
    expect(filtered.headers['x-sort']).toBe('-timestamp');
    expect(filtered.headers.link).toContain('?q=severity%3A1&sort=-timestamp&page=2&per_page=5>;rel="next"');
  });

  it('answers 200 [] with zero totals for a scope without events', () => {
    expect(list('/api/v1/endpoint/1/event')).toEqual({
      body: '[]',
      count: 0,
      headers: {
        link: '',
        'x-count-per-page': '100',
        'x-current-page': '1',
        'x-total-count': '0',
        'x-total-pages': '0',
        'x-sort': 'id',
      },
    });
  });

  it('caches a filtered, sorted selection per store version', () => {
    const cache = new SelectionCache(2);
    let computed = 0;
    const compute = () => {
      computed++;
      return store.visible.slice(0, 3);
    };
    cache.get('a', 1, compute);
    cache.get('a', 1, compute);
    expect(computed).toBe(1);
    cache.get('a', 2, compute);
    expect(computed).toBe(2);
    cache.get('b', 2, compute);
    cache.get('c', 2, compute);
    expect(cache.size).toBe(2);
    cache.get('a', 2, compute); // evicted as least recently used
    expect(computed).toBe(5);
    const small = new SelectionCache(16, 5);
    small.get('x', 1, compute);
    small.get('y', 1, compute);
    expect(small.size).toBe(1); // 6 references would exceed the budget of 5
    small.get('y', 1, compute);
    expect(computed).toBe(7);
  });
});
