/** Writes of the state (journal appends, compactions), by result. */
import { Counter, Registry } from 'prom-client';

export function registerStateWriteMetrics(registry: Registry) {
  const writes = new Counter({
    name: 'emnify_exporter_state_writes_total',
    help: 'Writes of the state (journal appends and compactions into the state file), by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  writes.inc({ result: 'success' }, 0);
  writes.inc({ result: 'failure' }, 0);
  return {
    stateWrite(ok: boolean): void {
      writes.inc({ result: ok ? 'success' : 'failure' });
    },
  };
}
