import { backoffDelay, parseRetryAfter } from './retry';
import { TokenBucket } from './rateLimiter';

describe('backoffDelay', () => {
  const policy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30000 };
  it('doubles the cap per attempt, jittered within [cap/2, cap], capped at maxDelayMs', () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(250);
    expect(backoffDelay(0, policy, () => 1)).toBe(500);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(3000);
    expect(backoffDelay(10, policy, () => 1)).toBe(30000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter('0.5', 0)).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.UTC(2016, 0, 1))).toBe(0);
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then paces at the rate (10/s burst 5 → 6th waits 100 ms)', async () => {
    let now = 0;
    const slept: number[] = [];
    const bucket = new TokenBucket({
      ratePerSecond: 10,
      burst: 5,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      waits.push(await bucket.take());
    }
    expect(waits).toEqual([0, 0, 0, 0, 0, 100, 100, 100]);
    expect(now).toBe(300);
  });

  it('serves concurrent waiters in order without exceeding the rate', async () => {
    let now = 0;
    const bucket = new TokenBucket({
      ratePerSecond: 10,
      burst: 1,
      now: () => now,
      sleep: async (ms) => void (now += ms),
    });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => bucket.take().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(now).toBe(300);
  });
});
