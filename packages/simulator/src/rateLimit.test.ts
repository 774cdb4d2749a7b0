/** emnify's documented rate limits (§6.1), with an injected clock. */
import { Bucket, RateLimits, RollingWindow } from './rateLimit';

const T = 1_700_000_000_000;

describe('Bucket (10 req/s, burst 5)', () => {
  it('passes a burst of 5, then refills at 10 per second', () => {
    const b = new Bucket(10, 5, T);
    expect(Array.from({ length: 7 }, () => b.take(T))).toEqual([true, true, true, true, true, false, false]);
    expect(b.take(T + 99)).toBe(false);
    expect(b.take(T + 100)).toBe(true);
    expect(b.take(T + 150)).toBe(false);
    expect(Array.from({ length: 6 }, () => b.take(T + 10_000))).toEqual([true, true, true, true, true, false]);
  });
});

describe('RollingWindow', () => {
  it('allows `limit` hits per key within the window, then frees them as they age out', () => {
    const w = new RollingWindow(3, 1000);
    expect([w.take('a', T), w.take('a', T + 10), w.take('a', T + 20), w.take('a', T + 30)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(w.take('b', T + 30)).toBe(true);
    expect(w.take('a', T + 999)).toBe(false);
    expect(w.take('a', T + 1000)).toBe(true);
  });
});

describe('RateLimits', () => {
  it('limits event lists per organisation at 10/s burst 5, other paths not', () => {
    const r = new RateLimits();
    expect(Array.from({ length: 6 }, () => r.allow('events', '1.1.1.1', 13886, T))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(r.allow('events', '2.2.2.2', 13886, T)).toBe(false);
    expect(r.allow('events', '2.2.2.2', 99, T)).toBe(true);
    expect(Array.from({ length: 50 }, () => r.allow('other', '1.1.1.1', 13886, T)).every(Boolean)).toBe(true);
  });

  it('limits authenticate to 100 per IP per 5 minutes', () => {
    const r = new RateLimits();
    const results = Array.from({ length: 101 }, (_, i) => r.allow('authenticate', '1.1.1.1', undefined, T + i));
    expect(results.filter(Boolean)).toHaveLength(100);
    expect(results[100]).toBe(false);
    expect(r.allow('authenticate', '3.3.3.3', undefined, T)).toBe(true);
    expect(r.allow('authenticate', '1.1.1.1', undefined, T + 5 * 60_000)).toBe(true);
  });

  it('limits any path to 2,000 requests per IP per rolling 5 minutes', () => {
    const r = new RateLimits();
    let passed = 0;
    for (let i = 0; i < 2100; i++) {
      passed += r.allow('other', '1.1.1.1', 13886, T + i * 100) ? 1 : 0;
    }
    // 2100 requests over 210 s, all inside one 5-minute window
    expect(passed).toBe(2000);
    expect(r.allow('other', '9.9.9.9', 13886, T + 210_000)).toBe(true);
    expect(r.allow('other', '1.1.1.1', 13886, T + 5 * 60_000 + 1)).toBe(true);
  });
});
