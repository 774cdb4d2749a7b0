/** q / sort / paging parsing and matching, pinned to emnify-api.md §2.2, §2.4, §2.5, §2.6. Pure: no server. */
import { EVENT_TYPE_BY_ID } from './catalogue';
import { ApiFailure } from './apiErrors';
import { effectivePage, parsePaging } from './paging';
import { parseQ } from './qMatch';
import type { EventRecord } from './record';
import { parseSort, sortRecords } from './sort';
import { OPERATORS, USERS, buildWorld, iccidWithLuhn } from './world';

const world = buildWorld(1);
const [truck, meter] = [world.devices[0], world.devices[200]];
const telekom = OPERATORS.find((o) => o.name === 'Telekom')!;
const orangeFr = OPERATORS.find((o) => o.name === 'Orange France')!;

let nextId = 100;
function rec(overrides: Partial<EventRecord> & { typeId?: number } = {}): EventRecord {
  const type = EVENT_TYPE_BY_ID.get(overrides.typeId ?? 1)!;
  return {
    seq: nextId,
    id: nextId++,
    time: Date.UTC(2025, 2, 14, 9, 0, 0),
    visibleAt: 0,
    type,
    organisation: world.organisation,
    source: type.source,
    severity: type.severity,
    alert: type.alert,
    device: undefined,
    operator: undefined,
    user: undefined,
    variant: 0,
    rejected: false,
    automatic: false,
    rat: 0,
    rxBytes: 0,
    txBytes: 0,
    ...overrides,
  };
}

const records: EventRecord[] = [
  rec({ typeId: 1, device: truck, operator: telekom, time: Date.UTC(2025, 2, 14, 8, 59, 59, 999) }),
  rec({ typeId: 3, device: truck, operator: telekom, rat: 6, time: Date.UTC(2025, 2, 14, 9, 0, 0) }),
  rec({
    typeId: 5,
    device: meter,
    operator: orangeFr,
    rat: 2,
    rxBytes: 10,
    txBytes: 5,
    time: Date.UTC(2025, 2, 14, 10, 0, 0, 900),
  }),
  rec({
    typeId: 3,
    device: meter,
    rejected: true,
    source: 1,
    severity: 1,
    alert: true,
    variant: 1,
    time: Date.UTC(2025, 2, 15, 0, 0, 0),
  }),
  rec({ typeId: 6, user: USERS[0], time: Date.UTC(2025, 2, 13, 23, 59, 59) }),
  rec({ typeId: 12, severity: 2, time: Date.UTC(2025, 2, 14, 12, 0, 0) }),
  rec({ typeId: 8, device: truck, user: USERS[1], time: Date.UTC(2025, 2, 14, 11, 0, 0) }),
];

function ids(q: string): number[] {
  const { predicate } = parseQ(q);
  return records.filter((r) => !predicate || predicate(r)).map((r) => r.id);
}
const idOf = (i: number) => records[i].id;

function failure(fn: () => unknown): ApiFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiFailure) {
      return err;
    }
    throw err;
  }
  throw new Error('expected an ApiFailure');
}

const invalid = (criterion: string) => ({
  status: 422,
  body: { error_code: 1301, error_token: 'InvalidQueryCriteria', message: `Search criteria ${criterion} is invalid` },
});

