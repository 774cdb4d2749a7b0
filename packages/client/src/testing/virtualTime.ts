/**
 * Test support (not built into dist): a clock that moves only when told, and a `sleep` on it. Sleepers
 * wake in time order as `advanceTo` passes their deadline; an aborted sleep rejects at once.
 */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Timer {
  at: number;
  resolve: () => void;
}

export class VirtualTime {
  now = 0;
  private timers: Timer[] = [];

  readonly clock = () => this.now;

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = { at: this.now + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          reject(signal.reason);
        },
        { once: true }
      );
    });

  /** Moves the clock to `time`, waking every sleeper due on the way, in order, and letting them run. */
  async advanceTo(time: number): Promise<void> {
    for (;;) {
      await flush();
      const due = this.timers.filter((t) => t.at <= time).sort((a, b) => a.at - b.at)[0];
      if (!due) {
        break;
      }
      this.timers = this.timers.filter((t) => t !== due);
      this.now = Math.max(this.now, due.at);
      due.resolve();
    }
    this.now = Math.max(this.now, time);
    await flush();
  }
}
