/**
 * Timer delays that cannot overflow. Node (and browsers) keep a timer's delay in a signed 32-bit
 * integer: anything above 2^31-1 ms (24.8 days), and NaN, fires after 1 ms instead (Node prints a
 * TimeoutOverflowWarning once). A `Retry-After: 3000000` or a 25-day poll interval then turns into a
 * busy loop. Every timer the client sets goes through `clampTimerMs`; the exporter uses it for its own.
 */

/** The longest delay a timer can hold: 2^31-1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * `ms` as a delay a timer keeps: negatives become 0, anything above `max` (itself at most MAX_TIMER_MS)
 * becomes `max`, fractions are rounded up. NaN is a programming error (no delay to clamp), so it throws.
 */
export function clampTimerMs(ms: number, max: number = MAX_TIMER_MS): number {
  if (Number.isNaN(ms) || Number.isNaN(max)) {
    throw new RangeError(`Not a timer delay: ${ms} ms (maximum ${max} ms).`);
  }
  const ceiling = Math.min(Math.max(0, max), MAX_TIMER_MS);
  return Math.min(Math.max(0, Math.ceil(ms)), Math.floor(ceiling));
}
