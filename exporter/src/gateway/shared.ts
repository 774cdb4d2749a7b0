/** Identical work in flight is done once: later callers with the same key wait for the first one's result. */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  constructor(private readonly onShared?: () => void) {}

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running) {
      this.onShared?.();
      return running;
    }
    const promise = work().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return promise;
  }
}
