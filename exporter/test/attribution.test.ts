/**
 * `--labels.last-network`: events without network counted with their endpoint's last known operator and
 * country. Real exporters over real HTTP, compared with the counting model (countingModel.ts, the
 * README's rule written the trivial way) fed the same events, and with the simulator's ground truth
 * where attribution cannot change it (counts by type; network events by their own network):
 *
 * - the simulator's history read in one page (one batch, so the model's input is exactly the exporter's):
 *   with the default settings, with `--labels.drop country`, with both labels dropped, and off;
 * - Data Streamer pushes of written-out events (every expectation a literal): an endpoint never seen, a
 *   late event with an older network, a network older than the maximum age, eviction at the bound, a
 *   clean restart and a crash (the state files copied while the exporter runs) in the middle.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmnifyEvent, RawEvent, normalizeEvents } from '@emnify-events/client';
import { RunningSimulator } from '@emnify-events/simulator';
import { loadConfig } from '../src/config';
import { Exporter, createExporter } from '../src/exporter';
import { silentLogger } from '../src/logger';
import { CountingModel, ModelNetworkOptions } from './countingModel';
import {
  CountRecords,
  TYPE_NAMES,
  countsFromMetrics,
  modelAsCounts,
  push,
  scrape,
  simulatorEvents,
  stateFileOf,
  truthAsCounts,
  withSimulator,
} from './helpers';
import { parseSamples, singleValue } from './metricsText';

const T = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
/** The defaults (settings.ts), written out: the model is told them, not read from the code. */
const DEFAULT_BOUNDS: ModelNetworkOptions = { maxEndpoints: 100_000, maxAgeMs: 30 * DAY };

/** An exporter of `sim` with `args` and nothing else (no LAST_NETWORK_OFF: the defaults are the exporter's). */
function exporterWith(
  sim: RunningSimulator,
  stateFile: string,
  now: () => number,
  args: string[],
  env: Record<string, string> = {}
): Exporter {
  return createExporter(
    loadConfig(['--emnify.url', sim.url, '--state.file', stateFile, ...args], {
      EMNIFY_APPLICATION_TOKEN: sim.applicationToken,
      ...env,
    }),
    { logger: silentLogger, now, client: { rateLimiter: null } }
  );
}

/** Sums out the labels of `drop` (what `--labels.drop` shows). */
function without(records: CountRecords, drop: Array<'country' | 'operator'>): CountRecords {
  const fold = (m: Record<string, number>, names: string[]) => {
    const out: Record<string, number> = {};
    for (const [key, n] of Object.entries(m)) {
      const kept = (JSON.parse(key) as string[]).map((v, i) => ((drop as string[]).includes(names[i]) ? undefined : v));
      const k = JSON.stringify(kept);
      out[k] = (out[k] ?? 0) + n;
    }
    return out;
  };
  return {
    events: fold(records.events, ['event_type', 'event_severity', 'event_source', 'country', 'operator']),
    volume: fold(records.volume, ['direction', 'country', 'operator']),
  };
}

const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
const value = singleValue;

