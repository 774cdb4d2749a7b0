/**
 * The events gateway (gateway/): requests by route template and status code, their duration, the
 * byte-bounded cache (hits and misses by kind, bytes, entries, evictions), requests that shared work
 * already in flight, the requests to emnify it caused, and the time it waited for the shared API budget.
 */
import { ClientObserver } from '@emnify-events/client';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AsIsReason } from '../gateway/listRequest';
import { CACHE_KINDS, CacheKind } from '../gateway/cacheKinds';

export interface GatewayMetrics {
  requestDone(route: string, code: number, seconds: number): void;
  cacheLookup(kind: CacheKind, hit: boolean): void;
  cacheState(bytes: number, entries: Record<CacheKind, number>): void;
  cacheEvicted(kind: CacheKind): void;
  /** A request (or a slice of one) that waited for identical work already in flight instead of repeating it. */
  shared(): void;
  handedOn(reason: AsIsReason): void;
  /** Sees the gateway's own requests to emnify (its view of the shared client). */
  observer: ClientObserver;
}

export function registerGatewayMetrics(registry: Registry, cacheMaxBytes: number): GatewayMetrics {
  const requests = new Counter({
    name: 'emnify_exporter_gateway_requests_total',
    help: 'Requests to the events gateway, by route template (other: outside the allowlist) and status code.',
    labelNames: ['route', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'emnify_exporter_gateway_request_duration_seconds',
    help: 'Time the events gateway took to answer, by route template.',
    labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const hits = new Counter({
    name: 'emnify_exporter_gateway_cache_hits_total',
    help: 'Cache lookups of the events gateway that found a usable copy, by kind (slice, answer, as-is, types).',
    labelNames: ['kind'],
    registers: [registry],
  });
  const misses = new Counter({
    name: 'emnify_exporter_gateway_cache_misses_total',
    help: 'Cache lookups of the events gateway that found no usable copy, by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const evictions = new Counter({
    name: 'emnify_exporter_gateway_cache_evictions_total',
    help: 'Entries the events gateway evicted to stay within its cache size, by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const bytes = new Gauge({
    name: 'emnify_exporter_gateway_cache_bytes',
    help: 'Approximate bytes the events gateway cache holds (texts plus a fixed overhead per event and entry).',
    registers: [registry],
  });
  const maxBytes = new Gauge({
    name: 'emnify_exporter_gateway_cache_max_bytes',
    help: 'The bound of the events gateway cache (--gateway.cache-size).',
    registers: [registry],
  });
  const entries = new Gauge({
    name: 'emnify_exporter_gateway_cache_entries',
    help: 'Entries the events gateway cache holds, by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const coalesced = new Counter({
    name: 'emnify_exporter_gateway_coalesced_requests_total',
    help: 'Reads the events gateway shared with an identical read already in flight instead of repeating it.',
    registers: [registry],
  });
  const handedOn = new Counter({
    name: 'emnify_exporter_gateway_as_is_requests_total',
    help: 'Event list requests the events gateway handed to emnify as they are (not assembled from slices), by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  const upstream = new Counter({
    name: 'emnify_exporter_gateway_upstream_requests_total',
    help: 'Requests to the emnify API the events gateway caused, by endpoint and status code (0: no answer).',
    labelNames: ['endpoint', 'code'],
    registers: [registry],
  });
  const budgetWait = new Counter({
    name: 'emnify_exporter_gateway_budget_wait_seconds_total',
    help: "Time the events gateway's requests waited for the API budget it shares with the poller (which goes first).",
    registers: [registry],
  });
  maxBytes.set(cacheMaxBytes);
  for (const kind of CACHE_KINDS) {
    hits.inc({ kind }, 0);
    misses.inc({ kind }, 0);
    entries.set({ kind }, 0);
  }
  return {
    requestDone: (route, code, seconds) => {
      requests.inc({ route, code: String(code) });
      duration.observe({ route }, seconds);
    },
    cacheLookup: (kind, hit) => (hit ? hits : misses).inc({ kind }),
    cacheState: (held, byKind) => {
      bytes.set(held);
      for (const kind of CACHE_KINDS) {
        entries.set({ kind }, byKind[kind]);
      }
    },
    cacheEvicted: (kind) => evictions.inc({ kind }),
    shared: () => coalesced.inc(),
    handedOn: (reason) => handedOn.inc({ reason }),
    observer: {
      onRequest: ({ endpoint, status }) => upstream.inc({ endpoint, code: String(status) }),
      onRateLimitWait: ({ waitedMs, cause }) => {
        if (cause === 'client') {
          budgetWait.inc(waitedMs / 1000);
        }
      },
    },
  };
}
