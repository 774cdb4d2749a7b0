/** Label sets of the count metrics, minus the labels the user dropped (`--labels.drop`). Pure. */
import { DroppableLabel } from '../config';
import { keyValues } from '../labels';

export function keptLabels<T extends string>(names: readonly T[], dropped: readonly DroppableLabel[]): T[] {
  return names.filter((n) => !(dropped as readonly string[]).includes(n));
}

/** The values of a count key at the kept label names (a dropped label's series add up into one). */
export function labelsOf(key: string, names: readonly string[], kept: readonly string[]): Record<string, string> {
  const values = keyValues(key);
  const labels: Record<string, string> = {};
  names.forEach((n, i) => {
    if (kept.includes(n)) {
      labels[n] = values[i] ?? '';
    }
  });
  return labels;
}
