/**
 * Time slices of the gateway's cache (pure arithmetic). Slices are aligned on multiples of SLICE_MS
 * since the epoch, `[i·SLICE_MS, (i+1)·SLICE_MS)`. A slice is *sealable* once its end lies a late-event
 * horizon (the poller's overlap plus its settle time) in the past: every event timestamped in it is
 * visible by then, so a copy read after that moment never changes again (../../README.md, "Events
 * gateway").
 */

/** 5 minutes: the newest, unsealed part of a range spans the horizon plus at most one slice. */
export const SLICE_MS = 5 * 60_000;

export const sliceOf = (time: number): number => Math.floor(time / SLICE_MS);
export const sliceStart = (slice: number): number => slice * SLICE_MS;

/** Whether a copy of `slice` read at `at` holds every event it will ever hold. */
export function isSealable(slice: number, at: number, horizonMs: number): boolean {
  return sliceStart(slice + 1) + horizonMs <= at;
}

export interface SliceRun {
  first: number;
  last: number;
  /** Every slice of the run is sealable at the time the run was planned. */
  sealable: boolean;
}

/**
 * Consecutive slices as runs to read with one query each: maximal runs of consecutive indices, split
 * where sealability changes, so a sealed copy never comes from a reading that also covered time in
 * which events still appear. `slices` ascending.
 */
export function runsOf(slices: readonly number[], at: number, horizonMs: number): SliceRun[] {
  const runs: SliceRun[] = [];
  for (const slice of slices) {
    const sealable = isSealable(slice, at, horizonMs);
    const run = runs[runs.length - 1];
    if (run && run.last === slice - 1 && run.sealable === sealable) {
      run.last = slice;
    } else {
      runs.push({ first: slice, last: slice, sealable });
    }
  }
  return runs;
}
