/** The frame builders' exact output: field names, types, values, labels and meta for every format. */
import { EmnifyEvent, EventTypeNames, RawEvent } from '@emnify-events/client';
import { DataFrameType, FieldType } from '@grafana/data';
import { annotationFrame, countFrames, logsFrame, tableFrame } from './eventFrames';

const T = Date.UTC(2026, 3, 1, 12, 0, 0);
const base = { timestamp: '', sourceId: 0, severityId: 0, raw: {} as RawEvent };

const full: EmnifyEvent = {
  ...base,
  id: 351732524384257,
  time: T,
  alert: true,
  description: 'PDP context created',
  typeId: 1,
  typeDescription: 'Update location',
  sourceName: 'Network',
  severityName: 'INFO',
  endpoint: { id: 7, name: 'truck-7', ipAddress: '', tags: '', imei: '' },
  sim: { id: 3, iccid: '8988303000000000007' },
  imsi: { id: 4, imsi: '901430000000007' },
  network: { operatorName: 'Telekom', countryName: 'Germany', countryIso: 'DE', mcc: '262', mnc: ['01'], tapcodes: [] },
};
const bare: EmnifyEvent = {
  ...base,
  id: 351732524384300,
  time: T + 90_000,
  alert: false,
  description: '',
  typeId: 77,
  typeDescription: 'Brand new type',
  sourceName: 'API',
  severityName: 'WARN',
};
const odd: EmnifyEvent = {
  ...base,
  id: 351732524384999,
  time: T + 150_000,
  alert: false,
  description: 'Quota exceeded',
  typeId: 1,
  typeDescription: 'Update location',
  sourceName: 'Policy Control',
  severityName: 'NOTICE',
  endpoint: { id: 8, name: '', ipAddress: '', tags: '', imei: '' },
  network: { operatorName: '', countryName: '', countryIso: '', mcc: '', mnc: [], tapcodes: [] },
};
const events = [full, bare, odd];
const types = new EventTypeNames([{ id: 1, description: 'Update Location' }]);

const valuesOf = (frame: { fields: Array<{ name: string; type: FieldType; values: unknown[] }> }) =>
  Object.fromEntries(frame.fields.map((f) => [f.name, { type: f.type, values: f.values }]));

