/** How far counting has come: the watermark, the newest event seen, and events the API showed late. */
import { Counter, Gauge, Registry } from 'prom-client';
import { Ledger } from '../ledger';

export function registerProgressMetrics(registry: Registry, ledger: Ledger) {
  new Gauge({
    name: 'emnify_exporter_watermark_timestamp_seconds',
    help: 'Every event before this time (Unix time) has been read by a complete poll window.',
    registers: [registry],
    collect() {
      this.set(ledger.watermark / 1000);
    },
  });
  let newestSeen = 0;
  const newest = new Gauge({
    name: 'emnify_exporter_newest_event_timestamp_seconds',
    help: 'Timestamp of the newest event seen (Unix time).',
    registers: [registry],
  });
  new Counter({
    name: 'emnify_exporter_late_events_total',
    help:
      'Events that the API showed only after a complete poll window had covered their timestamp ' +
      '(counted once all the same).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(ledger.lateEvents);
    },
  });
  return {
    eventSeen(time: number | undefined): void {
      if (time !== undefined && time > newestSeen) {
        newestSeen = time;
        newest.set(time / 1000);
      }
    },
  };
}
