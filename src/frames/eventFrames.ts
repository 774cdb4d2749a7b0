/** Normalised emnify events → Grafana data frames: logs, table, counts over time, annotations. Pure. */
import { EmnifyEvent, EventTypeNames } from '@emnify-events/client';
import { DataFrame, DataFrameType, FieldType, createDataFrame } from '@grafana/data';
import { CountGrouping } from '../types';

const LOG_LEVEL: Record<string, string> = { INFO: 'info', WARN: 'warning', CRITICAL: 'critical' };

function typeName(e: EmnifyEvent, types: EventTypeNames): string {
  return types.nameOf(e.typeId, e.typeDescription);
}

export function logsFrame(events: EmnifyEvent[], types: EventTypeNames, refId: string): DataFrame {
  return createDataFrame({
    refId,
    name: 'emnify events',
    meta: { type: DataFrameType.LogLines, preferredVisualisationType: 'logs' },
    fields: [
      { name: 'timestamp', type: FieldType.time, values: events.map((e) => e.time) },
      { name: 'body', type: FieldType.string, values: events.map((e) => e.description) },
      { name: 'severity', type: FieldType.string, values: events.map((e) => LOG_LEVEL[e.severityName] ?? 'unknown') },
      { name: 'id', type: FieldType.string, values: events.map((e) => String(e.id)) },
      {
        name: 'labels',
        type: FieldType.other,
        values: events.map((e) => {
          const labels: Record<string, string> = { type: typeName(e, types), severity: e.severityName, source: e.sourceName };
          const add = (k: string, v: string | undefined) => {
            if (v) {
              labels[k] = v;
            }
          };
          add('endpoint', e.endpoint?.name);
          add('iccid', e.sim?.iccid);
          add('imsi', e.imsi?.imsi);
          add('operator', e.network?.operatorName);
          add('country', e.network?.countryIso);
          add('alert', e.alert ? 'true' : undefined);
          return labels;
        }),
      },
    ],
  });
}

export function tableFrame(events: EmnifyEvent[], types: EventTypeNames, refId: string): DataFrame {
  const col = (name: string, type: FieldType, pick: (e: EmnifyEvent) => unknown) => ({ name, type, values: events.map(pick) });
  return createDataFrame({
    refId,
    name: 'emnify events',
    meta: { preferredVisualisationType: 'table' },
    fields: [
      col('Time', FieldType.time, (e) => e.time),
      col('Severity', FieldType.string, (e) => e.severityName),
      col('Type', FieldType.string, (e) => typeName(e, types)),
      col('Source', FieldType.string, (e) => e.sourceName),
      col('Description', FieldType.string, (e) => e.description),
      col('Endpoint', FieldType.string, (e) => e.endpoint?.name ?? ''),
      col('ICCID', FieldType.string, (e) => e.sim?.iccid ?? ''),
      col('IMSI', FieldType.string, (e) => e.imsi?.imsi ?? ''),
      col('Operator', FieldType.string, (e) => e.network?.operatorName ?? ''),
      col('Country', FieldType.string, (e) => e.network?.countryIso ?? ''),
      col('Alert', FieldType.boolean, (e) => e.alert),
      col('ID', FieldType.string, (e) => String(e.id)),
    ],
  });
}

function groupOf(e: EmnifyEvent, groupBy: CountGrouping, types: EventTypeNames): string {
  switch (groupBy) {
    case 'type':
      return typeName(e, types);
    case 'severity':
      return e.severityName;
    case 'source':
      return e.sourceName;
    case 'country':
      return e.network?.countryIso || 'none';
    case 'operator':
      return e.network?.operatorName || 'none';
    default:
      return 'events';
  }
}

/**
 * Events counted in buckets of `intervalMs` from `from` to `to` (bucket starts aligned to the
 * interval), one frame per group, zero-filled so every series spans the whole range.
 */
export function countFrames(
  events: EmnifyEvent[],
  types: EventTypeNames,
  range: { from: number; to: number },
  intervalMs: number,
  groupBy: CountGrouping,
  refId: string
): DataFrame[] {
  const step = Math.max(1000, intervalMs);
  const start = Math.floor(range.from / step) * step;
  const buckets = Math.max(1, Math.floor((range.to - start) / step) + 1);
  const series = new Map<string, number[]>();
  for (const e of events) {
    const index = Math.floor((e.time - start) / step);
    if (index < 0 || index >= buckets) {
      continue;
    }
    const group = groupOf(e, groupBy, types);
    let counts = series.get(group);
    if (!counts) {
      counts = new Array<number>(buckets).fill(0);
      series.set(group, counts);
    }
    counts[index]++;
  }
  const times = Array.from({ length: buckets }, (_, i) => start + i * step);
  return [...series.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([group, counts]) =>
      createDataFrame({
        refId,
        name: group,
        meta: { type: DataFrameType.TimeSeriesMulti },
        fields: [
          { name: 'Time', type: FieldType.time, values: times, config: { interval: step } },
          { name: 'Value', type: FieldType.number, values: counts, labels: groupBy === 'none' ? {} : { [groupBy]: group }, config: { displayNameFromDS: group } },
        ],
      })
    );
}

/** Annotations: one per event, titled by type, tagged with type, severity, endpoint and country. */
export function annotationFrame(events: EmnifyEvent[], types: EventTypeNames, refId: string): DataFrame {
  return createDataFrame({
    refId,
    name: 'emnify annotations',
    fields: [
      { name: 'time', type: FieldType.time, values: events.map((e) => e.time) },
      { name: 'title', type: FieldType.string, values: events.map((e) => `${e.severityName}: ${typeName(e, types)}`) },
      {
        name: 'text',
        type: FieldType.string,
        values: events.map((e) => [e.description, e.endpoint ? `Endpoint ${e.endpoint.name}` : '', e.sim ? `ICCID ${e.sim.iccid}` : ''].filter(Boolean).join(' · ')),
      },
      {
        name: 'tags',
        type: FieldType.other,
        values: events.map((e) => [typeName(e, types), e.severityName, e.endpoint?.name, e.network?.countryIso].filter((t): t is string => !!t)),
      },
    ],
  });
}
