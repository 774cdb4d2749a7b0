import { formatFilterTime, isFilterTime, parseDuration, parseEventTimestamp } from './time';

describe('time', () => {
  it('formats filter times in UTC with second precision', () => {
    expect(formatFilterTime(Date.UTC(2020, 6, 20, 8, 0, 0, 999))).toBe('2020-07-20T08:00:00Z');
    expect(() => formatFilterTime(NaN)).toThrow('not a time: NaN');
  });

  it('recognises the filter time form only', () => {
    expect(isFilterTime('2020-07-20T08:00:00Z')).toBe(true);
    expect(isFilterTime('2020-07-20T08:00:00.000Z')).toBe(false);
    expect(isFilterTime('2020-13-20T08:00:00Z')).toBe(false);
  });

  it('returns undefined for unknown timestamp formats', () => {
    expect(parseEventTimestamp('yesterday')).toBeUndefined();
    expect(parseEventTimestamp('2022-03-27T23:20:49.298Z')).toBe(Date.UTC(2022, 2, 27, 23, 20, 49, 298));
  });

  it.each([
    ['500ms', 500],
    ['30s', 30000],
    ['5m', 300000],
    ['1h30m', 5400000],
    ['7d', 604800000],
    ['1w', 604800000],
  ])('parses duration %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', '5x', 'm5', '1h 30m', '-5s'])('rejects duration %p', (text) => {
    expect(() => parseDuration(text)).toThrow('is not a duration (expected e.g. 500ms, 30s, 5m, 1h, 7d)');
  });
});
