/**
 * emnify's documented rate limits (§6.1), enforced when switched on: the events list at 10 requests/s
 * with a burst of 5 per organisation (token bucket), 2,000 requests per IP per rolling 5 minutes, and
 * `POST /authenticate` 100 per IP per 5 minutes.
 */

const FIVE_MINUTES = 5 * 60_000;

export class Bucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

export class RollingWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number
  ) {}

  take(key: string, now: number): boolean {
    const list = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      return false;
    }
    list.push(now);
    this.hits.set(key, list);
    return true;
  }
}

export class RateLimits {
  private readonly eventBuckets = new Map<number, Bucket>();
  private readonly perIp = new RollingWindow(2000, FIVE_MINUTES);
  private readonly authPerIp = new RollingWindow(100, FIVE_MINUTES);

  /** Whether a request may pass; `kind` is the limit class of the path. */
  allow(kind: 'events' | 'authenticate' | 'other', ip: string, org: number | undefined, now: number): boolean {
    if (!this.perIp.take(ip, now)) {
      return false;
    }
    if (kind === 'authenticate') {
      return this.authPerIp.take(ip, now);
    }
    if (kind === 'events' && org !== undefined) {
      let bucket = this.eventBuckets.get(org);
      if (!bucket) {
        bucket = new Bucket(10, 5, now);
        this.eventBuckets.set(org, bucket);
      }
      return bucket.take(now);
    }
    return true;
  }
}
