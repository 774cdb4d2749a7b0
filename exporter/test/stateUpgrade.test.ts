/**
 * A state written by the exporter of commit 809f50f (state version 2: base and journal, see
 * fixtures/state-v2/make.mjs) loads and goes on counting: every id it holds is taken as push-only (that
 * version did not record which ids a poll had seen), so the first poll reads its overlap once and counts
 * nothing twice; the first compaction writes version 3. The simulator is the one the fixture was made
 * against (same seed, history, clock and injected events), so its ground truth is the truth of the file.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readState } from '../src/journal';
import { countsFromMetrics, exporterFor, scrape, truthAsCounts, withSimulator } from './helpers';
import { parseSamples } from './metricsText';

const FIXTURE = join(__dirname, 'fixtures', 'state-v2');
const T = Date.parse('2026-05-01T12:00:00Z');

describe('a state file of version 2 (written by the build of 809f50f)', () => {
  it('loads with every id push-only, then the first poll reads its overlap once and counts nothing twice', async () => {
    let now = T;
    const history = { seed: 31, historyMs: 3_600_000, historyEvents: 300, eventsPerSecond: 0, now: () => now };
    await withSimulator(history, async (sim, dir) => {
      // The three events the fixture's exporter counted from a push (its journal).
      const pushed = sim.addEvents(3, { lateByMs: 20_000 }).map((e) => e.id);
      copyFileSync(join(FIXTURE, 'state.json'), join(dir, 'state.json'));
      copyFileSync(join(FIXTURE, 'state.json.journal'), join(dir, 'state.json.journal'));
      const journal = readFileSync(join(dir, 'state.json.journal'), 'utf8');
      expect(journal).toContain(`[${pushed[0]},`);

      const stored = readState(join(dir, 'state.json'));
      expect(stored.state).toMatchObject({ watermark: T });
      // 300 history events counted by its poll (those of the overlap remembered), 3 by the push: none
      // known as polled.
      expect(stored.state!.ids.length).toBeGreaterThan(3);
      expect(stored.state!.pushIds!.length).toBe(stored.state!.ids.length);

      now = T + 30_000;
      const exporter = exporterFor(sim, dir, () => now, ['--poll.settle', '0s', '--poll.page-size', '10']);
      expect(countsFromMetrics(await scrape(exporter.app))).toEqual(truthAsCounts(sim.truth()));
      sim.resetRequestLog();
      await exporter.poller.pollOnce();
      const metrics = await scrape(exporter.app);
      expect(countsFromMetrics(metrics)).toEqual(truthAsCounts(sim.truth()));
      // Its ids were all push-only, so the first check knew none of the window [11:55:00, 12:00:30]: its
      // oldest page of 10, then the newest-first pages of the rest. (Known ids would have needed one.)
      const inWindow = sim.truth({ from: T - 300_000, until: now + 999 }).total;
      expect(inWindow).toBeGreaterThan(20);
      expect(sim.requestLog().filter((r) => r.path === '/api/v1/event')).toHaveLength(
        1 + Math.ceil((inWindow - 10) / 10)
      );
      expect(parseSamples(metrics, 'emnify_exporter_window_checks_total')).toContainEqual({
        labels: { result: 'agreed' },
        value: 1,
      });
      expect(pushed.every((id) => exporter.ledger.isPolled(id))).toBe(true);
      await exporter.stop();
      const base = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { version: number; push_ids: number[] };
      expect({ version: base.version, push_ids: base.push_ids }).toEqual({ version: 3, push_ids: [] });
    });
  });
});
