/**
 * The exporter's HTTP surface with the simulator behind it: landing page, health, readiness, label
 * dropping, the zero series, and the Data Streamer push counted through the same dedup as the poll.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RawEvent } from '@emnify-events/client';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { Exporter } from '../src/exporter';
import { parseSamples } from './metricsText';
import { exporterOn } from './helpers';

describe('exporter HTTP surface', () => {
  let sim: RunningSimulator;
  let dir: string;
  let now = Date.UTC(2026, 2, 1, 8);

  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 5,
      historyMs: 20 * 60_000,
      historyEvents: 400,
      eventsPerSecond: 0,
      now: () => now,
    });
    dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-app-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const make = (name: string, extra: string[] = [], env: Record<string, string> = {}): Exporter =>
    exporterOn(sim, join(dir, `${name}.json`), {
      now: () => now,
      args: ['--web.listen-address', '127.0.0.1:0', '--poll.settle', '0s', ...extra],
      env,
    });

  it('serves the landing page, health, and readiness once the type lookup is loaded', async () => {
    const exporter = make('surface');
    const server = exporter.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect(await (await fetch(`${base}/`)).text()).toContain('<a href="metrics">Metrics</a>');
      expect(await (await fetch(`${base}/-/healthy`)).text()).toBe('Healthy\n');
      const notReady = await fetch(`${base}/-/ready`);
      expect(notReady.status).toBe(503);
      const zeroBefore = parseSamples(await (await fetch(`${base}/metrics`)).text(), 'emnify_events_total');
      expect(zeroBefore).toHaveLength(0);
      await exporter.poller.pollOnce();
      expect((await fetch(`${base}/-/ready`)).status).toBe(200);
      const text = await (await fetch(`${base}/metrics`)).text();
      const samples = parseSamples(text, 'emnify_events_total');
      // Every type of the lookup has a series, at 0 until its first event.
      const types = new Set(samples.map((s) => s.labels.event_type));
      expect(types.size).toBe(67);
      expect(samples.find((s) => s.labels.event_type === 'Payment')).toEqual({
        labels: { event_type: 'Payment', event_severity: 'INFO', event_source: 'API', country: '', operator: '' },
        value: 0,
      });
      expect(samples.reduce((a, s) => a + s.value, 0)).toBe(400);
      expect(text).not.toContain(sim.applicationToken);
    } finally {
      server.close();
      await exporter.stop();
    }
  });

  it('drops operator and country on request, summing their series', async () => {
    const exporter = make('dropped', ['--labels.drop', 'operator,country']);
    await exporter.poller.pollOnce();
    const text = await exporter.metrics.registry.metrics();
    const samples = parseSamples(text, 'emnify_events_total');
    expect(Object.keys(samples[0].labels).sort()).toEqual(['event_severity', 'event_source', 'event_type']);
    expect(samples.reduce((a, s) => a + s.value, 0)).toBe(400);
    expect(new Set(samples.map((s) => JSON.stringify(s.labels))).size).toBe(samples.length);
    const volume = parseSamples(text, 'emnify_data_volume_bytes_total');
    expect(volume.map((s) => s.labels.direction).sort()).toEqual(['rx', 'tx']);
    await exporter.stop();
  });

  it('counts Data Streamer pushes once, also when the poll reads the same events', async () => {
    const exporter = make('push', [], { EXPORTER_DATASTREAMER_TOKEN: 'ds-secret-789' });
    const server = exporter.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/datastreamer`;
    const push = (body: unknown, token = 'ds-secret-789') =>
      fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    try {
      await exporter.poller.pollOnce();
      const total = () => [...exporter.ledger.counts.events.values()].reduce((a, b) => a + b, 0);
      expect(total()).toBe(400);

      now += 60_000;
      const fresh: RawEvent[] = sim.addEvents(5, { lateByMs: 2000 });
      expect((await push(fresh[0], 'wrong')).status).toBe(401);
      const single = await push(fresh[0]);
      expect(await single.json()).toEqual({
        counted: 1,
        duplicates: 0,
        late: 0,
        outsideWindow: 0,
        filtered: 0,
        invalid: 0,
        rejected: {},
      });
      const bulk = await push([...fresh, { id: 'x' }]);
      expect(await bulk.json()).toEqual({
        counted: 4,
        duplicates: 1,
        late: 0,
        outsideWindow: 0,
        filtered: 0,
        invalid: 1,
        rejected: { EVENT_ID_INVALID: 1 },
      });
      expect(total()).toBe(405);
      // The poll now reads the same 5 events: nothing is counted twice.
      await exporter.poller.pollOnce();
      expect(total()).toBe(405);
      expect(
        (await fetch(url, { method: 'POST', headers: { authorization: 'Bearer ds-secret-789' }, body: '{oops' })).status
      ).toBe(400);
      const metrics = await exporter.metrics.registry.metrics();
      expect(metrics).toContain('emnify_exporter_datastreamer_requests_total{outcome="accepted"} 2');
      expect(metrics).toContain('emnify_exporter_datastreamer_requests_total{outcome="unauthorized"} 1');
      expect(metrics).toContain('emnify_exporter_datastreamer_requests_total{outcome="rejected"} 1');
      expect(metrics).toContain('emnify_exporter_events_rejected_total{origin="push",reason="EVENT_ID_INVALID"} 1');
      expect(metrics).not.toContain('ds-secret-789');
    } finally {
      server.close();
      await exporter.stop();
    }
  });

  it('answers 404 on /datastreamer when no token is configured', async () => {
    const exporter = make('nopush');
    const server = exporter.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const r = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/datastreamer`, {
        method: 'POST',
        body: '[]',
      });
      expect(r.status).toBe(404);
      expect(await r.json()).toEqual({
        error: 'The Data Streamer endpoint is off: set EXPORTER_DATASTREAMER_TOKEN(_FILE) to enable it.',
      });
    } finally {
      server.close();
      await exporter.stop();
    }
  });
});
