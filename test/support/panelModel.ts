/**
 * A trivial model of what a panel of the explorer dashboard asks for and shows, independent of the plugin's
 * code: the expectations of the dashboard tests (Jest and browser) come from the simulator's API read with
 * this filter.
 */
import type { EventFilter } from '@emnify-events/client';

/** The variable values of one run: a value or values, or undefined for "All" / an empty text box. */
export type Choice = Partial<Record<string, string | string[]>>;

/**
 * What the API needs that a dashboard shows differently, from a truth the plugin's code does not hold
 * (the simulator's lookup and countries): a type's id for its name, a country's name for its ISO code.
 */
export interface ApiSpelling {
  typeId?: (name: string) => number;
  countryName?: (iso: string) => string;
}

/** A saved target's filters: each `$variable` replaced by the chosen value(s), a field whose variable is "All" or empty left out. */
export function expectedFilter(
  target: Record<string, unknown>,
  choice: Choice,
  spelling: ApiSpelling = {}
): EventFilter {
  const values = (saved: unknown): string[] => {
    const entries = Array.isArray(saved) ? saved : [saved];
    return entries.flatMap((raw) => {
      if (typeof raw !== 'string' || raw === '') {
        return [];
      }
      const variable = /^\$(\w+)$/.exec(raw)?.[1];
      const value = variable ? choice[variable] : raw;
      return value === undefined ? [] : Array.isArray(value) ? value : [value];
    });
  };
  const need = <T>(f: T | undefined, what: string): T => {
    if (!f) {
      throw new Error(`the panel model needs ${what}`);
    }
    return f;
  };
  const filter: EventFilter = {};
  const types = values(target.eventTypes);
  if (types.length > 0) {
    filter.type = types.map((t) => (/^\d+$/.test(t) ? Number(t) : need(spelling.typeId, 'type ids')(t)));
  }
  for (const key of ['severity', 'source'] as const) {
    const [v] = values(target[key]);
    if (v !== undefined) {
      filter[key] = Number(v);
    }
  }
  const [alert] = values(target.alert);
  if (alert !== undefined) {
    filter.alert = alert === 'true';
  }
  const countries = values(target.country);
  if (countries.length > 0) {
    filter.country = countries.map(need(spelling.countryName, 'country names'));
  }
  for (const [key, name] of [
    ['endpoint', 'endpoint'],
    ['iccid', 'iccid'],
    ['network', 'network'],
  ] as const) {
    const v = values(target[key]);
    if (v.length > 0) {
      filter[name] = v;
    }
  }
  return filter;
}

/** Events a panel shows: rows of a table or log frame, the sum of every series of counts, the total's number. */
export function shownEvents(
  series: ReadonlyArray<{ length: number; fields: ReadonlyArray<{ values: unknown }> }>,
  format: unknown
): number {
  if (format === 'counts') {
    return series.reduce((sum, f) => sum + (f.fields[1]?.values as number[]).reduce((a, b) => a + b, 0), 0);
  }
  if (format === 'total') {
    return (series[0]?.fields[0]?.values as number[] | undefined)?.[0] ?? 0;
  }
  return series[0]?.length ?? 0;
}
