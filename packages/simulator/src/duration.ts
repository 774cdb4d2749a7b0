/**
 * Durations in settings: `500ms`, `30s`, `15m`, `6h`, `7d`, `1w`, and sums like `1h30m`. A bare `0` means
 * zero. Kept here (not imported from the client) so the simulator runs on Node built-ins alone.
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/** Milliseconds of a duration text; throws a RangeError saying what is expected. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') {
    return 0;
  }
  let total = 0;
  let consumed = '';
  for (const [whole, value, unit] of trimmed.matchAll(PART)) {
    total += Number(value) * UNIT_MS[unit];
    consumed += whole;
  }
  if (trimmed === '' || consumed !== trimmed) {
    throw new RangeError(`"${text}" is not a duration (expected e.g. 500ms, 30s, 15m, 6h, 7d)`);
  }
  return Math.round(total);
}
