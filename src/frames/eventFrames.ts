/** Normalised emnify events → Grafana data frames: logs, table, counts over time, annotations. Pure. */
import { EmnifyEvent, EventTypeNames } from '@emnify-events/client';
import { DataFrame, DataFrameType, FieldType, createDataFrame } from '@grafana/data';
import { countryName } from '../query/countries';
import { CountGrouping } from '../types';

const LOG_LEVEL: Record<string, string> = { INFO: 'info', WARN: 'warning', CRITICAL: 'critical' };

function typeName(e: EmnifyEvent, types: EventTypeNames): string {
  return types.nameOf(e.typeId, e.typeDescription);
}

/**
 * Every builder below reads each event once and fills its columns by index: a list of events is large
 * (maxPages × pageSize) and scattered in memory, and one `events.map` per column cost up to three times
 * as much (the table's twelve columns; BENCHMARKS.md, figure 6).
 */
export function logsFrame(events: EmnifyEvent[], types: EventTypeNames, refId: string): DataFrame {
  const n = events.length;
  const timestamp = new Array<number>(n);
  const body = new Array<string>(n);
  const severity = new Array<string>(n);
  const id = new Array<string>(n);
  const labels = new Array<Record<string, string>>(n);
  for (let i = 0; i < n; i++) {
    const e = events[i];
    timestamp[i] = e.time;
    body[i] = e.description;
    severity[i] = LOG_LEVEL[e.severityName] ?? 'unknown';
    id[i] = String(e.id);
    labels[i] = logLabels(e, types);
  }
  return createDataFrame({
    refId,
    name: 'emnify events',
    meta: { type: DataFrameType.LogLines, preferredVisualisationType: 'logs' },
    fields: [
      { name: 'timestamp', type: FieldType.time, values: timestamp },
      { name: 'body', type: FieldType.string, values: body },
      { name: 'severity', type: FieldType.string, values: severity },
      { name: 'id', type: FieldType.string, values: id },
      { name: 'labels', type: FieldType.other, values: labels },
    ],
  });
}

/**
 * Type, severity and source, then whichever of endpoint, ICCID, IMSI, operator, country (the ISO code, as
 * the exporter's label; its name beside it) and alert are set.
 */
function logLabels(e: EmnifyEvent, types: EventTypeNames): Record<string, string> {
  const labels: Record<string, string> = { type: typeName(e, types), severity: e.severityName, source: e.sourceName };
  if (e.endpoint?.name) {
    labels.endpoint = e.endpoint.name;
  }
  if (e.sim?.iccid) {
    labels.iccid = e.sim.iccid;
  }
  if (e.imsi?.imsi) {
    labels.imsi = e.imsi.imsi;
  }
  if (e.network?.operatorName) {
    labels.operator = e.network.operatorName;
  }
  if (e.network?.countryIso) {
    labels.country = e.network.countryIso;
    labels.country_name = countryName(e.network.countryIso) || e.network.countryName;
  }
  if (e.alert) {
    labels.alert = 'true';
  }
  return labels;
}

/**
 * The table's columns and how Grafana's table panel lays them out (TableNG reads `custom.width`,
 * `custom.minWidth` and `custom.wrapText` from the frame's field config; a panel's own overrides win).
 * Ids and codes get exactly the width of their digits (Inter 14 px, 6 px padding each side); text that
 * varies (type, source, description, endpoint, operator) wraps and shares the rest. Everything up to ID
 * fits a full-width panel on a 1280 px screen (1230 px); IMSI and the country's name, needed least, come last.
 * Country is the ISO code, as the exporter's `country` label and the filters take it (query/countries.ts).
 */
type Column = [name: string, type: FieldType, custom: { width?: number; minWidth?: number; wrapText?: boolean }];
const TABLE_COLUMNS: readonly Column[] = [
  ['Time', FieldType.time, { width: 160 }],
  ['Severity', FieldType.string, { width: 84 }],
  ['Type', FieldType.string, { minWidth: 96, wrapText: true }],
  ['Source', FieldType.string, { width: 84, wrapText: true }],
  ['Description', FieldType.string, { minWidth: 176, wrapText: true }],
  ['Endpoint', FieldType.string, { minWidth: 90, wrapText: true }],
  ['ICCID', FieldType.string, { width: 184 }],
  ['Operator', FieldType.string, { minWidth: 80, wrapText: true }],
  ['Country', FieldType.string, { width: 72 }],
  ['Alert', FieldType.boolean, { width: 56 }],
  ['ID', FieldType.string, { width: 148 }],
  ['IMSI', FieldType.string, { width: 148 }],
  ['Country name', FieldType.string, { minWidth: 120, wrapText: true }],
];

