/** The emnify API as the client sees it: requests, time spent, retries, rate-limit waits, authentications. */
import { ClientObserver } from '@emnify-events/client';
import { Counter, Registry } from 'prom-client';

export function registerApiMetrics(registry: Registry): ClientObserver {
  const requests = new Counter({
    name: 'emnify_exporter_api_requests_total',
    help: 'HTTP requests to the emnify API, by endpoint and status code (0: no answer).',
    labelNames: ['endpoint', 'code'],
    registers: [registry],
  });
  const requestSeconds = new Counter({
    name: 'emnify_exporter_api_request_duration_seconds_total',
    help: 'Time spent in HTTP requests to the emnify API, by endpoint.',
    labelNames: ['endpoint'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'emnify_exporter_api_retries_total',
    help: 'Retried emnify API requests, by endpoint and reason.',
    labelNames: ['endpoint', 'reason'],
    registers: [registry],
  });
  const rateLimitWait = new Counter({
    name: 'emnify_exporter_rate_limit_wait_seconds_total',
    help: 'Time spent waiting because of rate limits: told by the API (server) or by our own pacing (client).',
    labelNames: ['cause'],
    registers: [registry],
  });
  rateLimitWait.inc({ cause: 'server' }, 0);
  rateLimitWait.inc({ cause: 'client' }, 0);
  const authentications = new Counter({
    name: 'emnify_exporter_authentications_total',
    help: 'Authentications with the application token, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return {
    onRequest: ({ endpoint, status, durationMs }) => {
      requests.inc({ endpoint, code: String(status) });
      requestSeconds.inc({ endpoint }, durationMs / 1000);
    },
    onRetry: ({ endpoint, reason }) => retries.inc({ endpoint, reason }),
    onRateLimitWait: ({ waitedMs, cause }) => rateLimitWait.inc({ cause }, waitedMs / 1000),
    onAuthenticate: ({ outcome }) => authentications.inc({ outcome }),
  };
}
