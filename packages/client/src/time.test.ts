import { formatFilterTime, isFilterTime, isoTimestamp, parseEventTimestamp, readEventTimestamp } from './time';

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
    // Days 29-31 where the month has them: the fast path checks the day against its month.
    ['2024-02-29T10:00:00.000Z', Date.UTC(2024, 1, 29, 10)],
    ['2021-01-31T23:59:59.999Z', Date.UTC(2021, 0, 31, 23, 59, 59, 999)],
    ['2021-04-30T00:00:00.000Z', Date.UTC(2021, 3, 30)],
    ['2017-10-26T07:28:00.000+0000', Date.UTC(2017, 9, 26, 7, 28)],
    ['2021-10-27T13:17:23+02:00', Date.UTC(2021, 9, 27, 11, 17, 23)],
    ['2021-10-06 10:42:58', Date.UTC(2021, 9, 6, 10, 42, 58)],
    ['5/8/2017 12:05:00 AM', Date.UTC(2017, 4, 8, 0, 5)],
    // Years below 100 stay there (Date.UTC would read 50 as 1950).
    ['0050-06-01T00:00:00.000Z', -60_576_249_600_000],
    ['0050-06-01 00:00:00', -60_576_249_600_000],
  ])('parses event timestamp %s', (text, ms) => expect(parseEventTimestamp(text)).toBe(ms));

  // Date.parse and Date.UTC roll these over (February 30 → March 2, T24:00 → the next day, month 13 → the
  // next year): refused, with what is wrong.
  it.each([
    ['2021-02-30T10:00:00.000Z', 'calendar', 'is not a calendar date (February 2021 has days 01-28)'],
    ['2021-02-29T10:00:00.000Z', 'calendar', 'is not a calendar date (February 2021 has days 01-28)'],
    ['2100-02-29T10:00:00.000Z', 'calendar', 'is not a calendar date (February 2100 has days 01-28)'],
    ['2021-04-31T00:00:00.000Z', 'calendar', 'is not a calendar date (April 2021 has days 01-30)'],
    [
      '2021-02-28T24:00:00.000Z',
      'calendar',
      "has hour 24 (expected 00-23; the end of a day is 23:59:59, or the next day's 00:00:00)",
    ],
    [
      '2021-13-01T00:00:00.000Z',
      'calendar',
      'is not a calendar date (months are 01-12; expected e.g. 2021-10-27T11:59:29.000Z)',
    ],
    [
      '2026-13-45T99:99:99Z',
      'calendar',
      'is not a calendar date (months are 01-12; expected e.g. 2021-10-27T11:59:29.000Z)',
    ],
    ['2021-10-06 10:60:00', 'calendar', 'has minute 60 (expected 00-59)'],
    ['2021-10-27T13:17:23+25:00', 'calendar', 'has the zone offset +25:00 (expected hours 00-23, minutes 00-59)'],
    ['2/30/2017 10:56:25 AM', 'calendar', 'is not a calendar date (February 2017 has days 01-28)'],
    ['5/8/2017 13:56:25 PM', 'calendar', 'has hour 13 PM (expected 1-12 with AM or PM)'],
    [
      'yesterday',
      'format',
      'is not a timestamp in a known format (e.g. 2021-10-27T11:59:29.000Z, 2017-10-26T07:28:00.000+0000, 2021-10-06 10:42:58, 5/8/2017 10:56:25 AM)',
    ],
  ])('refuses event timestamp %s (%s): %s', (text, kind, problem) => {
    expect(readEventTimestamp(text)).toEqual({ kind, problem });
    expect(parseEventTimestamp(text)).toBeUndefined();
  });

  it('gives the canonical ISO text, reusing the API text when it is exactly that', () => {
    const text = '2022-03-27T23:20:49.298Z';
    expect(isoTimestamp(text, parseEventTimestamp(text)!)).toBe(text);
    expect(isoTimestamp('2017-10-26T07:28:00.000+0000', Date.UTC(2017, 9, 26, 7, 28))).toBe('2017-10-26T07:28:00.000Z');
    expect(isoTimestamp('2021-10-06 10:42:58', Date.UTC(2021, 9, 6, 10, 42, 58))).toBe('2021-10-06T10:42:58.000Z');
  });
});