describe('parseQ: matching of every field', () => {
  it('no q or an empty q: no filter', () => {
    expect(parseQ(undefined)).toEqual({ predicate: undefined, filtered: false });
    expect(parseQ('')).toEqual({ predicate: undefined, filtered: false });
  });

  it.each<[string, number[]]>([
    ['type:3', [1, 3]],
    ['type:1|5|12', [0, 2, 5]],
    ['source:1', [3, 5]],
    ['source:0', [0, 1, 2]],
    ['severity:2', [5]],
    ['severity:1', [3, 4]],
    ['alert:true', [3, 5]],
    ['alert:FALSE', [0, 1, 2, 4, 6]],
    ['description:REJECTED', [3]],
    ['description:new location received from vlr', [0]],
    ['organisation:acme', [0, 1, 2, 3, 4, 5, 6]],
    ['organisation:13886', [0, 1, 2, 3, 4, 5, 6]],
    ['organisation:Other Corp', []],
    ['organisation:1234', []],
    ['user:jane', [4]],
    ['user:max.mustermann@acme', [6]],
    [`user:${USERS[0].id}`, [4]],
    [`endpoint:${truck.name.toUpperCase()}`, [0, 1, 6]],
    [`endpoint:${truck.name}|${meter.name}`, [0, 1, 2, 3, 6]],
    [`tags:${truck.tags.split(',')[0]}`, [0, 1, 6]],
    [`ip_address:${meter.ip}`, [2, 3]],
    ['ip_address:2001:db8::1', []],
    [`imei:${truck.imei}`, [0, 1, 6]],
    [`imsi:${meter.imsi}`, [2, 3]],
    [`iccid:${truck.iccid}`, [0, 1, 6]],
    ['iccid:8988303', [0, 1, 2, 3, 6]],
    [`iccid:${truck.iccid}|${meter.iccid}`, [0, 1, 2, 3, 6]],
    [`iccid_with_luhn:${iccidWithLuhn(meter.iccid)}`, [2, 3]],
    ['timestamp:2025-03-14', [0, 1, 2, 5, 6]],
    ['from:2025-03-14T09:00:00Z,until:2025-03-14T10:00:00Z', [1, 2]],
    ['until:2025-03-14T08:59:59Z,from:2025-03-13T23:59:59Z', [0, 4]],
    ['network:telekom', [0, 1]],
    ['network:Telekom|Orange France', [0, 1, 2]],
    ['country:Germany', [0, 1]],
    ['country:germany|FRANCE', [0, 1, 2]],
    ['rat:6', [1]],
    ['rat:2|6', [1, 2]],
    ['type:3,alert:false', [1]],
    ['type:3|5,country:France', [2]],
  ])('%s', (q, expected) => {
    expect(ids(q)).toEqual(expected.map(idOf));
    expect(parseQ(q).filtered).toBe(true);
  });

  it('ICCIDs longer than 19 characters match exactly; 19 or fewer as a prefix (§2.5)', () => {
    const exact = iccidWithLuhn(truck.iccid);
    expect(exact).toHaveLength(20);
    expect(ids(`iccid_with_luhn:${exact}`)).toEqual([0, 1, 6].map(idOf));
    expect(ids(`iccid_with_luhn:${exact.slice(0, 19)}`)).toEqual([0, 1, 6].map(idOf));
    expect(ids(`iccid:${truck.iccid}0`)).toEqual([]);
  });
});

describe('parseQ: every bad criterion is a 422 InvalidQueryCriteria naming it (§2.6)', () => {
  it.each([
    ['colour:red', 'colour:red'],
    ['type', 'type'],
    [':3', ':3'],
    ['type:', 'type:'],
    ['type:abc', 'type:abc'],
    ['type:1|', 'type:1|'],
    ['type:1|2|3|4|5|6|7', 'type:1|2|3|4|5|6|7'],
    ['endpoint:a|b|c|d|e|f|g', 'endpoint:a|b|c|d|e|f|g'],
    ['source:3', 'source:3'],
    ['source:1|2', 'source:1|2'],
    ['severity:high', 'severity:high'],
    ['alert:1', 'alert:1'],
    ['ip_address:300.1.1.1', 'ip_address:300.1.1.1'],
    ['ip_address:truck', 'ip_address:truck'],
    ['imei:35776208330122AB', 'imei:35776208330122AB'],
    ['imsi:2950x', 'imsi:2950x'],
    ['iccid:8988-303', 'iccid:8988-303'],
    ['rat:lte', 'rat:lte'],
    ['timestamp:2025-03-14T00:00:00Z', 'timestamp:2025-03-14T00:00:00Z'],
    ['timestamp:2025-02-30', 'timestamp:2025-02-30'],
    ['from:2025-01-01T00:00:00Z', 'from:2025-01-01T00:00:00Z'],
    ['until:2025-01-01T00:00:00Z', 'until:2025-01-01T00:00:00Z'],
    ['type:3,until:2025-01-01T00:00:00Z', 'until:2025-01-01T00:00:00Z'],
    ['from:2025-01-01,until:2025-01-02', 'from:2025-01-01'],
    ['from:2025-01-01T00:00:00.000Z,until:2025-01-02T00:00:00Z', 'from:2025-01-01T00:00:00.000Z'],
    ['from:2025-01-01T00:00:00+01:00,until:2025-01-02T00:00:00Z', 'from:2025-01-01T00:00:00+01:00'],
    ['from:2025-13-01T00:00:00Z,until:2025-01-02T00:00:00Z', 'from:2025-13-01T00:00:00Z'],
    ['type:1,,type:2', ''],
  ])('%s', (q, criterion) => {
    const err = failure(() => parseQ(q));
    expect({ status: err.status, body: err.body }).toEqual(invalid(criterion));
    expect({ name: err.name, code: err.code }).toEqual({ name: 'ApiFailure', code: 'SIMULATOR_API_FAILURE' });
  });
});

