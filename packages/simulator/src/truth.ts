/** Ground truth: what the simulator has made visible, counted by the labels our software counts by. */
import type { EventRecord } from './record';

export interface GroundTruth {
  total: number;
  newestId: number | null;
  byLabels: Array<{
    typeId: number;
    severityId: number;
    sourceId: number;
    countryIso: string;
    operator: string;
    count: number;
  }>;
  /** Delete PDP Context volumes in bytes (MB × 1e6, exact integers). */
  volumeBytes: Array<{ countryIso: string; operator: string; rx: number; tx: number }>;
  /** Never present: the ground truth counts, it does not list events. */
  ids?: never;
}

export function groundTruth(records: Iterable<EventRecord>): GroundTruth {
  const counts = new Map<string, GroundTruth['byLabels'][number]>();
  const volumes = new Map<string, GroundTruth['volumeBytes'][number]>();
  let total = 0;
  let newestId: number | null = null;
  for (const r of records) {
    total++;
    newestId = newestId === null ? r.id : Math.max(newestId, r.id);
    const countryIso = r.operator ? r.operator.country.iso.toUpperCase() : '';
    const operator = r.operator?.name ?? '';
    const key = `${r.type.id}|${r.severity}|${r.source}|${countryIso}|${operator}`;
    const entry = counts.get(key) ?? {
      typeId: r.type.id,
      severityId: r.severity,
      sourceId: r.source,
      countryIso,
      operator,
      count: 0,
    };
    entry.count++;
    counts.set(key, entry);
    if (r.type.id === 5 && r.operator) {
      const vkey = `${countryIso}|${operator}`;
      const v = volumes.get(vkey) ?? { countryIso, operator, rx: 0, tx: 0 };
      v.rx += r.rxBytes;
      v.tx += r.txBytes;
      volumes.set(vkey, v);
    }
  }
  const byKey = <T extends object>(m: Map<string, T>) =>
    [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return { total, newestId, byLabels: byKey(counts), volumeBytes: byKey(volumes) };
}
