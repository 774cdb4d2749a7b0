import { parseDuration } from './duration';

// Expected values are literal milliseconds, worked out by hand from Prometheus' rules (prometheus/common
// model/time.go: 1y = 365d, 1w = 7d, 1d = 24h; units largest first; "0" alone allowed; 2^63 - 1 ns at most).
describe('parseDuration (Prometheus syntax)', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['0ms', 0],
    ['1ms', 1],
    ['500ms', 500],
    ['1s', 1_000],
    ['30s', 30_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['90m', 5_400_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1h30m15s500ms', 5_415_500],
    ['1d', 86_400_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['2w3d', 1_468_800_000],
    ['1y', 31_536_000_000],
    ['1y1w1d1h1m1s1ms', 32_230_861_001],
    ['007s', 7_000],
    ['106751d23h47m16s854ms', 9_223_372_036_854],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '5',
    '00',
    '-5s',
    '+5s',
    '1.5h',
    '1e3s',
    '1h 30m',
    ' 5s',
    '5s ',
    '30m1h',
    '1s1m',
    '1ms1s',
    '1h1h',
    '5S',
    '5x',
    '5sec',
    'm5',
    'ms',
    '1mss',
    '1M',
  ])('refuses %p', (text) => {
    expect(() => parseDuration(text)).toThrow(
      new RangeError(
        `"${text}" is not a duration (e.g. 0, 500ms, 30s, 5m, 1h30m, 7d: units y w d h m s ms, largest first)`
      )
    );
  });

  it.each(['106751d23h47m16s855ms', '293y', '99999999999999999999s'])('refuses %p as out of range', (text) => {
    expect(() => parseDuration(text)).toThrow(
      new RangeError(`"${text}" is out of range (Prometheus durations end at 292 years)`)
    );
  });
});