describe('the simulator history, read in one page', () => {
  /** A model told the defaults, fed the history as the exporter's first poll counts it (one batch). */
  const modelOf = (events: EmnifyEvent[]) => {
    const model = new CountingModel(T - 3 * 3_600_000, 300_000, TYPE_NAMES, new Set(), DEFAULT_BOUNDS);
    return { model, result: model.ingest(events, 'poll') };
  };

  /**
   * 900 events over 2 h: the first poll's window (3 h back) is one page of 1,000, so one batch. Runs an
   * exporter with `args` over it, polls once, and hands `check` the scrape; then stops the exporter.
   */
  async function afterHistory(
    args: string[],
    check: (run: {
      sim: RunningSimulator;
      exporter: Exporter;
      metrics: string;
      events: EmnifyEvent[];
      state: string;
    }) => Promise<void>
  ): Promise<void> {
    const now = T;
    await withSimulator(
      { seed: 41, historyMs: 2 * 3_600_000, historyEvents: 900, eventsPerSecond: 0, now: () => now },
      async (sim, dir) => {
        const events = await simulatorEvents(sim);
        expect(events).toHaveLength(900);
        const state = join(dir, 'state.json');
        const exporter = exporterWith(sim, state, () => now, ['--backfill', '3h', '--poll.settle', '0s', ...args]);
        sim.resetRequestLog();
        await exporter.poller.pollOnce();
        // One answer held the window: the exporter counted the history as one batch, as the model does.
        expect(sim.requestLog().filter((r) => r.path === '/api/v1/event')).toHaveLength(1);
        try {
          await check({ sim, exporter, metrics: await scrape(exporter.app), events, state });
        } finally {
          await exporter.stop();
        }
      }
    );
  }

  it('default settings: every event attributed as the model says; by type and for network events, the ground truth', () =>
    afterHistory([], async ({ sim, exporter, metrics, events, state }) => {
      const { model, result } = modelOf(events);
      const counted = countsFromMetrics(metrics);
      expect(counted).toEqual(modelAsCounts(model.totals()));
      // Independent of the rule: by type, severity and source, the ground truth; events with a network
      // keep their own (the truth's non-empty places).
      const truth = truthAsCounts(sim.truth());
      expect(without(counted, ['country', 'operator'])).toEqual(without(truth, ['country', 'operator']));
      const placed = Object.entries(truth.events).filter(([key]) => !key.endsWith('"",""]'));
      for (const [key, n] of placed) {
        expect(counted.events[key]).toBeGreaterThanOrEqual(n);
      }
      expect(counted.volume).toEqual(truth.volume);
      // The history has both kinds for the same endpoints, and events no endpoint or no network explains.
      expect(result.attributed).toBeGreaterThan(50);
      expect(result.unattributed).toBeGreaterThan(20);
      expect(value(metrics, 'emnify_exporter_events_attributed_total')).toBe(result.attributed);
      expect(value(metrics, 'emnify_exporter_events_unattributed_total')).toBe(result.unattributed);
      expect(value(metrics, 'emnify_exporter_remembered_endpoints')).toBe(model.totals().networks.length);
      expect(value(metrics, 'emnify_exporter_remembered_endpoints_max')).toBe(100_000);
      // The state file holds the same endpoints, in the same order.
      exporter.ledger.compact();
      expect(stateFileOf(state)).toMatchObject({ version: 4, networks: model.totals().networks });
    }));

  it('--labels.drop country: attributed operators, one series per operator', () =>
    afterHistory(['--labels.drop', 'country'], async ({ metrics, events }) => {
      const shown = (name: string, labels: string[]) =>
        Object.fromEntries(
          parseSamples(metrics, name)
            .filter((s) => s.value > 0)
            .map((s) => [JSON.stringify(labels.map((l) => s.labels[l])), s.value])
        );
      const expected = without(modelAsCounts(modelOf(events).model.totals()), ['country']);
      const strip = (m: Record<string, number>) =>
        Object.fromEntries(
          Object.entries(m).map(([k, n]) => [JSON.stringify((JSON.parse(k) as unknown[]).filter((v) => v !== null)), n])
        );
      expect(shown('emnify_events_total', ['event_type', 'event_severity', 'event_source', 'operator'])).toEqual(
        strip(expected.events)
      );
      expect(shown('emnify_data_volume_bytes_total', ['direction', 'operator'])).toEqual(strip(expected.volume));
      expect(value(metrics, 'emnify_exporter_events_attributed_total')).toBeGreaterThan(50);
    }));

  it('--labels.drop operator,country: nothing to fill, nothing remembered', () =>
    afterHistory(['--labels.drop', 'operator,country'], async ({ metrics }) => {
      expect(parseSamples(metrics, 'emnify_events_total').reduce((n, s) => n + s.value, 0)).toBe(900);
      expect(value(metrics, 'emnify_exporter_events_attributed_total')).toBe(0);
      expect(value(metrics, 'emnify_exporter_remembered_endpoints')).toBe(0);
      expect(value(metrics, 'emnify_exporter_remembered_endpoints_max')).toBe(0);
    }));

  it('off: the ground truth by every label (events without network stay empty), nothing remembered', () =>
    afterHistory(['--labels.last-network', 'off'], async ({ sim, metrics }) => {
      expect(countsFromMetrics(metrics)).toEqual(truthAsCounts(sim.truth()));
      expect(value(metrics, 'emnify_exporter_events_attributed_total')).toBe(0);
      expect(value(metrics, 'emnify_exporter_remembered_endpoints')).toBe(0);
    }));

  it('turned off after a run with it on: the remembered endpoints are forgotten at start, journalled', () =>
    afterHistory([], async ({ sim, exporter, state }) => {
      const remembered = exporter.ledger.rememberedEndpoints;
      expect(remembered).toBeGreaterThan(250);
      await exporter.stop();
      const off = exporterWith(sim, state, () => T, ['--labels.last-network', 'off']);
      const metrics = await scrape(off.app);
      expect(value(metrics, 'emnify_exporter_remembered_endpoints')).toBe(0);
      expect(
        parseSamples(metrics, 'emnify_exporter_remembered_endpoints_forgotten_total').find(
          (s) => s.labels.reason === 'off'
        )?.value
      ).toBe(remembered);
      await off.stop();
      expect(stateFileOf(state)).not.toHaveProperty('networks');
    }));
});

