/**
 * The query model → the API request, against literal expectations: the `q` each field must produce is
 * written out by hand from emnify-api.md §2.5 (field names, `|` between values, the client's fixed
 * criteria order), never computed from the field table. One row per field of the table (the last test
 * fails when a field has no row), then the boundaries of the API's rules.
 */
import { EmnifyQuery } from '../types';
import { buildEventQuery, scopePath } from '@emnify-events/client';
import { FILTER_FIELDS } from './fields';
import { toEventQuery } from './toEventQuery';

const FROM = Date.UTC(2026, 3, 1, 10, 0, 0);
const UNTIL = Date.UTC(2026, 3, 1, 12, 0, 0);
const RANGE = 'from:2026-04-01T10:00:00Z,until:2026-04-01T12:00:00Z';

/** The request toEventQuery describes: `q`, the path of its scope, and the other parameters. */
function request(query: Partial<EmnifyQuery>, range = { from: FROM, to: UNTIL }): Record<string, string> {
  const eventQuery = toEventQuery({ refId: 'A', format: 'logs', ...query }, range, 100);
  return { ...buildEventQuery(eventQuery), path: scopePath(eventQuery.scope) };
}

const fieldRows: Array<[keyof EmnifyQuery, Partial<EmnifyQuery>, string]> = [
  ['eventTypes', { eventTypes: ['3', ' 5 ', ''] }, `${RANGE},type:3|5`],
  ['severity', { severity: ' 2 ' }, `${RANGE},severity:2`],
  ['source', { source: '1' }, `${RANGE},source:1`],
  // ISO codes (as the exporter's label and the plugin's tables show them) and names, any case → names (§2.5).
  ['country', { country: 'de| France|gb' }, `${RANGE},country:Germany|France|United Kingdom`],
  ['network', { network: 'Telekom|Vodafone' }, `${RANGE},network:Telekom|Vodafone`],
  ['endpoint', { endpoint: 'truck-0042' }, `${RANGE},endpoint:truck-0042`],
  [
    'iccid',
    { iccid: '8988303000000001234|89883030000000012345' },
    `${RANGE},iccid:8988303000000001234|89883030000000012345`,
  ],
  ['alert', { alert: 'true' }, `${RANGE},alert:true`],
  ['rat', { rat: '6|2' }, `${RANGE},rat:6|2`],
  ['description', { description: ' PDP Context rejected ' }, `${RANGE},description:PDP Context rejected`],
  ['tags', { tags: 'fleet' }, `${RANGE},tags:fleet`],
  ['imsi', { imsi: '295050901896257' }, `${RANGE},imsi:295050901896257`],
  ['imei', { imei: '3577620833012201' }, `${RANGE},imei:3577620833012201`],
  ['ipAddress', { ipAddress: '10.191.216.68' }, `${RANGE},ip_address:10.191.216.68`],
  ['organisation', { organisation: 'Acme IoT' }, `${RANGE},organisation:Acme IoT`],
  ['user', { user: 'jane' }, `${RANGE},user:jane`],
];

