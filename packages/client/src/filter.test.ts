import { FilterValidationError } from './errors';
import { buildEventQuery, buildFilterQuery, buildSort, encodeQuery, isIpAddress } from './filter';

function validationError(fn: () => unknown): FilterValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FilterValidationError) {
      return err;
    }
    throw err;
  }
  throw new Error('expected a FilterValidationError');
}

describe('buildFilterQuery', () => {
  it('returns undefined for an empty filter', () => {
    expect(buildFilterQuery({})).toBeUndefined();
    expect(buildFilterQuery({ type: [], endpoint: [] })).toBeUndefined();
  });

  it('formats from/until as YYYY-MM-DDTHH:mm:ssZ in UTC, truncating milliseconds', () => {
    expect(
      buildFilterQuery({ from: Date.UTC(2025, 2, 14, 9, 12, 31, 999), until: new Date('2025-03-15T00:00:00.000Z') })
    ).toBe('from:2025-03-14T09:12:31Z,until:2025-03-15T00:00:00Z');
    expect(buildFilterQuery({ from: '2020-07-20T08:00:00Z', until: '2020-07-21T08:00:00Z' })).toBe(
      'from:2020-07-20T08:00:00Z,until:2020-07-21T08:00:00Z'
    );
  });

  it('puts every field in a fixed order with multi-values joined by |', () => {
    expect(
      buildFilterQuery({
        rat: [6, '2'],
        country: ['Germany', 'France'],
        network: 'Telekom',
        imsi: '295050901896257',
        iccid_with_luhn: '89883030000067347681',
        iccid: ['8988303', '8988304'],
        imei: '3577620833012201',
        ip_address: '10.191.216.68',
        tags: 'fleet',
        endpoint: ['truck-0042', 'truck-0043'],
        user: 'Jane Ops',
        organisation: 'Acme Fleet GmbH',
        description: 'rejected',
        alert: true,
        severity: 2,
        source: '1',
        type: [3, '5'],
        from: '2025-01-01T00:00:00Z',
        until: '2025-01-02T00:00:00Z',
      })
    ).toBe(
      'from:2025-01-01T00:00:00Z,until:2025-01-02T00:00:00Z,type:3|5,source:1,severity:2,alert:true,' +
        'description:rejected,organisation:Acme Fleet GmbH,user:Jane Ops,tags:fleet,endpoint:truck-0042|truck-0043,' +
        'ip_address:10.191.216.68,imei:3577620833012201,iccid:8988303|8988304,iccid_with_luhn:89883030000067347681,' +
        'imsi:295050901896257,network:Telekom,country:Germany|France,rat:6|2'
    );
  });

  it.each([
    [{ from: '2025-01-01T00:00:00Z' }, 'until', '"from" and "until" are only valid together: give both or neither'],
    [{ until: new Date() }, 'from', '"from" and "until" are only valid together'],
    [{ from: '2025-01-02T00:00:00Z', until: '2025-01-01T00:00:00Z' }, 'from', 'is after until'],
    [{ from: '2025-01-01', until: '2025-01-02T00:00:00Z' }, 'from', 'expected YYYY-MM-DDTHH:mm:ssZ'],
    [{ type: 'attach' }, 'type', '"attach" is not a numeric id'],
    [{ type: [1, 2, 3, 4, 5, 6, 7] }, 'type', '7 values given; the emnify API accepts at most 6 per field'],
    [{ source: 3 }, 'source', 'out of range (expected 0 Network, 1 Policy Control, 2 API)'],
    [{ severity: -1 }, 'severity', 'is not a numeric id'],
    [{ description: 'a,b' }, 'description', 'contains ","'],
    [{ endpoint: ['a|b'] }, 'endpoint', 'contains "|"'],
    [{ tags: '  ' }, 'tags', 'must not be empty'],
    [{ imei: '35776208330122AB' }, 'imei', 'is not an IMEI (expected up to 16 digits, nothing else)'],
    [{ imsi: '2950509018962571' }, 'imsi', 'is not an IMSI'],
    [{ iccid: '8988-3030' }, 'iccid', 'is not an ICCID'],
    [{ ip_address: '10.0.0.256' }, 'ip_address', 'is not an IPv4 or IPv6 address'],
    [{ rat: 'lte' }, 'rat', 'is not a numeric id'],
    [{ country: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }, 'country', 'at most 6'],
  ])('rejects %j before any request (field %s)', (filter, field, message) => {
    const err = validationError(() => buildFilterQuery(filter as never));
    expect(err.field).toBe(field);
    expect(err.code).toBe('EMNIFY_INVALID_FILTER');
    expect(err.message).toContain(message);
    expect(err.message).toContain(`Invalid filter "${field}"`);
  });
});

describe('isIpAddress', () => {
  it.each([
    '10.191.216.68',
    '0.0.0.0',
    '2001:db8::1',
    '::1',
    'fe80::a:b:c:d',
    '::ffff:10.0.0.1',
    '2001:db8:0:0:0:0:0:1',
  ])('accepts %s', (ip) => expect(isIpAddress(ip)).toBe(true));
  it.each([
    '10.0.0',
    '10.0.0.1.1',
    '01.2.3.4x',
    '2001:db8:::1',
    '2001:db8::1::2',
    'gggg::1',
    '1:2:3:4:5:6:7:8:9',
    ':1:2::',
    '',
  ])('rejects %s', (ip) => expect(isIpAddress(ip)).toBe(false));
});

describe('buildSort / buildEventQuery / encodeQuery', () => {
  it('validates sort fields and keeps the - prefix', () => {
    expect(buildSort('-timestamp, id')).toBe('-timestamp,id');
    expect(validationError(() => buildSort('-time')).message).toContain('"-time" is not a sort field');
  });

  it('builds all parameters and encodes | and : as the API documents', () => {
    const params = buildEventQuery({ filter: { type: [1, 2] }, sort: '-id', page: 2, perPage: 500 });
    expect(params).toEqual({ q: 'type:1|2', sort: '-id', page: '2', per_page: '500' });
    expect(encodeQuery(params)).toBe('?q=type%3A1%7C2&sort=-id&page=2&per_page=500');
  });

  it('rejects page and per_page below 1', () => {
    expect(validationError(() => buildEventQuery({ page: 0 })).field).toBe('page');
    expect(validationError(() => buildEventQuery({ perPage: 1.5 })).field).toBe('per_page');
  });
});
