/**
 * The built exporter as a process: SIGKILL at random moments during a catch-up and restarts must
 * neither lose nor repeat an event, and counters continue from their values; SIGTERM exits 0. With
 * attribution to the last known network on, SIGKILLs must not change which network any event gets: a
 * history read in windows of two pages (the oldest page, then the newest: so in event time order,
 * whatever the kills), each answer 200 ms late so that kills fall between a window's two pages, must end
 * where the counting model, fed the whole history at once, ends.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { ROOT, buildNodePackages } from './build';
import { CountingModel } from './countingModel';
import {
  LAST_NETWORK_OFF,
  TYPE_NAMES,
  countsFromMetrics,
  modelAsCounts,
  simulatorEvents,
  truthAsCounts,
} from './helpers';
import { parseSamples } from './metricsText';

const MAIN = join(ROOT, 'exporter/dist/main.js');

interface Running {
  child: ChildProcess;
  port: Promise<number>;
  exit: Promise<number | null>;
}

/** The settings of the first case; `args` come after them (a later flag wins). */
function spawnExporter(sim: RunningSimulator, stateFile: string, args: string[] = LAST_NETWORK_OFF): Running {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      '--web.listen-address',
      '127.0.0.1:0',
      '--state.file',
      stateFile,
      '--backfill',
      '1h',
      '--poll.interval',
      '1s',
      '--poll.settle',
      '1s',
      '--poll.overlap',
      '30s',
      '--poll.max-window',
      '2m',
      '--poll.page-size',
      '100',
      ...args,
    ],
    {
      env: { PATH: process.env.PATH, EMNIFY_API_URL: sim.url, EMNIFY_APPLICATION_TOKEN: sim.applicationToken },
      stdio: ['ignore', 'ignore', 'pipe'],
    }
  );
  let log = '';
  const port = new Promise<number>((resolvePort, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const m = /"msg":"listening".*?"port":(\d+)/.exec(log);
      if (m) {
        resolvePort(Number(m[1]));
      }
    });
    child.once('exit', () => reject(new Error(`exporter exited before listening: ${log}`)));
  });
  port.catch(() => undefined);
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, port, exit };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  return res.text();
}

describe('exporter process: SIGKILL and restart', () => {
  let sim: RunningSimulator;
  let dir: string;

  beforeAll(async () => {
    buildNodePackages();
    sim = await startSimulator({ port: 0, seed: 33, historyMs: 50 * 60_000, historyEvents: 8000, eventsPerSecond: 0 });
    dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-kill-'));
  }, 120_000);
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('neither loses nor repeats an event across SIGKILLs at random moments, then exits 0 on SIGTERM', async () => {
    const stateFile = join(dir, 'state.json');
    let lastAdded = 0;
    const killedAt: number[] = [];
    for (let round = 0; round < 5; round++) {
      const run = spawnExporter(sim, stateFile);
      await run.port;
      const wait = 200 + Math.floor(Math.random() * 900);
      await sleep(wait);
      sim.addEvents(25, { lateByMs: 1500 });
      lastAdded = Date.now();
      run.child.kill('SIGKILL');
      expect(await run.exit).toBeNull();
      killedAt.push(wait);
    }
    expect(existsSync(stateFile)).toBe(true);

    const final = spawnExporter(sim, stateFile);
    const port = await final.port;
    const deadline = Date.now() + 60_000;
    let text = '';
    for (;;) {
      text = await scrape(port);
      const watermark = parseSamples(text, 'emnify_exporter_watermark_timestamp_seconds')[0]?.value ?? 0;
      if (watermark * 1000 > lastAdded + 1000) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`exporter did not catch up; killed after ${killedAt.join(', ')} ms`);
      }
      await sleep(250);
    }
    const expected = truthAsCounts(sim.truth()).events;
    const actual = countsFromMetrics(text).events;
    expect(actual).toEqual(expected);
    expect(Object.values(actual).reduce((a, b) => a + b, 0)).toBe(8000 + 125);

    final.child.kill('SIGTERM');
    expect(await final.exit).toBe(0);
  }, 120_000);
});

describe('exporter process: SIGKILL and restart, attributing events to the last known network', () => {
  let sim: RunningSimulator;
  let dir: string;
  const T = Date.now();

  beforeAll(async () => {
    buildNodePackages();
    // 6,000 events over 4 h, no live traffic: windows of 1 hour hold about 1,500 events, two pages each.
    sim = await startSimulator({
      port: 0,
      seed: 34,
      historyMs: 4 * 3_600_000,
      historyEvents: 6000,
      eventsPerSecond: 0,
      faults: { latencyMs: 200 },
    });
    dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-kill-attr-'));
  }, 120_000);
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends where the model ends, whatever the SIGKILLs', async () => {
    const stateFile = join(dir, 'state.json');
    const args = [
      '--backfill',
      '5h',
      '--poll.max-window',
      '1h',
      '--poll.page-size',
      '1000',
      '--labels.last-network',
      'on',
    ];
    const counted = (text: string) => parseSamples(text, 'emnify_events_total').reduce((n, s) => n + s.value, 0);
    /** Counted when each kill came (scraped right before it). */
    const killedAt: number[] = [];
    for (let round = 0; round < 6 && (killedAt[killedAt.length - 1] ?? 0) < 6000; round++) {
      const run = spawnExporter(sim, stateFile, args);
      try {
        const port = await run.port;
        // Kill once this run has counted something more (or after 3 s), a random moment later.
        const before = killedAt[killedAt.length - 1] ?? 0;
        for (let waited = 0; waited < 3000 && counted(await scrape(port)) <= before; waited += 20) {
          await sleep(20);
        }
        await sleep(Math.floor(Math.random() * 150));
        killedAt.push(counted(await scrape(port)));
      } finally {
        run.child.kill('SIGKILL');
      }
      expect(await run.exit).toBeNull();
    }
    // Kills fell in the middle of the catch-up, and between the two pages of a window (a count that is no
    // multiple of a window's: the first page of 1,000 counted, the second not yet).
    expect(killedAt.filter((n) => n > 0 && n < 6000).length).toBeGreaterThanOrEqual(2);
    console.info(`counted at the kills: ${killedAt.join(', ')}`);
    const final = spawnExporter(sim, stateFile, args);
    let text = '';
    try {
      const port = await final.port;
      const deadline = Date.now() + 60_000;
      while (counted((text = await scrape(port))) < 6000) {
        if (Date.now() > deadline) {
          throw new Error(`exporter did not catch up; counted ${killedAt.join(', ')} at the kills`);
        }
        await sleep(250);
      }
    } catch (err) {
      final.child.kill('SIGKILL');
      throw err;
    }
    const model = new CountingModel(T - 5 * 3_600_000, 30_000, TYPE_NAMES, new Set(), {
      maxEndpoints: 100_000,
      maxAgeMs: 30 * 86_400_000,
    });
    const events = await simulatorEvents(sim);
    expect(model.ingest(events, 'poll').attributed).toBeGreaterThan(300);
    expect(countsFromMetrics(text)).toEqual(modelAsCounts(model.totals()));
    final.child.kill('SIGTERM');
    expect(await final.exit).toBe(0);
  }, 120_000);
});
