/**
 * Durations in settings, with the grammar of Prometheus' durations (prometheus/common `model.ParseDuration`):
 * whole numbers each followed by a unit, units from the largest to the smallest, each at most once —
 * `y` (365 d), `w`, `d`, `h`, `m`, `s`, `ms` — e.g. `500ms`, `30s`, `1h30m`, `7d`, `1w2d`; a bare `0`
 * means zero; nothing else (no fractions, signs, blanks or empty text); at most 2^63-1 ns (≈ 292 years).
 * Kept here (not imported) so the simulator runs on Node built-ins alone.
 */
import { DurationError } from './errors';

/** Units in the only order they may appear, with their length in nanoseconds (as Prometheus counts). */
const UNITS: ReadonlyArray<readonly [string, bigint]> = [
  ['y', 365n * 86_400n * 1_000_000_000n],
  ['w', 7n * 86_400n * 1_000_000_000n],
  ['d', 86_400n * 1_000_000_000n],
  ['h', 3_600n * 1_000_000_000n],
  ['m', 60n * 1_000_000_000n],
  ['s', 1_000_000_000n],
  ['ms', 1_000_000n],
];
const MAX_NS = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;
const PART = /^(\d+)(\D+)/;
const EXPECTED =
  'expected whole numbers with units y, w, d, h, m, s, ms in that order, e.g. 500ms, 30s, 1h30m, 7d, or 0';

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
  let total = 0n;
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
    const value = BigInt(digits);
    if (value > MAX_UINT64) {
      throw invalid();
    }
    const ns = UNITS[index][1];
    if (value > 2n ** 63n / ns || total + value * ns > MAX_NS) {
      throw new DurationError(`"${text}" is out of range (at most 2^63-1 ns, about 292 years)`);
    }
    total += value * ns;
    rest = rest.slice(whole.length);
  }
  return Number(total / 1_000_000n);
}
