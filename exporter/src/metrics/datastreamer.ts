/** Data Streamer pushes to POST /datastreamer, by outcome. */
import { Counter, Registry } from 'prom-client';

export function registerDataStreamerMetrics(registry: Registry) {
  const pushes = new Counter({
    name: 'emnify_exporter_datastreamer_requests_total',
    help: 'Data Streamer pushes received, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return {
    pushReceived(outcome: 'accepted' | 'rejected'): void {
      pushes.inc({ outcome });
    },
  };
}
