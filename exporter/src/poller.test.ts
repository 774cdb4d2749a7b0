/** The poller's own timer: a poll interval past what a timer holds waits the longest a timer can, not 1 ms. */
import { EmnifyClient, MAX_TIMER_MS } from '@emnify-events/client';
import { emptyCounts } from './counts';
import { Ledger, MEMORY_STORE } from './ledger';
import { silentLogger } from './logger';
import { Poller } from './poller';

describe('Poller timer', () => {
  it('waits at most 2^31-1 ms between polls (a 30-day interval would overflow to 1 ms)', async () => {
    const ledger = new Ledger(
      { watermark: Date.UTC(2026, 0, 1), ids: [], counts: emptyCounts(), lateEvents: 0 },
      { overlapMs: 300_000, eventTypes: new Set(), store: MEMORY_STORE }
    );
    let polls = 0;
    const client = {
      getEventTypes: () => {
        polls++;
        return Promise.reject(new Error('unreachable'));
      },
    } as unknown as EmnifyClient;
    const poller = new Poller(
      client,
      ledger,
      {
        pollIntervalMs: 30 * 86_400_000,
        settleMs: 10_000,
        maxWindowMs: 86_400_000,
        maxWindowEvents: 20_000,
        pageSize: 1000,
        pageConcurrency: 2,
        eventTypes: [],
      },
      silentLogger
    );
    const delays: number[] = [];
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return 0 as unknown as NodeJS.Timeout;
    }) as typeof setTimeout);
    try {
      poller.start();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      setTimeoutSpy.mockRestore();
    }
    expect(polls).toBe(1);
    expect(delays).toEqual([MAX_TIMER_MS]);
    await poller.stop();
  });
});