describe('parseSort and sortRecords (§2.4)', () => {
  it('defaults to id ascending, echoed as x-sort "id"', () => {
    expect(parseSort(undefined)).toEqual({ keys: [], text: 'id' });
    expect(parseSort('id')).toEqual({ keys: [], text: 'id' });
    expect(parseSort('-timestamp,id')).toEqual({
      keys: [
        { field: 'timestamp', descending: true },
        { field: 'id', descending: false },
      ],
      text: '-timestamp,id',
    });
  });

  it('rejects an unknown field with 400 InvalidSortCriteria (the event specs say 400; the error table 422)', () => {
    for (const [sort, criterion] of [
      ['colour', 'colour'],
      ['-colour', '-colour'],
      ['id,', ''],
      ['timestamp,desc', 'desc'],
    ]) {
      const err = failure(() => parseSort(sort));
      expect({ status: err.status, body: err.body }).toEqual({
        status: 400,
        body: {
          error_code: 1302,
          error_token: 'InvalidSortCriteria',
          message: `Sort criteria ${criterion} is invalid`,
        },
      });
    }
  });

  const sorted = (sort: string) => sortRecords(records, parseSort(sort).keys).map((r) => records.indexOf(r));

  it('sorts ascending and descending, ties by id ascending', () => {
    expect(sorted('id')).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(sorted('-id')).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(sorted('timestamp')).toEqual([4, 0, 1, 2, 6, 5, 3]);
    expect(sorted('-timestamp')).toEqual([3, 5, 6, 2, 1, 0, 4]);
    expect(sorted('type')).toEqual([0, 1, 3, 2, 4, 6, 5]);
    expect(sorted('type,-id')).toEqual([0, 3, 1, 2, 4, 6, 5]);
    expect(sorted('-severity,timestamp')).toEqual([5, 4, 3, 0, 1, 2, 6]);
    expect(sorted('source,-alert')).toEqual([0, 1, 2, 3, 5, 4, 6]);
  });

  it('sorts text fields in text order, events without the field first', () => {
    // '' (no endpoint) < 'meter-0051' < 'truck-0001'.
    expect(sorted('endpoint')).toEqual([4, 5, 2, 3, 0, 1, 6]);
    expect(sorted('-endpoint,-timestamp')).toEqual([6, 1, 0, 3, 2, 5, 4]);
    expect(sorted('user')).toEqual([0, 1, 2, 3, 5, 4, 6]);
    expect(sorted('organisation')).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('leaves its input untouched', () => {
    const copy = [...records];
    sortRecords(records, parseSort('-timestamp').keys);
    expect(records).toEqual(copy);
  });
});

describe('parsePaging and effectivePage (§2.2)', () => {
  it('defaults, clamps silently, and falls back below 1', () => {
    expect(parsePaging(undefined, undefined, 100, 1000)).toEqual({ page: 1, perPage: 100 });
    expect(parsePaging('3', '250', 100, 1000)).toEqual({ page: 3, perPage: 250 });
    expect(parsePaging('1', '5000', 100, 1000)).toEqual({ page: 1, perPage: 1000 });
    expect(parsePaging('1', '0', 100, 1000)).toEqual({ page: 1, perPage: 100 });
    expect(parsePaging('-2', '-7', 100, 1000)).toEqual({ page: -2, perPage: 100 });
  });

  it('answers a non-numeric page or per_page with 400 BadRequest', () => {
    const err = failure(() => parsePaging('two', undefined, 100, 1000));
    expect({ status: err.status, body: err.body }).toEqual({
      status: 400,
      body: {
        error_code: 1000,
        error_token: 'BadRequest',
        message: 'Cannot parse parameter page as Integer: For input string: "two"',
      },
    });
    expect(failure(() => parsePaging('1', '1.5', 100, 1000)).body.message).toBe(
      'Cannot parse parameter per_page as Integer: For input string: "1.5"'
    );
  });

  it('serves page 1 below 1 and the last page past the end', () => {
    expect(effectivePage(0, 250, 100)).toEqual({ page: 1, totalPages: 3 });
    expect(effectivePage(3, 250, 100)).toEqual({ page: 3, totalPages: 3 });
    expect(effectivePage(99, 250, 100)).toEqual({ page: 3, totalPages: 3 });
    expect(effectivePage(5, 0, 100)).toEqual({ page: 1, totalPages: 0 });
  });
});
