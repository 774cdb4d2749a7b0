/**
 * The count check's bookkeeping (windowCheck.ts) on literal cases: which known events count for a window
 * whatever the API does at its edges, pushes, events returned twice, refused items, counts that change.
 */
import { EmnifyEvent } from '@emnify-events/client';
import { WindowKnowledge, shortenedUntil } from './windowCheck';

const T = Date.parse('2026-09-01T10:00:00Z');
const event = (id: number, time: number) => ({ id, time }) as EmnifyEvent;

/** Ids a poll returned (`polled`) and ids only a push showed (`pushed`), with their times. */
function ledgerOf(polled: Array<[number, number]>, pushed: Array<[number, number]> = []) {
  const all = new Map([...polled, ...pushed]);
  const pushOnly = new Set(pushed.map(([id]) => id));
  return {
    isPolled: (id: number) => all.has(id) && !pushOnly.has(id),
    polledIds: () => polled[Symbol.iterator](),
  };
}

describe('WindowKnowledge', () => {
  it('counts as known the polled ids certainly inside [from, until]: from + 1 s to before until', () => {
    const from = T;
    const until = T + 60_000;
    const ledger = ledgerOf(
      [
        [1, T], // the first second: the API may or may not include it
        [2, T + 999],
        [3, T + 1000], // certainly inside
        [4, T + 59_999], // certainly inside
        [5, T + 60_000], // the last second: may or may not be included
        [6, T - 1],
      ],
      [[7, T + 30_000]] // only a push showed it: the API may not yet
    );
    const k = new WindowKnowledge(from, until, ledger);
    expect(k.known).toBe(2);
    k.total(4);
    expect(k.unseen).toBe(2);
    // The window's answers return the edge events (and the pushed one): now known.
    k.add([event(1, T), event(5, T + 60_000), event(7, T + 30_000), event(3, T + 1000)]);
    expect(k.known).toBe(5);
    expect(k.unseen).toBe(-1);
  });

  it('counts an event returned twice once, and refused items once per page', () => {
    const k = new WindowKnowledge(T, T + 60_000, ledgerOf([]));
    k.add([event(10, T + 5000), event(11, T + 6000)]);
    k.add([event(10, T + 5000)]);
    k.refusedOn(1, 2);
    k.refusedOn(1, 2);
    k.refusedOn(2, 1);
    expect(k.known).toBe(5);
  });

  it('takes the largest count; one that changes says so, one that falls says events vanished', () => {
    const k = new WindowKnowledge(T, T + 60_000, ledgerOf([]));
    k.total(10);
    k.total(10);
    expect({ changed: k.changed, shrank: k.shrank, unseen: k.unseen }).toEqual({
      changed: false,
      shrank: false,
      unseen: 10,
    });
    k.total(12);
    k.total(11);
    expect({ changed: k.changed, shrank: k.shrank, unseen: k.unseen }).toEqual({
      changed: true,
      shrank: true,
      unseen: 12,
    });
  });
});

describe('shortenedUntil', () => {
  const W = Date.parse('2026-09-01T10:00:00Z');
  it.each([
    // [until, events past the watermark, bound, expected end]
    [W + 3_600_000, 20_000, 20_000, W + 3_600_000],
    [W + 3_600_000, 40_000, 20_000, W + 1_800_000],
    [W + 3_600_000, 3_000_000, 20_000, W + 24_000],
    [W + 3_600_000, 1e12, 20_000, W + 1000],
    [W + 1000, 1e6, 10, W + 1000],
  ])('until %d with %d events past the watermark and a bound of %d ends at %d', (until, past, bound, end) => {
    expect(shortenedUntil(W, until, past, bound)).toBe(end);
  });
});
