/** Helpers for the exporter's tests: compare counters with the simulator's ground truth. */
import {
  EVENT_SEVERITY_NAMES,
  EVENT_SOURCE_NAMES,
  EventSeverity,
  EventSource,
  EventTypeNames,
} from '@emnify-events/client';
import type { GroundTruth } from '@emnify-events/simulator';
import { Counts } from '../src/counts';
import { labelKey } from '../src/labels';

/** The ground truth as the exporter's count maps would hold it. */
export function truthAsCounts(
  truth: GroundTruth,
  types: EventTypeNames
): { events: Record<string, number>; volume: Record<string, number> } {
  const events: Record<string, number> = {};
  for (const l of truth.byLabels) {
    const key = labelKey([
      types.nameOf(l.typeId, `type ${l.typeId}`),
      EVENT_SEVERITY_NAMES[l.severityId as EventSeverity],
      EVENT_SOURCE_NAMES[l.sourceId as EventSource],
      l.countryIso,
      l.operator,
    ]);
    events[key] = (events[key] ?? 0) + l.count;
  }
  const volume: Record<string, number> = {};
  for (const v of truth.volumeBytes) {
    if (v.rx > 0) {
      volume[labelKey(['rx', v.countryIso, v.operator])] = v.rx;
    }
    if (v.tx > 0) {
      volume[labelKey(['tx', v.countryIso, v.operator])] = v.tx;
    }
  }
  return { events, volume };
}

export function countsAsRecords(counts: Counts): { events: Record<string, number>; volume: Record<string, number> } {
  const nonZero = (m: Map<string, number>) => Object.fromEntries([...m.entries()].filter(([, v]) => v > 0));
  return { events: nonZero(counts.events), volume: nonZero(counts.volume) };
}
