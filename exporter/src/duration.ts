/**
 * Durations as Prometheus spells them (prometheus/common `model.ParseDuration`), so that a flag means
 * here what it means to a Prometheus user: whole numbers with the units y (365 days), w, d, h, m, s, ms,
 * each at most once and from the largest to the smallest (`1h30m`, not `30m1h`), nothing else (no
 * fractions, signs or spaces), and a bare `0`. At most about 292 years (Go's time.Duration). Pure.
 *
 * Hand-written because no package on npm parses this grammar: `ms` and `parse-duration` accept
 * fractions, spaces, other units and any order, which Prometheus refuses.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The units in the only order Prometheus accepts them, in milliseconds. */
const UNITS = [
  ['y', 365 * DAY],
  ['w', 7 * DAY],
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
  ['ms', 1],
] as const;

const DURATION = new RegExp(`^${UNITS.map(([unit]) => `(?:(\\d+)${unit})?`).join('')}$`);

/** Go's time.Duration ends at 2^63 - 1 ns. */
const MAX_NANOSECONDS = 2n ** 63n - 1n;

export const DURATION_SYNTAX = 'e.g. 0, 500ms, 30s, 5m, 1h30m, 7d: units y w d h m s ms, largest first';

/** Milliseconds of a Prometheus duration; throws a RangeError that quotes the text and says why. */
export function parseDuration(text: string): number {
  if (text === '0') {
    return 0;
  }
  const match = text === '' ? null : DURATION.exec(text);
  if (!match) {
    throw new RangeError(`"${text}" is not a duration (${DURATION_SYNTAX})`);
  }
  let nanoseconds = 0n;
  UNITS.forEach(([, ms], i) => {
    const digits = match[i + 1];
    if (digits !== undefined) {
      nanoseconds += BigInt(digits) * BigInt(ms) * 1_000_000n;
    }
  });
  if (nanoseconds > MAX_NANOSECONDS) {
    throw new RangeError(`"${text}" is out of range (Prometheus durations end at 292 years)`);
  }
  return Number(nanoseconds / 1_000_000n);
}
