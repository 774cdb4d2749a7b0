import { SLICE_MS, isSealable, runsOf, sliceOf, sliceStart } from './slices';

const T = Date.UTC(2026, 2, 1, 12, 0, 0); // a slice boundary
const HORIZON = 310_000; // 5 min overlap + 10 s settle

describe('time slices', () => {
  it('are aligned on 5-minute multiples of the epoch', () => {
    expect(SLICE_MS).toBe(300_000);
    expect(sliceStart(sliceOf(T))).toBe(T);
    expect(sliceStart(sliceOf(T + 299_999))).toBe(T);
    expect(sliceStart(sliceOf(T + 300_000))).toBe(T + 300_000);
    expect(sliceStart(sliceOf(T - 1))).toBe(T - 300_000);
  });

  it('are sealable once their end lies the horizon in the past', () => {
    const s = sliceOf(T);
    expect(isSealable(s, T + 300_000 + HORIZON - 1, HORIZON)).toBe(false);
    expect(isSealable(s, T + 300_000 + HORIZON, HORIZON)).toBe(true);
  });

  it('group consecutive slices into runs, split where sealability changes', () => {
    const s = sliceOf(T);
    // At T + 20 min + 10 s: slices ending by T + 14 min 59.99 s... s..s+2 sealable (end ≤ now - 5 m 10 s), s+3 on not.
    const at = T + 20 * 60_000 + 10_000;
    expect(runsOf([s, s + 1, s + 2, s + 3, s + 5, s + 6], at, HORIZON)).toEqual([
      { first: s, last: s + 2, sealable: true },
      { first: s + 3, last: s + 3, sealable: false },
      { first: s + 5, last: s + 6, sealable: false },
    ]);
    expect(runsOf([], at, HORIZON)).toEqual([]);
  });
});
