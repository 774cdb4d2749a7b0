/**
 * Runs the shipped rules and Alertmanager timers faster in the stack test: every duration of a PromQL
 * range (`[15m]`, `[1d] offset 1h`), `offset`, `for`, `keep_firing_for`, a rule group's `interval` and
 * Alertmanager's `group_wait`, `group_interval` and `repeat_interval` is divided by the same factor, so
 * 15 minutes of the real stack's logic take 15 seconds with a factor of 60. Numbers that are not
 * durations (thresholds, and the 300 seconds of the exporter freshness rules, which compare timestamps)
 * stay as they are.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const DURATION =
  /(\[|\boffset\s+|\b(?:for|keep_firing_for|interval|group_wait|group_interval|repeat_interval):\s*)(\d+)(ms|s|m|h|d|w)\b/g;

export function compressDurations(text: string, factor: number): string {
  return text.replace(DURATION, (_all, before: string, amount: string, unit: string) => {
    const ms = Math.round((Number(amount) * UNIT_MS[unit]) / factor);
    if (ms < 1) {
      throw new RangeError(`${amount}${unit} divided by ${factor} is under a millisecond`);
    }
    return `${before}${ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`}`;
  });
}

/** Durations of a minute or more left in a text (none should remain after compressDurations by 60). */
export function longDurations(text: string): string[] {
  return [...text.matchAll(DURATION)].filter((m) => m[3] !== 's' && m[3] !== 'ms').map((m) => m[0]);
}
