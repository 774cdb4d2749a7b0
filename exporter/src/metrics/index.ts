/**
 * The exporter's metrics on its own registry, one concern per file. The event and volume counters only
 * ever receive what the ledger committed (its state at start, then each delta right after its journal
 * append); self-metrics follow the Prometheus conventions (units in names, `_total` counters, `_info`
 * style build info with value 1, no timestamps).
 */
import { ClientObserver, RejectionCounts } from '@emnify-events/client';
import { Registry } from 'prom-client';
import { DroppableLabel } from '../config';
import { CountMap } from '../counts';
import type { GuardedRoute } from '../http/routeCredentials';
import { EventOrigin, Ledger } from '../ledger';
import { registerApiMetrics } from './api';
import { registerBuildInfo } from './buildInfo';
import { PushOutcome, registerDataStreamerMetrics } from './datastreamer';
import { registerDataVolumeMetrics } from './dataVolume';
import { registerDedupMetrics } from './dedup';
import { registerEventMetrics } from './events';
import { GatewayMetrics, registerGatewayMetrics } from './gateway';
import { registerHttpAuthMetrics } from './httpAuth';
import { registerPollMetrics } from './poll';
import { registerProcessMetrics } from './process';
import { registerProgressMetrics } from './progress';
import { registerRejectionMetrics } from './rejections';
import { registerStateWriteMetrics } from './stateWrites';
import { registerWindowCheckMetrics } from './windowChecks';
import { CheckResult } from '../windowCheck';

export interface ExporterMetrics {
  registry: Registry;
  /** Publishes a committed delta (call right after it was made durable). */
  committed(delta: { events: CountMap; volume: CountMap }): void;
  /** Creates the zero series once the event type lookup is loaded. */
  typesLoaded(): void;
  /** The API client's observer: requests, retries, waits, authentications, and refused events of polled pages. */
  observer: ClientObserver;
  pollDone(info: { ok: boolean; durationMs: number; at: number }): void;
  pageDone(info: { duplicates: number; newestEventTime?: number }, origin: EventOrigin): void;
  pushReceived(outcome: PushOutcome): void;
  /** Items refused at the boundary by rejection code, and events whose label texts were cut. */
  eventsRefused(origin: EventOrigin, byReason: RejectionCounts, truncatedLabels: number): void;
  requestRefused(route: GuardedRoute, reason: 'unauthorized' | 'busy'): void;
  stateWrite(ok: boolean): void;
  windowChecked(result: CheckResult): void;
  clock(aheadMs: number): void;
  /** The events gateway's metrics; only when it is on. */
  gateway?: GatewayMetrics;
}

export function createMetrics(
  ledger: Ledger,
  options: { dropLabels: DroppableLabel[]; version: string; gateway?: { cacheBytes: number } }
): ExporterMetrics {
  const registry = new Registry();
  const events = registerEventMetrics(registry, ledger, options.dropLabels);
  const volume = registerDataVolumeMetrics(registry, options.dropLabels);
  const polls = registerPollMetrics(registry);
  const rejections = registerRejectionMetrics(registry);
  const observer: ClientObserver = {
    ...registerApiMetrics(registry),
    onEventsRefused: ({ byReason, truncatedLabels }) => rejections.eventsRefused('poll', byReason, truncatedLabels),
  };
  const dedup = registerDedupMetrics(registry, ledger);
  const progress = registerProgressMetrics(registry, ledger);
  const pushes = registerDataStreamerMetrics(registry);
  const stateWrites = registerStateWriteMetrics(registry);
  const windowChecks = registerWindowCheckMetrics(registry);
  const gateway = options.gateway ? registerGatewayMetrics(registry, options.gateway.cacheBytes) : undefined;
  const httpAuth = registerHttpAuthMetrics(registry);
  registerBuildInfo(registry, options.version);
  registerProcessMetrics(registry);

  const committed = (counts: { events: CountMap; volume: CountMap }) => {
    events.add(counts.events);
    volume.add(counts.volume);
  };
  committed(ledger.counts);
  return {
    registry,
    committed,
    typesLoaded: events.typesLoaded,
    observer,
    pollDone: polls.pollDone,
    pageDone: ({ duplicates, newestEventTime }, origin) => {
      dedup.seenAgain(origin, duplicates);
      progress.eventSeen(newestEventTime);
    },
    pushReceived: pushes.pushReceived,
    eventsRefused: rejections.eventsRefused,
    requestRefused: httpAuth.requestRefused,
    stateWrite: stateWrites.stateWrite,
    windowChecked: windowChecks.checked,
    clock: windowChecks.clock,
    gateway,
  };
}
