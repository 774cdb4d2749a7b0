/**
 * Helpers for the exporter's tests: the simulator's ground truth and the exporter's `/metrics` (read
 * over HTTP) as the same records, so that one can be compared with the other. The type names come from
 * the simulator's own catalogue, not from the exporter's lookup.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EVENT_SEVERITY_NAMES,
  EVENT_SOURCE_NAMES,
  EmnifyClientOptions,
  EventSeverity,
  EventSource,
} from '@emnify-events/client';
import {
  EVENT_TYPE_CATALOGUE,
  GroundTruth,
  RunningSimulator,
  SimulatorOptions,
  startSimulator,
} from '@emnify-events/simulator';
import type { Express } from 'express';
import { loadConfig } from '../src/config';
import { Exporter, createExporter } from '../src/exporter';
import { Logger, silentLogger } from '../src/logger';
import { parseSamples } from './metricsText';

export interface ExporterOnOptions {
  /** The exporter's clock (default Date.now). */
  now?: () => number;
  /** More flags (`--poll.settle`, `--web.config.file`, ...). */
  args?: string[];
  /** More environment variables (`EXPORTER_DATASTREAMER_TOKEN`, ...). */
  env?: Record<string, string>;
  /** Overrides of the API client's options; pacing is off unless given. */
  client?: Partial<EmnifyClientOptions>;
  logger?: Logger;
}

/** An exporter reading the simulator `sim`, keeping its state in `stateFile` (not started). */
export function exporterOn(sim: RunningSimulator, stateFile: string, options: ExporterOnOptions = {}): Exporter {
  return createExporter(
    loadConfig(['--emnify.url', sim.url, '--state.file', stateFile, ...(options.args ?? [])], {
      EMNIFY_APPLICATION_TOKEN: sim.applicationToken,
      ...options.env,
    }),
    { logger: options.logger ?? silentLogger, now: options.now, client: { rateLimiter: null, ...options.client } }
  );
}

/** An exporter against `sim`, its state in `dir`, on the clock `now`; `args` are the case's own settings. */
export function exporterFor(
  sim: RunningSimulator,
  dir: string,
  now: () => number,
  args: string[],
  client: Partial<EmnifyClientOptions> = {},
  extra: { env?: Record<string, string>; logger?: Logger } = {}
): Exporter {
  return exporterOn(sim, join(dir, 'state.json'), { now, args, client, ...extra });
}

/** Runs `test` against a simulator of its own, with a state directory of its own; removes both after. */
export async function withSimulator(
  options: SimulatorOptions,
  test: (sim: RunningSimulator, dir: string) => Promise<void>
): Promise<void> {
  const sim = await startSimulator({ port: 0, ...options });
  const dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-test-'));
  try {
    await test(sim, dir);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CountRecords {
  /** JSON of [event_type, event_severity, event_source, country, operator] → events. */
  events: Record<string, number>;
  /** JSON of [direction, country, operator] → bytes. */
  volume: Record<string, number>;
}

const TYPE_NAMES = new Map(EVENT_TYPE_CATALOGUE.map((t) => [t.id, t.description]));

/** The ground truth as label value tuples of the exporter's counters. */
export function truthAsCounts(truth: GroundTruth): CountRecords {
  const events: Record<string, number> = {};
  for (const l of truth.byLabels) {
    const key = JSON.stringify([
      TYPE_NAMES.get(l.typeId) ?? `type ${l.typeId}`,
      EVENT_SEVERITY_NAMES[l.severityId as EventSeverity],
      EVENT_SOURCE_NAMES[l.sourceId as EventSource],
      l.countryIso,
      l.operator,
    ]);
    events[key] = (events[key] ?? 0) + l.count;
  }
  const volume: Record<string, number> = {};
  for (const v of truth.volumeBytes) {
    if (v.rx > 0) {
      volume[JSON.stringify(['rx', v.countryIso, v.operator])] = v.rx;
    }
    if (v.tx > 0) {
      volume[JSON.stringify(['tx', v.countryIso, v.operator])] = v.tx;
    }
  }
  return { events, volume };
}

/** The non-zero series of `emnify_events_total` and `emnify_data_volume_bytes_total` in a scrape. */
export function countsFromMetrics(text: string): CountRecords {
  const records = (name: string, labels: string[]) =>
    Object.fromEntries(
      parseSamples(text, name)
        .filter((s) => s.value > 0)
        .map((s) => [JSON.stringify(labels.map((l) => s.labels[l])), s.value])
    );
  return {
    events: records('emnify_events_total', ['event_type', 'event_severity', 'event_source', 'country', 'operator']),
    volume: records('emnify_data_volume_bytes_total', ['direction', 'country', 'operator']),
  };
}

/** GET /metrics of an exporter's app over HTTP, on a loopback port of its own (the poller is not started). */
export async function scrape(app: Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    if (res.status !== 200) {
      throw new Error(`/metrics answered ${res.status}`);
    }
    return await res.text();
  } finally {
    server.close();
    server.closeAllConnections();
  }
}
