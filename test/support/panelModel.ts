/**
 * A trivial model of what a panel of the explorer dashboard asks for and shows, independent of the plugin's
 * code: the expectations of the dashboard tests (Jest and browser) come from the simulator's API read with
 * this filter.
 */
import type { EventFilter } from '@emnify-events/client';

/** The variable values of one run: a value, or undefined for "All" / an empty text box. */
export type Choice = Partial<Record<string, string>>;

/** A saved target's filters: each `$variable` replaced by the chosen value, a field whose variable is "All" or empty left out. */
export function expectedFilter(target: Record<string, unknown>, choice: Choice): EventFilter {
  const value = (text: unknown): string | undefined => {
    const raw = Array.isArray(text) ? text[0] : text;
    if (typeof raw !== 'string' || raw === '') {
      return undefined;
    }
    const variable = /^\$(\w+)$/.exec(raw)?.[1];
    return variable ? choice[variable] : raw;
  };
  const filter: Record<string, unknown> = {};
  const numeric: Array<[string, string]> = [
    ['eventTypes', 'type'],
    ['severity', 'severity'],
    ['source', 'source'],
  ];
  for (const [key, name] of numeric) {
    const v = value(target[key]);
    if (v) {
      filter[name] = Number(v);
    }
  }
  for (const key of ['endpoint', 'iccid']) {
    const v = value(target[key]);
    if (v) {
      filter[key] = v;
    }
  }
  return filter as EventFilter;
}

/** Events a panel shows: rows of a table or log frame, the sum of every series of counts. */
export function shownEvents(
  series: ReadonlyArray<{ length: number; fields: ReadonlyArray<{ values: unknown }> }>,
  format: unknown
): number {
  if (format === 'counts') {
    return series.reduce((sum, f) => sum + (f.fields[1]?.values as number[]).reduce((a, b) => a + b, 0), 0);
  }
  return series[0]?.length ?? 0;
}
