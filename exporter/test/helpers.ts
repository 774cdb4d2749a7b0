/**
 * Helpers for the exporter's tests: the simulator's ground truth and the exporter's `/metrics` (read
 * over HTTP) as the same records, so that one can be compared with the other. The type names come from
 * the simulator's own catalogue, not from the exporter's lookup.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EVENT_SEVERITY_NAMES,
  EVENT_SOURCE_NAMES,
  EmnifyClientOptions,
  EmnifyEvent,
  EventSeverity,
  RawEvent,
  EventSource,
  normalizeEvents,
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

/**
 * Attribution to the last known network off: the simulator's ground truth counts events without network
 * with empty country and operator. Tests of the attribution turn it on (a later flag wins) and compare
 * with the counting model instead (attribution.test.ts).
 */
export const LAST_NETWORK_OFF = ['--labels.last-network', 'off'];

/** An exporter reading the simulator `sim`, keeping its state in `stateFile` (not started); see LAST_NETWORK_OFF. */
export function exporterOn(sim: RunningSimulator, stateFile: string, options: ExporterOnOptions = {}): Exporter {
  return createExporter(
    loadConfig(['--emnify.url', sim.url, '--state.file', stateFile, ...LAST_NETWORK_OFF, ...(options.args ?? [])], {
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

/** The simulator's type lookup: type id → the spelling the exporter labels with. */
export const TYPE_NAMES: ReadonlyMap<number, string> = new Map(EVENT_TYPE_CATALOGUE.map((t) => [t.id, t.description]));

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

/**
 * Every event the simulator shows now, read over HTTP the plain way (pages of 1,000 oldest first, until a
 * short page) and normalised by the shared client: the input of the counting model.
 */
export async function simulatorEvents(sim: RunningSimulator): Promise<EmnifyEvent[]> {
  const auth = await fetch(`${sim.url}/api/v1/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ application_token: sim.applicationToken }),
  });
  const token = ((await auth.json()) as { auth_token: string }).auth_token;
  const events: EmnifyEvent[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${sim.url}/api/v1/event?sort=timestamp,id&per_page=1000&page=${page}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const items = (await res.json()) as unknown[];
    const normalized = normalizeEvents(items);
    if (normalized.skipped > 0) {
      throw new Error(`the simulator served ${normalized.skipped} events the client refuses`);
    }
    events.push(...normalized.events);
    if (items.length < 1000 || page >= Number(res.headers.get('x-total-pages'))) {
      return events;
    }
  }
}

/** A model's totals (label values joined with `|`) as the records of countsFromMetrics. */
export function modelAsCounts(totals: {
  events: Record<string, number>;
  volume: Record<string, number>;
}): CountRecords {
  const records = (m: Record<string, number>) =>
    Object.fromEntries(Object.entries(m).map(([key, n]) => [JSON.stringify(key.split('|')), n]));
  return { events: records(totals.events), volume: records(totals.volume) };
}

/** POSTs `events` to the exporter's /datastreamer (bearer `push-token`) and returns the answer. */
export async function push(exporter: Exporter, events: RawEvent[]): Promise<unknown> {
  const server = exporter.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/datastreamer`, {
      method: 'POST',
      headers: { authorization: 'Bearer push-token', 'content-type': 'application/json' },
      body: JSON.stringify(events),
    });
    return await res.json();
  } finally {
    server.close();
  }
}

/** A base state file's fields as written (version, networks, ...). */
export function stateFileOf(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}
