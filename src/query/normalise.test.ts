import { normaliseQuery } from './normalise';

describe('normaliseQuery', () => {
  it('fills the defaults of a new query', () => {
    expect(normaliseQuery({ refId: 'A' })).toEqual({ refId: 'A', format: 'logs', scope: 'all', groupBy: 'type' });
  });

  it('keeps what a saved query sets, and fills what it leaves undefined', () => {
    const saved = Object.freeze({
      refId: 'B',
      format: 'table',
      scope: undefined,
      groupBy: 'country',
      severity: '2',
    } as const);
    expect(normaliseQuery(saved)).toEqual({
      refId: 'B',
      format: 'table',
      scope: 'all',
      groupBy: 'country',
      severity: '2',
    });
  });

  it('returns a new object and leaves the input as it was', () => {
    const input = Object.freeze({ refId: 'C' });
    const out = normaliseQuery(input);
    expect(out).not.toBe(input);
    expect(input).toEqual({ refId: 'C' });
  });
});
