/**
 * A clock that jumps, and a state whose watermark is ahead of the clock: reported (metric, log line,
 * /-/ready) and handled without losing or double-counting an event. The simulator keeps the true time;
 * only the exporter's clock jumps. Counts are compared with the simulator's ground truth by every label.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunningSimulator } from '@emnify-events/simulator';
import { Exporter } from '../src/exporter';
import { createLogger } from '../src/logger';
import { countsFromMetrics, exporterFor, truthAsCounts, withSimulator } from './helpers';
import { singleValue } from './metricsText';

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** GET `path` of the exporter's app over HTTP: status and body. */
async function get(exporter: Exporter, path: string): Promise<{ status: number; text: string }> {
  const server = exporter.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}${path}`);
    return { status: res.status, text: await res.text() };
  } finally {
    server.close();
  }
}

/** Log lines as objects. */
function recordingLogger(): { lines: Array<Record<string, unknown>>; logger: ReturnType<typeof createLogger> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: createLogger('info', [], (l) => lines.push(JSON.parse(l) as Record<string, unknown>)) };
}

const truthUpTo = (sim: RunningSimulator, until: number) => truthAsCounts(sim.truth({ until: until + 999 }));

interface JumpingClock {
  sim: RunningSimulator;
  exporter: Exporter;
  lines: Array<Record<string, unknown>>;
  /** `n` polls, 30 s of true time apart. */
  polls(n: number): Promise<void>;
  /** Sets the exporter's clock `offsetMs` away from the true time. */
  jump(offsetMs: number): void;
  /** The true time. */
  now(): number;
}

/** A live fleet of 3 events/s from `start` on, and an exporter (backfill 0 s) whose clock can jump. */
async function withJumpingClock(seed: number, start: number, test: (run: JumpingClock) => Promise<void>) {
  let simNow = start;
  let offset = 0;
  const live = { seed, historyEvents: 0, eventsPerSecond: 3, lateFraction: 0, now: () => simNow };
  await withSimulator(live, async (sim, dir) => {
    const { lines, logger } = recordingLogger();
    const exporter = exporterFor(sim, dir, () => simNow + offset, ['--backfill', '0s'], {}, { logger });
    const polls = async (n: number) => {
      for (let poll = 0; poll < n; poll++) {
        simNow += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
    };
    try {
      await test({ sim, exporter, lines, polls, jump: (ms) => (offset = ms), now: () => simNow });
    } finally {
      await exporter.stop();
    }
  });
}

describe('the exporter clock jumps', () => {
  it('back by an hour: polls wait and say why (poll_success 0, the metric, the log, /-/ready), then count every event once', async () => {
    await withJumpingClock(
      51,
      Date.parse('2026-07-01T10:00:00Z'),
      async ({ sim, exporter, lines, polls, jump, now }) => {
        await polls(4);
        // Watermark 10:01:50 (10:02:00 minus the 10 s settle).
        expect(exporter.ledger.watermark).toBe(Date.parse('2026-07-01T10:01:50Z'));
        jump(-HOUR);
        await polls(3);
        // Clock 09:03:30; now - settle = 09:03:20: the watermark is 58 min 30 s ahead. Moving it back to
        // the ids remembered (the overlap before the newest event, about 10:01:50) is still ahead: wait.
        let text = (await get(exporter, '/metrics')).text;
        expect(singleValue(text, 'emnify_exporter_poll_success')).toBe(0);
        expect(singleValue(text, 'emnify_exporter_watermark_ahead_seconds')).toBe(3510);
        const ready = await get(exporter, '/-/ready');
        expect(ready.status).toBe(503);
        expect(ready.text).toContain(
          'Not ready: the watermark 2026-07-01T10:01:50.000Z is 3510 s ahead of the clock (now - settle = 2026-07-01T09:03:20.000Z)'
        );
        expect(lines.filter((l) => l.msg === 'poll waits for the clock')).toHaveLength(3);
        // Nothing was lost meanwhile: the clock is put right, and every event since is counted once.
        jump(0);
        await polls(1);
        text = (await get(exporter, '/metrics')).text;
        expect(singleValue(text, 'emnify_exporter_poll_success')).toBe(1);
        expect(singleValue(text, 'emnify_exporter_watermark_ahead_seconds')).toBe(0);
        expect((await get(exporter, '/-/ready')).status).toBe(200);
        expect(countsFromMetrics(text)).toEqual(truthUpTo(sim, now() - 10 * SECOND));
        expect(sim.truth().total).toBeGreaterThan(600);
      }
    );
  });

  it('ahead by a day and back: the watermark moves back to where the remembered ids begin; no event lost or counted twice', async () => {
    await withJumpingClock(
      52,
      Date.parse('2026-07-02T10:00:00Z'),
      async ({ sim, exporter, lines, polls, jump, now }) => {
        await polls(4);
        jump(DAY);
        await polls(4);
        // The windows ran a day ahead: the events of the last 2 minutes lie before them, uncounted so far.
        expect(exporter.ledger.watermark).toBe(Date.parse('2026-07-03T10:03:50Z'));
        const counted = [...exporter.ledger.counts.events.values()].reduce((a, b) => a + b, 0);
        expect(counted).toBeLessThan(sim.truth().total - 200);
        jump(0);
        await polls(1);
        const moved = lines.find((l) => String(l.msg).startsWith('the watermark was ahead of the clock'));
        expect(moved).toMatchObject({ level: 'warn', watermark: '2026-07-03T10:03:50.000Z' });
        const text = (await get(exporter, '/metrics')).text;
        expect(singleValue(text, 'emnify_exporter_poll_success')).toBe(1);
        expect(exporter.ledger.watermark).toBe(now() - 10 * SECOND);
        expect(countsFromMetrics(text)).toEqual(truthUpTo(sim, now() - 10 * SECOND));
      }
    );
  });

  it('a state file whose watermark is a day ahead: moved back at the first poll, every event after its ids counted once', async () => {
    let now = Date.parse('2026-07-03T10:00:00Z');
    const live = { seed: 53, historyEvents: 0, eventsPerSecond: 3, lateFraction: 0, now: () => now };
    await withSimulator(live, async (sim, dir) => {
      let exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s']);
      for (let poll = 0; poll < 4; poll++) {
        now += 30 * SECOND;
        await exporter.poller.pollOnce();
      }
      await exporter.stop();
      // The state file as a clock running a day ahead would have left it.
      const path = join(dir, 'state.json');
      const state = JSON.parse(readFileSync(path, 'utf8')) as { watermark: number };
      expect(state.watermark).toBe(Date.parse('2026-07-03T10:01:50Z'));
      writeFileSync(path, JSON.stringify({ ...state, watermark: state.watermark + DAY }));
      now += 2 * 60 * SECOND;
      exporter = exporterFor(sim, dir, () => now, ['--backfill', '0s']);
      await exporter.poller.pollOnce();
      const text = (await get(exporter, '/metrics')).text;
      expect(singleValue(text, 'emnify_exporter_poll_success')).toBe(1);
      expect(countsFromMetrics(text)).toEqual(truthUpTo(sim, now - 10 * SECOND));
      await exporter.stop();
    });
  });
});
