/** `--labels.last-network`: events attributed to their endpoint's last known network, and the endpoints remembered. */
import { Counter, Gauge, Registry } from 'prom-client';
import { Ledger, NetworkChange } from '../ledger';

export function registerLastNetworkMetrics(registry: Registry, ledger: Ledger, maxEndpoints: number | undefined) {
  const attributed = new Counter({
    name: 'emnify_exporter_events_attributed_total',
    help: "Events without network detail counted with the operator and country of their endpoint's last known network.",
    registers: [registry],
  });
  const unattributed = new Counter({
    name: 'emnify_exporter_events_unattributed_total',
    help: 'Events without network detail counted with empty operator and country: no endpoint, an endpoint never seen with a network (or forgotten), or its last network too old.',
    registers: [registry],
  });
  const forgotten = new Counter({
    name: 'emnify_exporter_remembered_endpoints_forgotten_total',
    help: 'Endpoints whose last known network was forgotten: evicted at the bound (bound), older than the maximum age (age), or all at a start with attribution off (off).',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of ['bound', 'age', 'off']) {
    forgotten.inc({ reason }, 0);
  }
  new Gauge({
    name: 'emnify_exporter_remembered_endpoints',
    help: 'Endpoints whose last known network is remembered.',
    registers: [registry],
    collect() {
      this.set(ledger.rememberedEndpoints);
    },
  });
  new Gauge({
    name: 'emnify_exporter_remembered_endpoints_max',
    help: 'The most endpoints remembered (--labels.last-network.max-endpoints; 0 with attribution off).',
    registers: [registry],
  }).set(maxEndpoints ?? 0);
  return {
    networksChanged(change: NetworkChange): void {
      attributed.inc(change.attributed);
      unattributed.inc(change.unattributed);
      if (change.forgotten > 0) {
        forgotten.inc({ reason: change.reason }, change.forgotten);
      }
    },
  };
}
