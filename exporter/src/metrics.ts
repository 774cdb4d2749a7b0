/**
 * The exporter's metrics on its own registry. The event and volume counters only ever receive what the
 * ledger committed (its state at start, then each delta right after its journal append); self-metrics follow the
 * Prometheus conventions (units in names, `_total` counters, `_info` with value 1, no timestamps).
 */
import {
  ClientObserver,
  EVENT_SEVERITY_NAMES,
  EVENT_SOURCE_NAMES,
  EventSeverity,
  EventSource,
} from '@emnify-events/client';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { DroppableLabel } from './config';
import { CountMap } from './counts';
import { EVENT_LABEL_NAMES, keyValues, labelKey } from './labels';
import { Ledger } from './ledger';

/**
 * Typical severity and source per event type (../shared/emnify-api.md §4), used only to create the
 * zero series of every known type before its first event. Types not listed: INFO from API.
 */
const TYPICAL: Record<number, [EventSeverity, EventSource]> = {
  0: [1, 1],
  1: [0, 0],
  2: [0, 0],
  3: [0, 0],
  4: [0, 0],
  5: [0, 0],
  6: [1, 2],
  7: [1, 2],
  11: [1, 1],
  12: [1, 1],
  13: [1, 2],
  15: [0, 0],
  16: [0, 0],
  18: [1, 1],
  19: [1, 1],
  20: [1, 1],
  21: [1, 1],
  32: [1, 2],
  33: [1, 2],
  34: [1, 2],
  39: [1, 2],
  46: [1, 2],
  49: [1, 1],
  52: [1, 2],
  53: [1, 2],
  54: [1, 2],
  55: [1, 2],
  60: [1, 1],
  61: [1, 1],
  63: [1, 1],
  64: [1, 1],
  65: [1, 1],
};

export interface ExporterMetrics {
  registry: Registry;
  /** Publishes a committed delta (call right after it was made durable). */
  committed(delta: { events: CountMap; volume: CountMap }): void;
  /** Creates the zero series once the event type lookup is loaded. */
  typesLoaded(): void;
  observer: ClientObserver;
  pollDone(info: { ok: boolean; durationMs: number; at: number }): void;
  pageDone(info: { duplicates: number; newestEventTime?: number }, origin: 'poll' | 'push'): void;
  pushReceived(outcome: 'accepted' | 'rejected'): void;
  stateWrite(ok: boolean): void;
}

const VOLUME_LABELS = ['direction', 'country', 'operator'] as const;

/** The values at the kept label positions of a count key. */
function labelsOf(key: string, names: readonly string[], keep: readonly string[]): Record<string, string> {
  const values = keyValues(key);
  const labels: Record<string, string> = {};
  names.forEach((n, i) => {
    if (keep.includes(n)) {
      labels[n] = values[i] ?? '';
    }
  });
  return labels;
}

