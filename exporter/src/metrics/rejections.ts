/**
 * Events refused at the boundary (the shared client's normalizeEvents: ids, timestamps, types), by where
 * they came from and why, and events whose label texts were cut to the bound. Every reason starts at 0.
 * A refused item is counted each time it is read: an item in the poll overlap is read by more than one poll.
 */
import { EVENT_REJECTION_CODES, RejectionCounts } from '@emnify-events/client';
import { Counter, Registry } from 'prom-client';
import { EventOrigin } from '../ledger';

const ORIGINS: readonly EventOrigin[] = ['poll', 'push'];

export function registerRejectionMetrics(registry: Registry) {
  const rejected = new Counter({
    name: 'emnify_exporter_events_rejected_total',
    help: 'Events refused at the boundary and not counted, by origin (poll, push) and reason (the client rejection code).',
    labelNames: ['origin', 'reason'],
    registers: [registry],
  });
  const truncated = new Counter({
    name: 'emnify_exporter_event_labels_truncated_total',
    help: 'Events counted with a label text cut to 256 characters, by origin.',
    labelNames: ['origin'],
    registers: [registry],
  });
  for (const origin of ORIGINS) {
    truncated.inc({ origin }, 0);
    for (const reason of EVENT_REJECTION_CODES) {
      rejected.inc({ origin, reason }, 0);
    }
  }
  return {
    eventsRefused(origin: EventOrigin, byReason: RejectionCounts, truncatedLabels: number): void {
      for (const [reason, n] of Object.entries(byReason)) {
        rejected.inc({ origin, reason }, n);
      }
      if (truncatedLabels > 0) {
        truncated.inc({ origin }, truncatedLabels);
      }
    },
  };
}
