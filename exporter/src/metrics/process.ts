/** prom-client's default process and Node.js metrics, less three that `promtool check metrics` rejects. */
import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client names these gauges with `_total`, which promtool rejects for a gauge; their per-type
 * siblings (nodejs_active_handles{type=...}, ...) carry the same information.
 */
const MISNAMED = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED) {
    registry.removeSingleMetric(name);
  }
}
