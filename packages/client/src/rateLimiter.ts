/**
 * A token bucket that paces our own requests under emnify's documented limit for the events list
 * (10 requests/s, burst 5: ../shared/emnify-api.md §6.1), so many callers sharing one client never
 * set off a storm of 429s.
 *
 * Two priorities share one bucket (the exporter's poller and its events gateway spend one organisation
 * budget). `high` waiters are served first, in arrival order; `low` waiters, in arrival order, only when
 * no `high` waiter is queued and only while taking a token leaves `reserve` tokens in the bucket: a
 * `high` request arriving at any moment finds a token (or waits for at most one refill), and low
 * traffic can never hold the bucket empty. While high waiters keep the bucket empty, low waiters wait.
 */
import { sleep as defaultSleep } from './retry';
import { clampTimerMs } from './timers';

/** Who waits first: `high` (default) before `low`. */
export type RequestPriority = 'high' | 'low';

export interface TokenBucketOptions {
  ratePerSecond: number;
  burst: number;
  /**
   * Tokens a `low` waiter must leave in the bucket: it is served only when at least `1 + reserve` are
   * there. Default 1; at most `burst - 1` (with burst 1 low waiters could never be served: 0 is used).
   */
  lowPriorityReserve?: number;
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

interface Waiter {
  priority: RequestPriority;
  since: number;
  resolve: (waitedMs: number) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const aborted = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('Aborted', 'AbortError');

export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly reserve: number;
  private readonly queues: Record<RequestPriority, Waiter[]> = { high: [], low: [] };
  private pumping = false;
  /** Wakes the pump's sleep when the queue changes (a high waiter may be served sooner than the low head). */
  private wake?: AbortController;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError('TokenBucket needs ratePerSecond > 0 and burst >= 1');
    }
    const reserve = options.lowPriorityReserve ?? 1;
    if (!(reserve >= 0)) {
      throw new RangeError(`lowPriorityReserve must be 0 or more, not ${reserve}`);
    }
    this.reserve = Math.min(reserve, options.burst - 1);
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

  /** Waits for one token; resolves with the milliseconds waited. `low` yields to `high` (see the class). */
  take(signal?: AbortSignal, priority: RequestPriority = 'high'): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (signal?.aborted) {
        reject(aborted(signal));
        return;
      }
      const waiter: Waiter = { priority, since: this.now(), resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          // A cancelled waiter must not block those behind it.
          this.remove(waiter);
          reject(aborted(signal));
          this.wake?.abort();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queues[priority].push(waiter);
      this.wake?.abort();
      void this.pump();
    });
  }

  /** Waiters queued now, by priority (for tests and metrics). */
  get waiting(): Record<RequestPriority, number> {
    return { high: this.queues.high.length, low: this.queues.low.length };
  }

  private remove(waiter: Waiter): void {
    const queue = this.queues[waiter.priority];
    const at = queue.indexOf(waiter);
    if (at >= 0) {
      queue.splice(at, 1);
    }
    if (waiter.onAbort) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
    }
  }

  /** Serves the queue head whenever the bucket allows it, sleeping in between; one pump at a time. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      return;
    }
    this.pumping = true;
    try {
      for (;;) {
        const head = this.queues.high[0] ?? this.queues.low[0];
        if (!head) {
          return;
        }
        this.refill();
        const needed = head.priority === 'high' ? 1 : 1 + this.reserve;
        if (this.tokens >= needed) {
          this.tokens -= 1;
          this.remove(head);
          head.resolve(this.now() - head.since);
          continue;
        }
        // A tiny rate would ask for more than a timer holds (and overflow to 1 ms): clamped.
        const ms = clampTimerMs(((needed - this.tokens) / this.options.ratePerSecond) * 1000);
        const wake = new AbortController();
        this.wake = wake;
        try {
          await this.sleep(ms, wake.signal);
        } catch (err) {
          if (!wake.signal.aborted) {
            // The sleep itself failed: the head cannot wait, the others may still be served.
            this.remove(head);
            head.reject(err);
          }
        } finally {
          this.wake = undefined;
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