export function tableFrame(events: EmnifyEvent[], types: EventTypeNames, refId: string): DataFrame {
  const n = events.length;
  const [time, severity, type, source, description, endpoint, iccid, operator, country, alert, id, imsi, name] =
    TABLE_COLUMNS.map(() => new Array<unknown>(n));
  for (let i = 0; i < n; i++) {
    const e = events[i];
    time[i] = e.time;
    severity[i] = e.severityName;
    type[i] = typeName(e, types);
    source[i] = e.sourceName;
    description[i] = e.description;
    endpoint[i] = e.endpoint?.name ?? '';
    iccid[i] = e.sim?.iccid ?? '';
    imsi[i] = e.imsi?.imsi ?? '';
    operator[i] = e.network?.operatorName ?? '';
    country[i] = e.network?.countryIso ?? '';
    name[i] = e.network ? countryName(e.network.countryIso) || e.network.countryName : '';
    alert[i] = e.alert;
    id[i] = String(e.id);
  }
  const values = [time, severity, type, source, description, endpoint, iccid, operator, country, alert, id, imsi, name];
  return createDataFrame({
    refId,
    name: 'emnify events',
    meta: { preferredVisualisationType: 'table' },
    fields: TABLE_COLUMNS.map(([name, fieldType, custom], k) => ({
      name,
      type: fieldType,
      values: values[k],
      config: { custom },
    })),
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
 * interval), one frame per group, zero-filled so every series spans the whole range; one unlabelled
 * series `events` of zeros when there is no event.
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
  const nothing = series.size === 0;
  if (nothing) {
    // Nothing happened: one series of zeros, so a panel shows 0 rather than "No data".
    series.set('events', new Array<number>(buckets).fill(0));
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
          {
            name: 'Value',
            type: FieldType.number,
            values: counts,
            labels: groupBy === 'none' || nothing ? {} : { [groupBy]: group },
            // Counts are whole numbers: no decimals on axes, legends or stats.
            config: { displayNameFromDS: group, decimals: 0 },
          },
        ],
      })
    );
}

/** Annotations: one per event, titled by type, tagged with type, severity, endpoint and country. */
export function annotationFrame(events: EmnifyEvent[], types: EventTypeNames, refId: string): DataFrame {
  const n = events.length;
  const time = new Array<number>(n);
  const title = new Array<string>(n);
  const text = new Array<string>(n);
  const tags = new Array<string[]>(n);
  for (let i = 0; i < n; i++) {
    const e = events[i];
    const type = typeName(e, types);
    time[i] = e.time;
    title[i] = `${e.severityName}: ${type}`;
    // The description, endpoint and ICCID that exist, joined by " · ".
    let t = e.description;
    if (e.endpoint) {
      t = t ? `${t} · Endpoint ${e.endpoint.name}` : `Endpoint ${e.endpoint.name}`;
    }
    if (e.sim) {
      t = t ? `${t} · ICCID ${e.sim.iccid}` : `ICCID ${e.sim.iccid}`;
    }
    text[i] = t;
    // Type, severity, endpoint and country, the empty ones left out.
    const tagList = type ? [type] : [];
    if (e.severityName) {
      tagList.push(e.severityName);
    }
    if (e.endpoint?.name) {
      tagList.push(e.endpoint.name);
    }
    if (e.network?.countryIso) {
      tagList.push(e.network.countryIso);
    }
    tags[i] = tagList;
  }
  return createDataFrame({
    refId,
    name: 'emnify annotations',
    fields: [
      { name: 'time', type: FieldType.time, values: time },
      { name: 'title', type: FieldType.string, values: title },
      { name: 'text', type: FieldType.string, values: text },
      { name: 'tags', type: FieldType.other, values: tags },
    ],
  });
}
