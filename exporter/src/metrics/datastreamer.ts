/** Data Streamer pushes to POST /datastreamer, by outcome; requests refused by a route's credential. */
import { Counter, Registry } from 'prom-client';

/**
 * `accepted`: counted (2xx); `rejected`: the body was refused (not JSON, no valid event, too large, too many
 * events, an unsupported encoding); `unauthorized`: no or a wrong bearer token; `unavailable`: 503 (not
 * ready, too many pushes at once, the state could not be written), to be retried.
 */
export type PushOutcome = 'accepted' | 'rejected' | 'unauthorized' | 'unavailable';
const OUTCOMES: readonly PushOutcome[] = ['accepted', 'rejected', 'unauthorized', 'unavailable'];

export function registerDataStreamerMetrics(registry: Registry) {
  const pushes = new Counter({
    name: 'emnify_exporter_datastreamer_requests_total',
    help: 'Data Streamer pushes received, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of OUTCOMES) {
    pushes.inc({ outcome }, 0);
  }
  return {
    pushReceived(outcome: PushOutcome): void {
      pushes.inc({ outcome });
    },
  };
}