export function createMetrics(
  ledger: Ledger,
  options: { dropLabels: DroppableLabel[]; version: string }
): ExporterMetrics {
  const registry = new Registry();
  const eventLabels = EVENT_LABEL_NAMES.filter((n) => !options.dropLabels.includes(n as DroppableLabel));
  const volumeLabels = VOLUME_LABELS.filter((n) => !options.dropLabels.includes(n as DroppableLabel));

  // Published incrementally: the committed state at start, then each committed delta right after its
  // journal append (the ledger's commit point). A scrape only renders what was committed.
  const events = new Counter({
    name: 'emnify_events_total',
    help: 'emnify events, each counted once: by type (as the event type lookup spells it), severity, source, and the country (ISO 3166-1 alpha-2) and name of the network operator.',
    labelNames: eventLabels,
    registers: [registry],
  });
  const volume = new Counter({
    name: 'emnify_data_volume_bytes_total',
    help: 'Data volume reported by Delete PDP Context events, in bytes, by direction (rx, tx), operator country and operator.',
    labelNames: volumeLabels,
    registers: [registry],
  });
  const publish = (counts: { events: CountMap; volume: CountMap }) => {
    for (const [key, value] of counts.events) {
      events.inc(labelsOf(key, EVENT_LABEL_NAMES, eventLabels), value);
    }
    for (const [key, value] of counts.volume) {
      volume.inc(labelsOf(key, VOLUME_LABELS, volumeLabels), value);
    }
  };
  publish(ledger.counts);

  /** Every type of the lookup gets a series at 0 (typical severity and source, empty country and operator). */
  const zeroSeries = () => {
    for (const { id, description } of ledger.typeNames.entries()) {
      const [severity, source] = TYPICAL[id] ?? [EventSeverity.Info, EventSource.API];
      events.inc(
        labelsOf(
          labelKey([description, EVENT_SEVERITY_NAMES[severity], EVENT_SOURCE_NAMES[source], '', '']),
          EVENT_LABEL_NAMES,
          eventLabels
        ),
        0
      );
    }
  };

  const lastPollDuration = new Gauge({
    name: 'emnify_exporter_last_poll_duration_seconds',
    help: 'Duration of the last poll of the Event API.',
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'emnify_exporter_last_successful_poll_timestamp_seconds',
    help: 'When the last poll that read every page of its windows ended (Unix time).',
    registers: [registry],
  });
  const pollSuccess = new Gauge({
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
  const auths = new Counter({
    name: 'emnify_exporter_authentications_total',
    help: 'Authentications with the application token, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const deduplicated = new Counter({
    name: 'emnify_exporter_events_deduplicated_total',
    help: 'Events seen again (overlapping polls, pushes of polled events) and not counted twice.',
    labelNames: ['origin'],
    registers: [registry],
  });
  deduplicated.inc({ origin: 'poll' }, 0);
  deduplicated.inc({ origin: 'push' }, 0);
  new Counter({
    name: 'emnify_exporter_late_events_total',
    help: 'Events that the API showed only after a complete poll window had covered their timestamp (counted once all the same).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(ledger.lateEvents);
    },
  });
  let newestSeen = 0;
  const newest = new Gauge({
    name: 'emnify_exporter_newest_event_timestamp_seconds',
    help: 'Timestamp of the newest event seen (Unix time).',
    registers: [registry],
  });
  new Gauge({
    name: 'emnify_exporter_watermark_timestamp_seconds',
    help: 'Every event before this time (Unix time) has been read by a complete poll window.',
    registers: [registry],
    collect() {
      this.set(ledger.watermark / 1000);
    },
  });
  new Gauge({
    name: 'emnify_exporter_remembered_event_ids',
    help: 'Event ids kept for deduplication (those inside the poll overlap).',
    registers: [registry],
    collect() {
      this.set(ledger.rememberedIds);
    },
  });
  const pushes = new Counter({
    name: 'emnify_exporter_datastreamer_requests_total',
    help: 'Data Streamer pushes received, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const stateWrites = new Counter({
    name: 'emnify_exporter_state_writes_total',
    help: 'Writes of the state (journal appends and compactions into the state file), by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  stateWrites.inc({ result: 'success' }, 0);
  stateWrites.inc({ result: 'failure' }, 0);
  const buildInfo = new Gauge({
    name: 'emnify_exporter_build_info',
    help: 'Build information; the value is always 1.',
    labelNames: ['version', 'nodejs_version'],
    registers: [registry],
  });
  buildInfo.set({ version: options.version, nodejs_version: process.version }, 1);
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges with `_total`, which `promtool check metrics` rejects; their
  // per-type siblings (nodejs_active_handles{type=...}, ...) carry the same information.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }

  return {
    registry,
    committed: publish,
    typesLoaded: zeroSeries,
    observer: {
      onRequest: ({ endpoint, status, durationMs }) => {
        requests.inc({ endpoint, code: String(status) });
        requestSeconds.inc({ endpoint }, durationMs / 1000);
      },
      onRetry: ({ endpoint, reason }) => retries.inc({ endpoint, reason }),
      onRateLimitWait: ({ waitedMs, cause }) => rateLimitWait.inc({ cause }, waitedMs / 1000),
      onAuthenticate: ({ outcome }) => auths.inc({ outcome }),
    },
    pollDone: ({ ok, durationMs, at }) => {
      lastPollDuration.set(durationMs / 1000);
      pollSuccess.set(ok ? 1 : 0);
      polls.inc({ result: ok ? 'success' : 'failure' });
      if (ok) {
        lastSuccess.set(at / 1000);
      }
    },
    pageDone: ({ duplicates, newestEventTime }, origin) => {
      deduplicated.inc({ origin }, duplicates);
      if (newestEventTime !== undefined && newestEventTime > newestSeen) {
        newestSeen = newestEventTime;
        newest.set(newestEventTime / 1000);
      }
    },
    pushReceived: (outcome) => pushes.inc({ outcome }),
    stateWrite: (ok) => stateWrites.inc({ result: ok ? 'success' : 'failure' }),
  };
}
