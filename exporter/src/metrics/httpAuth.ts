/** Requests refused by the credential of their route (http/routeCredentials.ts), before their body was read. */
import { Counter, Registry } from 'prom-client';
import type { GuardedRoute } from '../http/routeCredentials';

export function registerHttpAuthMetrics(registry: Registry) {
  const refused = new Counter({
    name: 'emnify_exporter_http_requests_refused_total',
    help:
      'HTTP requests refused by their route credential, by route (prometheus: basic auth; datastreamer; gateway) ' +
      'and reason (unauthorized: 401; busy: 503, too many password checks waiting).',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });
  for (const route of ['prometheus', 'datastreamer', 'gateway'] as const) {
    refused.inc({ route, reason: 'unauthorized' }, 0);
  }
  refused.inc({ route: 'prometheus', reason: 'busy' }, 0);
  return {
    requestRefused(route: GuardedRoute, reason: 'unauthorized' | 'busy'): void {
      refused.inc({ route, reason });
    },
  };
}