describe('toEventQuery', () => {
  it.each(fieldRows)('maps %s to its q criterion', (_key, query, q) => {
    expect(request(query)).toEqual({ q, sort: '-id', per_page: '100', path: '/api/v1/event' });
  });

  it('maps every field at once, in the API client’s criteria order', () => {
    const all = Object.assign({}, ...fieldRows.map(([, query]) => query)) as Partial<EmnifyQuery>;
    expect(request(all).q).toBe(
      `${RANGE},type:3|5,source:1,severity:2,alert:true,description:PDP Context rejected,organisation:Acme IoT,` +
        'user:jane,tags:fleet,endpoint:truck-0042,ip_address:10.191.216.68,imei:3577620833012201,' +
        'iccid:8988303000000001234|89883030000000012345,imsi:295050901896257,network:Telekom|Vodafone,' +
        'country:Germany|France|United Kingdom,rat:6|2'
    );
  });

  it.each([
    ['all', undefined, '/api/v1/event'],
    ['endpoint', '42', '/api/v1/endpoint/42/event'],
    ['sim', ' 7 ', '/api/v1/sim/7/event'],
    ['user', '9', '/api/v1/user/9/event'],
  ] as const)('reads the events of scope %s (id %s) from %s', (scope, scopeId, path) => {
    expect(request({ scope, scopeId })).toEqual({ q: RANGE, sort: '-id', per_page: '100', path });
  });

  it('has a row for every field of the field table', () => {
    expect(new Set(fieldRows.map(([key]) => key))).toEqual(new Set(FILTER_FIELDS.map((f) => f.key)));
  });

  it('sends a country typed in two spellings once, and names an unknown country', () => {
    expect(request({ country: 'DE|Germany|DE (Germany)|de' }).q).toBe(`${RANGE},country:Germany`);
    expect(() => request({ country: 'DE|Germny' })).toThrow(
      'Invalid filter "country": "Germny" is not a country: give its ISO 3166-1 alpha-2 code (e.g. DE) or its English name (e.g. Germany)'
    );
  });

  it('leaves out empty values', () => {
    expect(request({ eventTypes: ['', ' '], severity: '', country: ' | ', description: '  ', scope: 'all' }).q).toBe(
      RANGE
    );
  });

  describe('boundaries', () => {
    const six = ['1', '2', '3', '4', '5', '6'];
    const multiRows: Array<[keyof EmnifyQuery, string, (values: string[]) => Partial<EmnifyQuery>]> = [
      ['eventTypes', 'type', (v) => ({ eventTypes: v })],
      [
        'country',
        'country',
        (v) => ({ country: v.map((n) => ['DE', 'FR', 'GB', 'NL', 'ES', 'IT', 'AT'][Number(n) - 1]).join('|') }),
      ],
      ['network', 'network', (v) => ({ network: v.map((n) => `Operator ${n}`).join('|') })],
      ['endpoint', 'endpoint', (v) => ({ endpoint: v.map((n) => `truck-${n}`).join('|') })],
      ['iccid', 'iccid', (v) => ({ iccid: v.map((n) => `898830300000000123${n}`).join('|') })],
      ['rat', 'rat', (v) => ({ rat: v.join('|') })],
    ];

    it.each(multiRows)('%s takes exactly 6 values and rejects 7', (_key, filter, make) => {
      expect(request(make(six)).q).toMatch(new RegExp(`,${filter}:[^,|]+(\\|[^,|]+){5}$`));
      expect(() => request(make([...six, '7']))).toThrow(
        `Invalid filter "${filter}": 7 values given; the emnify API accepts at most 6 per field`
      );
    });

    it('has a row for every field that takes several values', () => {
      expect(new Set(multiRows.map(([key]) => key))).toEqual(
        new Set(FILTER_FIELDS.filter((f) => f.values === 'many').map((f) => f.key))
      );
    });

    it('accepts a range whose start is its end, and rejects one that ends before it starts', () => {
      expect(request({}, { from: FROM, to: FROM }).q).toBe('from:2026-04-01T10:00:00Z,until:2026-04-01T10:00:00Z');
      expect(() => request({}, { from: UNTIL, to: FROM })).toThrow(
        'Invalid filter "from": 2026-04-01T12:00:00Z is after until 2026-04-01T10:00:00Z'
      );
    });

    it.each([
      ['endpoint', 'abc', 'Invalid endpoint id "abc": expected a numeric id.'],
      ['sim', '', 'Invalid sim id "": expected a numeric id.'],
      ['user', undefined, 'Invalid user id "": expected a numeric id.'],
      ['endpoint', '-4', 'Invalid endpoint id "-4": expected a numeric id.'],
      ['endpoint', '4.5', 'Invalid endpoint id "4.5": expected a numeric id.'],
      ['sim', '9007199254740993', 'Invalid sim id "9007199254740993": expected a numeric id.'],
    ] as const)('rejects the %s id %p with one message', (scope, scopeId, message) => {
      // toEventQuery itself rejects it (the client's scopePath, worded alike, is only its callers' guard).
      expect(() =>
        toEventQuery({ refId: 'A', format: 'logs', scope, scopeId }, { from: FROM, to: UNTIL }, 100)
      ).toThrow(message);
    });

    it('takes the largest safe id', () => {
      expect(request({ scope: 'sim', scopeId: '9007199254740991' }).path).toBe('/api/v1/sim/9007199254740991/event');
    });
  });
});
