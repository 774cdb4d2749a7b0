import { SharedRequests } from './sharedRequests';

describe('SharedRequests', () => {
  it('shares one in-flight load, serves it from cache within the TTL, and forgets it after', async () => {
    let now = 0;
    const shared = new SharedRequests<number>(30_000, () => now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([shared.get('a', load), shared.get('a', load)])).toEqual([1, 1]);
    now = 29_999;
    expect(await shared.get('a', load)).toBe(1);
    now = 30_000;
    expect(await shared.get('a', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('does not grow with keys that are never asked for again (moving time ranges)', async () => {
    let now = 0;
    const shared = new SharedRequests<string>(30_000, () => now);
    for (let i = 0; i < 100; i++) {
      now += 10_000;
      await shared.get(`range-${i}`, async () => `result ${i}`);
    }
    expect(shared.size).toBe(3);
  });

  it('aborts the load only when every waiter has gone, and does not cache it', async () => {
    const shared = new SharedRequests<string>(30_000);
    let aborted = false;
    const load = (signal: AbortSignal) =>
      new Promise<string>((resolve) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve('aborted');
        });
      });
    const a = new AbortController();
    const b = new AbortController();
    const first = shared.get('k', load, a.signal);
    const second = shared.get('k', load, b.signal);
    a.abort();
    expect(aborted).toBe(false);
    b.abort();
    expect(aborted).toBe(true);
    await expect(first).rejects.toThrow('The query was cancelled');
    await expect(second).rejects.toThrow('The query was cancelled');
    expect(shared.size).toBe(0);
  });
});
