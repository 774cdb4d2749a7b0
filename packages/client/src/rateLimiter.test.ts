import { TokenBucket } from './rateLimiter';
import { VirtualTime } from './testing/virtualTime';

/** A bucket at emnify's pacing (10/s, burst 4, one token kept from low waiters) on virtual time. */
function pacing(time: VirtualTime) {
  const bucket = new TokenBucket({ ratePerSecond: 10, burst: 4, now: time.clock, sleep: time.sleep });
  const grants: Array<[string, number]> = [];
  const take = (name: string, priority: 'high' | 'low', signal?: AbortSignal) =>
    bucket.take(signal, priority).then(
      () => grants.push([name, time.now]),
      (err: Error) => grants.push([`${name} ${err.name}`, time.now])
    );
  /** Each name asks for a token at once, in order. */
  const takeAll = (names: string[], priority: 'high' | 'low') => names.forEach((name) => void take(name, priority));
  return { bucket, grants, take, takeAll };
}

describe('TokenBucket priorities', () => {
  it('low waiters never take the last token: a high request arriving then is served at once', async () => {
    const time = new VirtualTime();
    const { grants, take, takeAll } = pacing(time);
    takeAll(['L1', 'L2', 'L3', 'L4', 'L5'], 'low');
    await time.advanceTo(200);
    void take('H1', 'high');
    await time.advanceTo(200);
    // L1-L3 leave 1 token; L4 and L5 each wait until 2 are there, and leave 1 again, which H1 takes.
    expect(grants).toEqual([
      ['L1', 0],
      ['L2', 0],
      ['L3', 0],
      ['L4', 100],
      ['L5', 200],
      ['H1', 200],
    ]);
  });

  it('high waiters go before low ones that queued earlier; low ones get what is left', async () => {
    const time = new VirtualTime();
    const { grants, takeAll } = pacing(time);
    takeAll(['H1', 'H2', 'H3', 'H4'], 'high');
    takeAll(['L1', 'L2'], 'low');
    await time.advanceTo(50);
    takeAll(['H5', 'H6'], 'high');
    await time.advanceTo(1000);
    expect(grants).toEqual([
      ['H1', 0],
      ['H2', 0],
      ['H3', 0],
      ['H4', 0],
      ['H5', 100],
      ['H6', 200],
      ['L1', 400],
      ['L2', 500],
    ]);
  });

  it('a steady high load (one request per 100 ms) starves nobody high and leaves low the spare rate', async () => {
    const time = new VirtualTime();
    const { grants, take, takeAll } = pacing(time);
    takeAll(['L1', 'L2'], 'low');
    for (let t = 0; t <= 300; t += 100) {
      await time.advanceTo(t);
      void take(`H@${t}`, 'high');
    }
    await time.advanceTo(1000);
    expect(grants).toEqual([
      ['L1', 0],
      ['L2', 0],
      ['H@0', 0],
      ['H@100', 100],
      ['H@200', 200],
      ['H@300', 300],
    ]);
  });

  it('an aborted low waiter leaves the queue and does not hold up the one behind it', async () => {
    const time = new VirtualTime();
    const { grants, take, takeAll } = pacing(time);
    takeAll(['H1', 'H2', 'H3', 'H4'], 'high');
    const abort = new AbortController();
    void take('L1', 'low', abort.signal);
    void take('L2', 'low');
    await time.advanceTo(100);
    abort.abort(Object.assign(new Error('gone'), { name: 'GoneError' }));
    await time.advanceTo(1000);
    expect(grants).toEqual([
      ['H1', 0],
      ['H2', 0],
      ['H3', 0],
      ['H4', 0],
      ['L1 GoneError', 100],
      ['L2', 200],
    ]);
  });

  it('with burst 1 there is no token to keep back: low waiters are paced like high ones', async () => {
    const time = new VirtualTime();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1, now: time.clock, sleep: time.sleep });
    const grants: number[] = [];
    for (let i = 0; i < 3; i++) {
      void bucket.take(undefined, 'low').then(() => grants.push(time.now));
    }
    await time.advanceTo(1000);
    expect(grants).toEqual([0, 100, 200]);
  });
});
