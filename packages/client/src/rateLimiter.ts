/**
 * A token bucket that paces our own requests under emnify's documented limit for the events list
 * (10 requests/s, burst 5: ../shared/emnify-api.md §6.1), so many callers sharing one client never
 * set off a storm of 429s. Waiters are served in arrival order.
 */
import { sleep as defaultSleep } from './retry';
import { clampTimerMs } from './timers';

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** emnify's documented limit for `GET /api/v1/event` (per organisation). */
export const EMNIFY_EVENTS_RATE_LIMIT = { ratePerSecond: 10, burst: 5 } as const;

/**
 * How we pace ourselves under that limit: the same rate, one token less of burst. The spare token in
 * the server's bucket absorbs network jitter (a request sent later but arriving sooner than the one
 * before it), which would otherwise cost an occasional 429 at exactly the documented rate.
 */
export const EVENTS_PACING = { ratePerSecond: 10, burst: 4 } as const;

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError('TokenBucket needs ratePerSecond > 0 and burst >= 1');
    }
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.tokens = options.burst;
    this.last = this.now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.options.burst, this.tokens + ((now - this.last) / 1000) * this.options.ratePerSecond);
    this.last = now;
  }

  /** Waits for one token; resolves with the milliseconds waited. */
  take(signal?: AbortSignal): Promise<number> {
    const turn = this.queue.then(async () => {
      let waited = 0;
      this.refill();
      while (this.tokens < 1) {
        // A tiny rate would ask for more than a timer holds (and overflow to 1 ms): clamped.
        const ms = clampTimerMs(((1 - this.tokens) / this.options.ratePerSecond) * 1000);
        await this.sleep(ms, signal);
        waited += ms;
        this.refill();
      }
      this.tokens -= 1;
      return waited;
    });
    // A cancelled waiter must not block those behind it.
    this.queue = turn.then(
      () => undefined,
      () => undefined
    );
    return turn;
  }
}
