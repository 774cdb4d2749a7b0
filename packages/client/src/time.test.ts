import { formatFilterTime, isFilterTime, isoTimestamp, parseEventTimestamp } from './time';

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
    ['2022-03-27T23:20:49.298Z', Date.UTC(2022, 2, 27, 23, 20, 49, 298)],
    // Out-of-range days and hour 24 overflow alike on the fast path and the long one.
    ['2021-02-30T10:00:00.000Z', Date.UTC(2021, 2, 2, 10)],
    ['2021-02-28T24:00:00.000Z', Date.UTC(2021, 2, 1, 0)],
    // Refused by Date.parse, so parsed the long way (month 13 overflows into the next year there).
    ['2021-13-01T00:00:00.000Z', Date.UTC(2022, 0, 1)],
    ['2017-10-26T07:28:00.000+0000', Date.UTC(2017, 9, 26, 7, 28)],
    ['2021-10-06 10:42:58', Date.UTC(2021, 9, 6, 10, 42, 58)],
  ])('parses event timestamp %s', (text, ms) => expect(parseEventTimestamp(text)).toBe(ms));

  it('gives the canonical ISO text, reusing the API text only when it is exactly that', () => {
    const text = '2022-03-27T23:20:49.298Z';
    expect(isoTimestamp(text, parseEventTimestamp(text)!)).toBe(text);
    expect(isoTimestamp('2021-02-30T10:00:00.000Z', parseEventTimestamp('2021-02-30T10:00:00.000Z')!)).toBe(
      '2021-03-02T10:00:00.000Z'
    );
    expect(isoTimestamp('2021-02-28T24:00:00.000Z', parseEventTimestamp('2021-02-28T24:00:00.000Z')!)).toBe(
      '2021-03-01T00:00:00.000Z'
    );
    expect(isoTimestamp('2017-10-26T07:28:00.000+0000', Date.UTC(2017, 9, 26, 7, 28))).toBe('2017-10-26T07:28:00.000Z');
    expect(isoTimestamp('2021-10-06 10:42:58', Date.UTC(2021, 9, 6, 10, 42, 58))).toBe('2021-10-06T10:42:58.000Z');
  });
});
