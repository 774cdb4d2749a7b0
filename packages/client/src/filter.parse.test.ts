import { FilterValidationError } from './errors';
import { buildFilterQuery, parseFilterQuery } from './filter';

function refusal(q: string): string {
  try {
    parseFilterQuery(q);
  } catch (err) {
    if (err instanceof FilterValidationError) {
      return `${err.field}: ${err.message}`;
    }
    throw err;
  }
  throw new Error(`expected ${q} to be refused`);
}

describe('parseFilterQuery', () => {
  it('reads every field buildFilterQuery writes, and writes it back to the same q', () => {
    const q =
      'from:2025-03-14T09:12:31Z,until:2025-03-15T00:00:00Z,type:1|2|3,source:0,severity:2,alert:true,' +
      'description:quota,organisation:Acme,user:jane,tags:fleet,endpoint:truck-0042|truck-0043,' +
      'ip_address:10.191.216.68,imei:3577620833012201,iccid:8988303|8988304,iccid_with_luhn:89883030000067347681,' +
      'imsi:295050901896257,network:Telekom,country:Germany|France,rat:6|2';
    expect(parseFilterQuery(q)).toEqual({
      from: '2025-03-14T09:12:31Z',
      until: '2025-03-15T00:00:00Z',
      type: ['1', '2', '3'],
      source: '0',
      severity: '2',
      alert: 'true',
      description: 'quota',
      organisation: 'Acme',
      user: 'jane',
      tags: 'fleet',
      endpoint: ['truck-0042', 'truck-0043'],
      ip_address: '10.191.216.68',
      imei: '3577620833012201',
      iccid: ['8988303', '8988304'],
      iccid_with_luhn: ['89883030000067347681'],
      imsi: '295050901896257',
      network: ['Telekom'],
      country: ['Germany', 'France'],
      rat: ['6', '2'],
    });
    expect(buildFilterQuery(parseFilterQuery(q))).toBe(q);
  });

  it('splits each criterion on its first colon and trims, as the API reads q', () => {
    expect(
      parseFilterQuery(' until : 2025-03-15T00:00:00Z, from:2025-03-14T09:12:31Z ,ip_address:2001:db8::1')
    ).toEqual({
      until: '2025-03-15T00:00:00Z',
      from: '2025-03-14T09:12:31Z',
      ip_address: '2001:db8::1',
    });
    expect(buildFilterQuery(parseFilterQuery('type: 5 | 3 ,severity: 1'))).toBe('type:5|3,severity:1');
  });

  it.each([
    [
      'timestamp:2025-03-14',
      'timestamp: Invalid filter "timestamp": "timestamp:2025-03-14" is not a criterion of a filter (field:value)',
    ],
    ['type:1,type:2', 'type: Invalid filter "type": given more than once'],
    ['typo', 'typo: Invalid filter "typo": "typo" is not a criterion of a filter (field:value)'],
    [':5', ':5: Invalid filter ":5": ":5" is not a criterion of a filter (field:value)'],
    [
      'from:2025-03-14T09:12:31Z',
      'until: Invalid filter "until": "from" and "until" are only valid together: give both or neither',
    ],
    ['alert:TRUE', 'alert: Invalid filter "alert": "TRUE" is not true or false'],
    ['type:1|', 'type: Invalid filter "type": "" is not a numeric id (expected a whole number like 3)'],
    ['severity:3', 'severity: Invalid filter "severity": 3 is out of range (expected 0 Info, 1 Warn, 2 Critical)'],
  ])('refuses %j', (q, message) => {
    expect(refusal(q)).toBe(message);
  });
});
