/** How the polls of the Event API go: duration, success, and when the last one succeeded. */
import { Counter, Gauge, Registry } from 'prom-client';

export function registerPollMetrics(registry: Registry) {
  const lastDuration = new Gauge({
    name: 'emnify_exporter_last_poll_duration_seconds',
    help: 'Duration of the last poll of the Event API.',
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'emnify_exporter_last_successful_poll_timestamp_seconds',
    help: 'When the last poll that read every page of its windows ended (Unix time).',
    registers: [registry],
  });
  const success = new Gauge({
    name: 'emnify_exporter_poll_success',
    help: 'Whether the last poll read every page of its windows (1) or failed (0).',
    registers: [registry],
  });
  const polls = new Counter({
    name: 'emnify_exporter_polls_total',
    help: 'Polls of the Event API, by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  polls.inc({ result: 'success' }, 0);
  polls.inc({ result: 'failure' }, 0);
  return {
    pollDone({ ok, durationMs, at }: { ok: boolean; durationMs: number; at: number }): void {
      lastDuration.set(durationMs / 1000);
      success.set(ok ? 1 : 0);
      polls.inc({ result: ok ? 'success' : 'failure' });
      if (ok) {
        lastSuccess.set(at / 1000);
      }
    },
  };
}
