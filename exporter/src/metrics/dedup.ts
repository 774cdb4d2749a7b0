/** Deduplication: events seen again and not counted twice, and the ids kept to know them. */
import { Counter, Gauge, Registry } from 'prom-client';
import { EventOrigin, Ledger } from '../ledger';

export function registerDedupMetrics(registry: Registry, ledger: Ledger) {
  const deduplicated = new Counter({
    name: 'emnify_exporter_events_deduplicated_total',
    help: 'Events seen again (overlapping polls, pushes of polled events) and not counted twice.',
    labelNames: ['origin'],
    registers: [registry],
  });
  deduplicated.inc({ origin: 'poll' }, 0);
  deduplicated.inc({ origin: 'push' }, 0);
  new Gauge({
    name: 'emnify_exporter_remembered_event_ids',
    help: 'Event ids kept for deduplication (those inside the poll overlap).',
    registers: [registry],
    collect() {
      this.set(ledger.rememberedIds);
    },
  });
  return {
    seenAgain(origin: EventOrigin, count: number): void {
      deduplicated.inc({ origin }, count);
    },
  };
}
