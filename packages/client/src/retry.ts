/** Backoff arithmetic: exponential with full jitter, `Retry-After` parsing, and the sleep between attempts. */
import { EmnifyError } from './errors';
import { clampTimerMs } from './timers';

export interface RetryPolicy {
  /** Retries after the first attempt (so maxRetries + 1 attempts in all). */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest `Retry-After` honoured; a longer one is waited this long (and flagged to the observer as
   * clamped). Default MAX_RETRY_AFTER_MS (15 minutes).
   */
  maxRetryAfterMs?: number;
}

/**
 * The longest wait a `Retry-After` can impose: 15 minutes. emnify documents no `Retry-After` at all
 * (../shared/emnify-api.md §6.1); its longest documented block is the 5-minute authentication lockout,
 * so anything longer is a misbehaving proxy or a hostile server, and a request retried after 15 minutes
 * costs one request. Longer values (e.g. `Retry-After: 3000000`, 34 days, which a timer would overflow
 * to 1 ms) are waited for this long.
 */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: MAX_RETRY_AFTER_MS,
};

/**
 * Delay before retry number `attempt` (0-based): uniform in [cap/2, cap], cap = min(max, base·2^attempt),
 * never more than a timer can hold (clampTimerMs).
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return clampTimerMs(Math.round(cap / 2 + random() * (cap / 2)));
}

/**
 * `Retry-After` as delay-seconds or an HTTP date → milliseconds to wait, unclamped (see retryAfterDelay);
 * `undefined` when absent or unreadable. An HTTP date always names its month, so a text without letters
 * (`-5`, which Date.parse would read as a year) is unreadable, not a date.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  if (!/[a-z]/i.test(trimmed)) {
    return undefined;
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - now);
}

/** The wait a 429's `Retry-After` asks for, bounded. */
export interface RetryAfterDelay {
  /** What we wait: the server's ask, at most the maximum. */
  delayMs: number;
  /** What the server asked for (may be far beyond any timer). */
  requestedMs: number;
  /** True when the server asked for more than the maximum. */
  clamped: boolean;
}

/** `Retry-After` → the wait, at most `maxMs` (default MAX_RETRY_AFTER_MS); `undefined` when absent or unreadable. */
export function retryAfterDelay(
  value: string | undefined,
  now: number,
  maxMs: number = MAX_RETRY_AFTER_MS
): RetryAfterDelay | undefined {
  const requestedMs = parseRetryAfter(value, now);
  if (requestedMs === undefined) {
    return undefined;
  }
  const delayMs = clampTimerMs(requestedMs, maxMs);
  return { delayMs, requestedMs, clamped: requestedMs > delayMs };
}

const cancelled = () => new EmnifyError('EMNIFY_ABORTED', 'Cancelled while waiting to retry.');

/**
 * Sleeps `ms` (clamped by clampTimerMs, so a delay past 24.8 days waits 24.8 days instead of 1 ms),
 * waking early (rejecting with the signal's reason) when the signal aborts.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? cancelled());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, clampTimerMs(ms));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
