/**
 * The count check's bookkeeping (windowCheck.ts) on literal cases: which known events count for a window
 * whatever the API does at its edges, pushes, events returned twice, refused items, counts that change.
 */
import { EmnifyEvent } from '@emnify-events/client';
import { FromEdge, WindowKnowledge, shortenedUntil } from './windowCheck';

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

describe('FromEdge', () => {
  const from = T;

  it('trusts nothing until an answer returned an event of a first second, then the smallest offset seen', () => {
    const edge = new FromEdge();
    expect({ trusted: edge.trusted, certainFrom: edge.certainFrom(from) }).toEqual({
      trusted: false,
      certainFrom: T + 1000,
    });
    // Events outside the first second teach nothing.
    edge.learn(from, [event(1, T - 1), event(2, T + 1000)]);
    expect(edge.trusted).toBe(false);
    edge.learn(from, [event(3, T + 420), event(4, T + 900)]);
    expect(edge.certainFrom(from)).toBe(T + 420);
    // Another window's first second: the offset into it counts.
    edge.learn(T + 60_000, [event(5, T + 60_037)]);
    expect(edge.certainFrom(from)).toBe(T + 37);
    expect(edge.certainFrom(T + 5000)).toBe(T + 5037);
  });

  it('skips the oldest page only when no polled id lies in the first second before the certain part', () => {
    const edge = new FromEdge();
    edge.learn(from, [event(1, T + 200)]);
    expect(
      edge.skipsOldestPage(
        from,
        ledgerOf([
          [2, T + 200],
          [3, T + 999],
          [4, T - 1],
        ])
      )
    ).toBe(true);
    expect(edge.skipsOldestPage(from, ledgerOf([[2, T + 199]]))).toBe(false);
    expect(edge.skipsOldestPage(from, ledgerOf([[2, T]]))).toBe(false);
  });

  it('is distrusted by a whole first second that leaves out a polled id at or after the offset', () => {
    const edge = new FromEdge();
    edge.learn(from, [event(1, T + 200)]);
    const ledger = ledgerOf([[7, T + 300]]);
    // A page that does not show the first second whole proves nothing.
    expect(edge.check(from, [event(8, T + 250)], false, ledger)).toBe(false);
    expect(edge.trusted).toBe(true);
    // One that holds it: id 7 there is fine; left out, the cut is not what it seemed.
    expect(edge.check(from, [event(7, T + 300), event(9, T + 1500)], true, ledger)).toBe(false);
    expect(edge.check(from, [event(9, T + 1500)], true, ledger)).toBe(true);
    expect({ trusted: edge.trusted, certainFrom: edge.certainFrom(from) }).toEqual({
      trusted: false,
      certainFrom: T + 1000,
    });
    // For good: learning again does not bring it back.
    edge.learn(from, [event(10, T)]);
    expect(edge.trusted).toBe(false);
  });

  it('a window with a certain part from the offset counts the polled ids of its first second from there', () => {
    const ledger = ledgerOf([
      [1, T + 99],
      [2, T + 100],
      [3, T + 5000],
    ]);
    const k = new WindowKnowledge(T, T + 60_000, ledger, T + 100);
    expect(k.known).toBe(2);
    expect(k.inside(T + 99)).toBe(false);
  });
});
