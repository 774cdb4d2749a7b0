/**
 * The built exporter as a process: SIGKILL at random moments during a catch-up and restarts must
 * neither lose nor repeat an event, and counters continue from their values; SIGTERM exits 0.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { ROOT, buildNodePackages } from './build';
import { countsFromMetrics, truthAsCounts } from './helpers';
import { parseSamples } from './metricsText';

const MAIN = join(ROOT, 'exporter/dist/main.js');

interface Running {
  child: ChildProcess;
  port: Promise<number>;
  exit: Promise<number | null>;
}

function spawnExporter(sim: RunningSimulator, stateFile: string): Running {
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
