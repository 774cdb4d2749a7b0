/**
 * Durations in settings, with the grammar of Prometheus' durations (prometheus/common `model.ParseDuration`):
 * whole numbers each followed by a unit, units from the largest to the smallest, each at most once —
 * `y` (365 d), `w`, `d`, `h`, `m`, `s`, `ms` — e.g. `500ms`, `30s`, `1h30m`, `7d`, `1w2d`; a bare `0`
 * means zero; nothing else (no fractions, signs, blanks or empty text); at most 2^63-1 ns (≈ 292 years).
 * Kept here (not imported) so the simulator runs on Node built-ins alone.
 */
import { DurationError } from './errors';

/** Units in the only order they may appear, with their length in milliseconds. */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];
/** 2^63-1 ns (Go's time.Duration) in whole milliseconds; every unit is a whole number of them. */
const MAX_MS = 9_223_372_036_854;
/** Go's strconv.ParseUint limit: larger numbers are not a duration at all. */
const MAX_UINT64 = '18446744073709551615';
const PART = /^(\d+)(\D+)/;
const EXPECTED =
  'expected whole numbers with units y, w, d, h, m, s, ms in that order, e.g. 500ms, 30s, 1h30m, 7d, or 0';

/** Whether a digit string is above 2^64-1. */
function aboveUint64(digits: string): boolean {
  const d = digits.replace(/^0+(?=\d)/, '');
  return d.length > MAX_UINT64.length || (d.length === MAX_UINT64.length && d > MAX_UINT64);
}

/** Milliseconds of a duration text; throws a DurationError saying what is wrong and what is expected. */
export function parseDuration(text: string): number {
  if (text === '0') {
    return 0;
  }
  const invalid = (why = '') => new DurationError(`"${text}" is not a duration (${why}${EXPECTED})`);
  if (text === '') {
    throw invalid();
  }
  let rest = text;
  let total = 0;
  let lastUnit = -1;
  while (rest !== '') {
    const part = PART.exec(rest);
    if (!part) {
      throw invalid();
    }
    const [whole, digits, unit] = part;
    const index = UNITS.findIndex(([name]) => name === unit);
    if (index < 0) {
      throw invalid(`unknown unit "${unit}"; `);
    }
    if (index <= lastUnit) {
      throw invalid(`"${unit}" out of order; `);
    }
    lastUnit = index;
    if (aboveUint64(digits)) {
      throw invalid();
    }
    // Exact below 2^53; anything that large is far beyond MAX_MS anyway.
    const ms = Number(digits) * UNITS[index][1];
    if (ms > MAX_MS - total) {
      throw new DurationError(`"${text}" is out of range (at most 2^63-1 ns, about 292 years)`);
    }
    total += ms;
    rest = rest.slice(whole.length);
  }
  return total;
}