describe('event frames', () => {
  it('logs: one line per event with level, id as text and the labels that are set', () => {
    const frame = logsFrame(events, types, 'A');
    expect(frame).toMatchObject({
      refId: 'A',
      name: 'emnify events',
      length: 3,
      meta: { type: DataFrameType.LogLines, preferredVisualisationType: 'logs' },
    });
    expect(valuesOf(frame)).toEqual({
      timestamp: { type: FieldType.time, values: [T, T + 90_000, T + 150_000] },
      body: { type: FieldType.string, values: ['PDP context created', '', 'Quota exceeded'] },
      severity: { type: FieldType.string, values: ['info', 'warning', 'unknown'] },
      id: { type: FieldType.string, values: ['351732524384257', '351732524384300', '351732524384999'] },
      labels: {
        type: FieldType.other,
        values: [
          {
            type: 'Update Location',
            severity: 'INFO',
            source: 'Network',
            endpoint: 'truck-7',
            iccid: '8988303000000000007',
            imsi: '901430000000007',
            operator: 'Telekom',
            country: 'DE',
            country_name: 'Germany',
            alert: 'true',
          },
          { type: 'Brand new type', severity: 'WARN', source: 'API' },
          { type: 'Update Location', severity: 'NOTICE', source: 'Policy Control' },
        ],
      },
    });
  });

  it('table: thirteen columns, empty text where a part is missing', () => {
    const frame = tableFrame(events, types, 'B');
    expect(frame).toMatchObject({
      refId: 'B',
      name: 'emnify events',
      length: 3,
      meta: { preferredVisualisationType: 'table' },
    });
    expect(frame.fields.map((f) => f.name)).toEqual([
      'Time',
      'Severity',
      'Type',
      'Source',
      'Description',
      'Endpoint',
      'ICCID',
      'Operator',
      'Country',
      'Alert',
      'ID',
      'IMSI',
      'Country name',
    ]);
    expect(valuesOf(frame)).toEqual({
      Time: { type: FieldType.time, values: [T, T + 90_000, T + 150_000] },
      Severity: { type: FieldType.string, values: ['INFO', 'WARN', 'NOTICE'] },
      Type: { type: FieldType.string, values: ['Update Location', 'Brand new type', 'Update Location'] },
      Source: { type: FieldType.string, values: ['Network', 'API', 'Policy Control'] },
      Description: { type: FieldType.string, values: ['PDP context created', '', 'Quota exceeded'] },
      Endpoint: { type: FieldType.string, values: ['truck-7', '', ''] },
      ICCID: { type: FieldType.string, values: ['8988303000000000007', '', ''] },
      IMSI: { type: FieldType.string, values: ['901430000000007', '', ''] },
      Operator: { type: FieldType.string, values: ['Telekom', '', ''] },
      Country: { type: FieldType.string, values: ['DE', '', ''] },
      Alert: { type: FieldType.boolean, values: [true, false, false] },
      ID: { type: FieldType.string, values: ['351732524384257', '351732524384300', '351732524384999'] },
      'Country name': { type: FieldType.string, values: ['Germany', '', ''] },
    });
  });

  it('table: shows the country as the exporter labels it (ISO code), its name from the one country table', () => {
    const event = (countryIso: string, countryName: string) =>
      ({ ...events[0], network: { ...events[0].network!, countryIso, countryName } }) as EmnifyEvent;
    // The event's own name ("Deutschland") gives way to the table's; a code the table lacks keeps the event's name.
    const frame = tableFrame(
      [event('DE', 'Deutschland'), event('GB', 'United Kingdom'), event('QQ', 'Atlantis')],
      types,
      'B'
    );
    expect(valuesOf(frame).Country.values).toEqual(['DE', 'GB', 'QQ']);
    expect(valuesOf(frame)['Country name'].values).toEqual(['Germany', 'United Kingdom', 'Atlantis']);
  });

  it('table: lays columns out for Grafana’s table panel, ids at their full width, varying text wrapped', () => {
    const frame = tableFrame(events, types, 'B');
    expect(Object.fromEntries(frame.fields.map((f) => [f.name, f.config.custom]))).toEqual({
      Time: { width: 160 },
      Severity: { width: 84 },
      Type: { minWidth: 96, wrapText: true },
      Source: { width: 84, wrapText: true },
      Description: { minWidth: 176, wrapText: true },
      Endpoint: { minWidth: 90, wrapText: true },
      ICCID: { width: 184 },
      Operator: { minWidth: 80, wrapText: true },
      Country: { width: 72 },
      Alert: { width: 56 },
      ID: { width: 148 },
      IMSI: { width: 148 },
      'Country name': { minWidth: 120, wrapText: true },
    });
  });

  it('counts: zero-filled buckets per group, sorted by group, events outside the range dropped', () => {
    const outside = { ...bare, id: 1, time: T + 3_600_000 };
    const frames = countFrames([...events, outside], types, { from: T + 10_000, to: T + 200_000 }, 60_000, 'type', 'C');
    expect(frames.map((f) => f.name)).toEqual(['Brand new type', 'Update Location']);
    const [brandNew, update] = frames;
    expect(brandNew.meta).toEqual({ type: DataFrameType.TimeSeriesMulti });
    expect(brandNew.fields[0]).toMatchObject({
      name: 'Time',
      type: FieldType.time,
      values: [T, T + 60_000, T + 120_000, T + 180_000],
      config: { interval: 60_000 },
    });
    expect(brandNew.fields[1]).toMatchObject({
      name: 'Value',
      type: FieldType.number,
      values: [0, 1, 0, 0],
      labels: { type: 'Brand new type' },
      config: { displayNameFromDS: 'Brand new type', decimals: 0 },
    });
    expect(update.fields[1].values).toEqual([1, 0, 1, 0]);
    expect(frames.every((f) => f.refId === 'C' && f.length === 4)).toBe(true);
  });

  it('counts: groups by country and operator name ("none" when empty), unlabelled when not grouped', () => {
    const range = { from: T, to: T + 200_000 };
    expect(countFrames(events, types, range, 60_000, 'country', 'A').map((f) => [f.name, f.fields[1].values])).toEqual([
      ['DE', [1, 0, 0, 0]],
      ['none', [0, 1, 1, 0]],
    ]);
    expect(countFrames(events, types, range, 60_000, 'operator', 'A').map((f) => f.name)).toEqual(['none', 'Telekom']);
    const [all] = countFrames(events, types, range, 500, 'none', 'A');
    expect(all.name).toBe('events');
    expect(all.fields[1].labels).toEqual({});
    expect(all.fields[0].config.interval).toBe(1000);
    expect(all.length).toBe(201);
  });

  it('counts: one series of zeros when nothing happened (a panel shows 0, not "No data")', () => {
    const frames = countFrames([], types, { from: T, to: T + 200_000 }, 60_000, 'type', 'A');
    expect(frames.map((f) => [f.name, f.fields[1].labels, f.fields[1].values])).toEqual([['events', {}, [0, 0, 0, 0]]]);
  });

  it('annotations: titled by severity and type, text joined from the parts that exist, tags without gaps', () => {
    const frame = annotationFrame(events, types, 'D');
    expect(frame).toMatchObject({ refId: 'D', name: 'emnify annotations', length: 3 });
    expect(valuesOf(frame)).toEqual({
      time: { type: FieldType.time, values: [T, T + 90_000, T + 150_000] },
      title: {
        type: FieldType.string,
        values: ['INFO: Update Location', 'WARN: Brand new type', 'NOTICE: Update Location'],
      },
      text: {
        type: FieldType.string,
        values: [
          'PDP context created · Endpoint truck-7 · ICCID 8988303000000000007',
          '',
          'Quota exceeded · Endpoint ',
        ],
      },
      tags: {
        type: FieldType.other,
        values: [
          ['Update Location', 'INFO', 'truck-7', 'DE'],
          ['Brand new type', 'WARN'],
          ['Update Location', 'NOTICE'],
        ],
      },
    });
  });
});
