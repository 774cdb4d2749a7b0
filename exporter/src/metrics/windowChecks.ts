/**
 * The poller's count checks (windowCheck.ts) and its clock: how each completed window's check ended, and
 * how far the watermark is ahead of the clock.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { CHECK_RESULTS, CheckResult } from '../windowCheck';

export function registerWindowCheckMetrics(registry: Registry) {
  const checks = new Counter({
    name: 'emnify_exporter_window_checks_total',
    help:
      'Completed poll windows by how their count check ended: agreed (after the pages of the new events), ' +
      'read_more (the count differed; more pages read until it agreed), came_while_read (events came while it ' +
      'was read: the part leaving the overlap is known, the next poll checks the rest), fewer_than_known ' +
      '(events vanished), ' +
      'unresolved (every page read, the API still counted more).',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const result of CHECK_RESULTS) {
    checks.inc({ result }, 0);
  }
  const ahead = new Gauge({
    name: 'emnify_exporter_watermark_ahead_seconds',
    help:
      'How far the watermark is ahead of the clock (now - settle) at the last poll: above 0 the clock jumped ' +
      'back or the state comes from a clock that ran ahead (see /-/ready).',
    registers: [registry],
  });
  ahead.set(0);
  return {
    checked(result: CheckResult): void {
      checks.inc({ result });
    },
    clock(aheadMs: number): void {
      ahead.set(aheadMs / 1000);
    },
  };
}
