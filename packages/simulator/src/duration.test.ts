/**
 * Durations with Prometheus' grammar. The accepted and rejected texts are those of prometheus/common's own
 * model/time_test.go (TestParseDuration, TestParseBadDuration), plus ours; values are literal milliseconds.
 */
import { parseDuration } from './duration';
import { DurationError } from './errors';

describe('parseDuration (Prometheus grammar)', () => {
  it.each([
    ['0', 0],
    ['0w', 0],
    ['0s', 0],
    ['324ms', 324],
    ['3s', 3_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['4d', 345_600_000],
    ['4d1h', 349_200_000],
    ['14d', 1_209_600_000],
    ['3w', 1_814_400_000],
    ['3w2d1h', 1_990_800_000],
    ['10y', 315_360_000_000],
    ['1y1w1d1h1m1s1ms', 32_230_861_001],
    ['1h30m', 5_400_000],
    ['90m', 5_400_000],
    ['1500ms', 1_500],
    ['007s', 7_000],
    // The largest: 2^63-1 ns is 9223372036854 ms and some nanoseconds.
    ['292y', 9_208_512_000_000],
    ['106751d', 9_223_286_400_000],
    ['9223372036854ms', 9_223_372_036_854],
    ['106751d23h47m16s854ms', 9_223_372_036_854],
  ])('%j = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  const EXPECTED =
    'expected whole numbers with units y, w, d, h, m, s, ms in that order, e.g. 500ms, 30s, 1h30m, 7d, or 0';
  it.each([
    ['', `"" is not a duration (${EXPECTED})`],
    ['1', `"1" is not a duration (${EXPECTED})`],
    ['d', `"d" is not a duration (${EXPECTED})`],
    ['1.5d', `"1.5d" is not a duration (unknown unit "."; ${EXPECTED})`],
    ['1.5s', `"1.5s" is not a duration (unknown unit "."; ${EXPECTED})`],
    ['1y1m1d', `"1y1m1d" is not a duration ("d" out of order; ${EXPECTED})`],
    ['30m1h', `"30m1h" is not a duration ("h" out of order; ${EXPECTED})`],
    ['1h1h', `"1h1h" is not a duration ("h" out of order; ${EXPECTED})`],
    ['5x', `"5x" is not a duration (unknown unit "x"; ${EXPECTED})`],
    ['1us', `"1us" is not a duration (unknown unit "us"; ${EXPECTED})`],
    ['1M', `"1M" is not a duration (unknown unit "M"; ${EXPECTED})`],
    ['-1s', `"-1s" is not a duration (${EXPECTED})`],
    [' 20s', `" 20s" is not a duration (${EXPECTED})`],
    ['20s ', `"20s " is not a duration (unknown unit "s "; ${EXPECTED})`],
    ['1h 30m', `"1h 30m" is not a duration (unknown unit "h "; ${EXPECTED})`],
    ['week', `"week" is not a duration (${EXPECTED})`],
    ['99999999999999999999s', `"99999999999999999999s" is not a duration (${EXPECTED})`],
    ['294y', '"294y" is out of range (at most 2^63-1 ns, about 292 years)'],
    ['200y10400w', '"200y10400w" is out of range (at most 2^63-1 ns, about 292 years)'],
    ['107675d', '"107675d" is out of range (at most 2^63-1 ns, about 292 years)'],
    ['2584200h', '"2584200h" is out of range (at most 2^63-1 ns, about 292 years)'],
    ['9223372036855ms', '"9223372036855ms" is out of range (at most 2^63-1 ns, about 292 years)'],
    ['106751d23h47m16s855ms', '"106751d23h47m16s855ms" is out of range (at most 2^63-1 ns, about 292 years)'],
    ['18446744073709551615s', '"18446744073709551615s" is out of range (at most 2^63-1 ns, about 292 years)'],
    ['18446744073709551616s', `"18446744073709551616s" is not a duration (${EXPECTED})`],
  ])('rejects %j', (text, message) => {
    let error: unknown;
    try {
      parseDuration(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DurationError);
    expect(error).toMatchObject({ name: 'DurationError', code: 'SIMULATOR_INVALID_DURATION', message });
  });
});
