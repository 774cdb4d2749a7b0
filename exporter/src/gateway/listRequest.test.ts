import { planList } from './listRequest';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const RANGE = 'from:2026-03-01T06:00:00Z,until:2026-03-01T12:00:00Z';

describe('planList', () => {
  it("assembles the plugin's queries from slices: a range, a filter, -id, pages", () => {
    expect(planList({ q: `${RANGE},type:5,severity:2`, sort: '-id', page: '3', per_page: '1000' }, NOW)).toEqual({
      kind: 'sliced',
      rest: { type: ['5'], severity: '2' },
      restKey: 'type:5,severity:2',
      from: Date.UTC(2026, 2, 1, 6),
      until: Date.UTC(2026, 2, 1, 12),
      descending: true,
      page: 3,
      perPage: 1000,
    });
  });

  it('reads page and per_page as emnify does: absent or below 1 → defaults; signs allowed', () => {
    const plan = (page?: string, per_page?: string) => {
      const p = planList({ q: RANGE, page, per_page }, NOW);
      return p.kind === 'sliced' ? [p.page, p.perPage, p.descending] : p.reason;
    };
    expect(plan()).toEqual([1, 100, false]);
    expect(plan('0', '0')).toEqual([1, 100, false]);
    expect(plan('-4', '-3')).toEqual([1, 100, false]);
    expect(plan('+2', '5000')).toEqual([2, 5000, false]);
    expect(plan('two', '10')).toBe('paging');
    expect(plan('1', '99999999999')).toBe('paging');
  });

  it.each([
    [{ q: RANGE, sort: '-timestamp' }, 'sort'],
    [{ q: RANGE, sort: 'id,timestamp' }, 'sort'],
    [{ q: RANGE, sort: ' id' }, 'sort'],
    [{ q: 'type:5' }, 'no-range'],
    [{}, 'no-range'],
    [{ q: '  ' }, 'no-range'],
    [{ q: `${RANGE},timestamp:2026-03-01` }, 'filter'],
    [{ q: `${RANGE},colour:blue` }, 'filter'],
    [{ q: 'from:2026-03-01T12:00:00Z,until:2026-03-01T06:00:00Z' }, 'filter'],
    [{ q: 'from:2026-01-01T00:00:00Z,until:2026-03-01T12:00:00Z' }, 'range'],
    [{ q: 'from:2026-03-01T06:00:00Z,until:2026-03-02T12:00:00Z' }, 'range'],
  ])('hands %j to emnify as it is (%s)', (params, reason) => {
    expect(planList(params, NOW)).toEqual({ kind: 'as-is', reason });
  });
});