describe('pushed events, written out', () => {
  const A = 11380016;
  const B = 11380023;
  const C = 11380030;
  const D = 11380037;
  const E = 11380044;
  const NETWORKS = {
    'DE Telekom': ['de', 'Germany', 2, 'Telekom'],
    'FR SFR': ['fr', 'France', 32, 'SFR'],
    'IT TIM': ['it', 'Italy', 61, 'TIM'],
    'GB EE': ['gb', 'United Kingdom', 21, 'EE'],
    'NL KPN': ['nl', 'Netherlands', 41, 'KPN'],
    'AT A1': ['at', 'Austria', 71, 'A1 Telekom Austria'],
    'CH Swisscom': ['ch', 'Switzerland', 81, 'Swisscom'],
  } as const;
  type Place = keyof typeof NETWORKS;

  /** An Update GPRS location (network detail) of `endpoint` on `place`. */
  const attach = (id: number, secondsBefore: number, endpoint: number, place: Place): RawEvent => {
    const [iso, country, operatorId, operator] = NETWORKS[place];
    return {
      ...common(id, secondsBefore, endpoint),
      event_type: { id: 2, description: 'Update GPRS location' },
      event_source: { id: 0, description: 'Network' },
      event_severity: { id: 0, description: 'Info' },
      detail: {
        id: operatorId,
        name: operator,
        country: { id: 1, name: country, country_code: '1', mcc: '262', iso_code: iso },
        mnc: [{ id: 1, mnc: '01' }],
        tapcode: [{ id: 1, tapcode: 'DEUD1' }],
      },
    } as RawEvent;
  };
  /** A Create PDP Context rejected by policy (no detail) of `endpoint`, or of a SIM alone. */
  const rejection = (id: number, secondsBefore: number, endpoint?: number): RawEvent =>
    ({
      ...common(id, secondsBefore, endpoint),
      alert: true,
      description: 'PDP Context Request rejected, because SIM is not activated.',
      event_type: { id: 3, description: 'Create PDP Context' },
      event_source: { id: 1, description: 'Policy Control' },
      event_severity: { id: 1, description: 'Warn' },
    }) as RawEvent;
  const common = (id: number, secondsBefore: number, endpoint?: number) => ({
    id,
    timestamp: new Date(T - secondsBefore * 1000).toISOString(),
    alert: false,
    description: '',
    organisation: { id: 13886, name: 'Acme Fleet GmbH' },
    ...(endpoint
      ? { endpoint: { id: endpoint, name: `device-${endpoint}`, ip_address: '10.0.0.1', tags: '', imei: '' } }
      : {}),
    sim: { id: 4397515 + id, iccid: `89883030000${id}` },
  });

  const UGL = (place: string) => JSON.stringify(['Update GPRS Location', 'INFO', 'Network', ...split(place)]);
  const REJ = (place: string) => JSON.stringify(['Create PDP Context', 'WARN', 'Policy Control', ...split(place)]);
  const split = (place: string) => {
    if (place === '') {
      return ['', ''];
    }
    const [iso, , , operator] = NETWORKS[place as Place];
    return [iso.toUpperCase(), operator];
  };

  it('never seen, late and older, too old, evicted at the bound; across a restart and a crash: as written', async () => {
    const now = T;
    await withSimulator({ seed: 5, historyEvents: 0, eventsPerSecond: 0, now: () => now }, async (sim, dir) => {
      const args = [
        '--poll.settle',
        '0s',
        '--labels.last-network.max-endpoints',
        '3',
        '--labels.last-network.max-age',
        '1m',
      ];
      const env = { EXPORTER_DATASTREAMER_TOKEN: 'push-token' };
      const state = join(dir, 'state.json');
      const model = new CountingModel(T - 3_600_000, 300_000, TYPE_NAMES, new Set(), {
        maxEndpoints: 3,
        maxAgeMs: 60_000,
      });
      const send = async (exporter: Exporter, batch: RawEvent[]) => {
        model.ingest(normalizeEvents(batch).events as EmnifyEvent[], 'push');
        expect(await push(exporter, batch)).toMatchObject({ counted: batch.length });
      };

      let exporter = exporterWith(sim, state, () => now, args, env);
      await exporter.poller.pollOnce(); // the type lookup: pushes are taken from then on
      // A and B attach; A's rejection gets A's network; E attaches 200 s back.
      await send(exporter, [
        attach(101, 200, A, 'DE Telekom'),
        attach(102, 199, B, 'FR SFR'),
        rejection(103, 198, A),
        attach(104, 200, E, 'IT TIM'),
      ]);
      // A moves to GB.
      await send(exporter, [attach(105, 150, A, 'GB EE')]);
      // A late event with an older network does not replace GB; D was never seen; a SIM without endpoint;
      // E's network is 100 s older than its rejection, more than the 1 minute allowed.
      await send(exporter, [
        attach(106, 190, A, 'NL KPN'),
        rejection(107, 140, A),
        rejection(108, 140, D),
        rejection(109, 140),
        rejection(110, 100, E),
      ]);
      let metrics = await scrape(exporter.app);
      expect(value(metrics, 'emnify_exporter_events_attributed_total')).toBe(2);
      expect(value(metrics, 'emnify_exporter_events_unattributed_total')).toBe(3);
      expect(value(metrics, 'emnify_exporter_remembered_endpoints')).toBe(3);

      // A clean restart; A rejected 50 s after its GB network; C attaches: with 3 remembered, the least
      // recently used (B) is evicted, and B's rejection stays empty.
      await exporter.stop();
      exporter = exporterWith(sim, state, () => now, args, env);
      await exporter.poller.pollOnce();
      await send(exporter, [attach(111, 90, C, 'AT A1'), rejection(112, 80, B), rejection(113, 100, A)]);
      metrics = await scrape(exporter.app);
      expect(
        parseSamples(metrics, 'emnify_exporter_remembered_endpoints_forgotten_total').find(
          (s) => s.labels.reason === 'bound'
        )?.value
      ).toBe(1);

      // A crash: the state files as they are now (every commit is synced before it is shown) start another.
      copyFileSync(state, join(dir, 'crashed.json'));
      copyFileSync(`${state}.journal`, join(dir, 'crashed.json.journal'));
      const crashed = exporterWith(sim, join(dir, 'crashed.json'), () => now, args, env);
      await crashed.poller.pollOnce();
      await send(crashed, [rejection(114, 70, C), attach(115, 60, E, 'CH Swisscom'), rejection(116, 50, E)]);
      metrics = await scrape(crashed.app);

      const expected: Record<string, number> = {
        [UGL('DE Telekom')]: 1,
        [UGL('FR SFR')]: 1,
        [UGL('IT TIM')]: 1,
        [UGL('GB EE')]: 1,
        [UGL('NL KPN')]: 1,
        [UGL('AT A1')]: 1,
        [UGL('CH Swisscom')]: 1,
        [REJ('DE Telekom')]: 1, // 103
        [REJ('GB EE')]: 2, // 107, 113
        [REJ('')]: 4, // 108 never seen, 109 no endpoint, 110 too old, 112 evicted
        [REJ('AT A1')]: 1, // 114
        [REJ('CH Swisscom')]: 1, // 116
      };
      expect(countsFromMetrics(metrics).events).toEqual(expected);
      expect(modelAsCounts(model.totals()).events).toEqual(expected);
      expect(total(expected)).toBe(16);
      // This process counted 114-116: two attributed.
      expect(value(metrics, 'emnify_exporter_events_attributed_total')).toBe(2);
      await crashed.stop();
      // Least recently used first: A (113), C (114), E (115, 116).
      const remembered = [
        [A, T - 150_000, 105, 'GB', 'EE'],
        [C, T - 90_000, 111, 'AT', 'A1 Telekom Austria'],
        [E, T - 60_000, 115, 'CH', 'Swisscom'],
      ];
      expect(stateFileOf(join(dir, 'crashed.json')).networks).toEqual(remembered);
      expect(model.totals().networks).toEqual(remembered);
      await exporter.stop();
    });
  });
});
