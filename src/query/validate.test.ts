import { EmnifyQuery } from '../types';
import { validateQuery } from './validate';

const q = (query: Partial<EmnifyQuery>): EmnifyQuery => ({ refId: 'A', format: 'logs', ...query });

describe('validateQuery', () => {
  it('accepts a valid query', () => {
    expect(validateQuery(q({ eventTypes: ['3'], severity: '2', country: 'Germany', scope: 'sim', scopeId: '7' }))).toBe(
      undefined
    );
  });

  it('leaves values with variables to be checked when they are replaced', () => {
    expect(
      validateQuery(q({ imei: '$imei', eventTypes: ['$type', '3'], country: '$country', scope: 'user', scopeId: '$u' }))
    ).toBeUndefined();
  });

  it('still checks the values next to a variable: type names against the lookup when it is at hand', () => {
    const types = [{ id: 3, description: 'Create PDP Context' }];
    expect(validateQuery(q({ eventTypes: ['$type', 'x'] }), types)).toBe(
      'Invalid filter "type": "x" is not an event type of the lookup (/api/v1/event/type): pick it from the list, or give its numeric id'
    );
    expect(validateQuery(q({ eventTypes: ['$type', 'create pdp context'] }), types)).toBeUndefined();
    // Without the lookup, a name is checked when the query runs.
    expect(validateQuery(q({ eventTypes: ['$type', 'x'] }))).toBeUndefined();
    expect(validateQuery(q({ eventTypes: ['$type', 'x'], severity: '7' }))).toBe(
      'Invalid filter "severity": 7 is out of range (expected 0 Info, 1 Warn, 2 Critical)'
    );
  });

  it('says what is wrong, in the words the panel uses', () => {
    expect(validateQuery(q({ scope: 'endpoint', scopeId: 'abc' }))).toBe(
      'Invalid endpoint id "abc": expected a numeric id.'
    );
    expect(validateQuery(q({ country: 'DE|FR|GB|NL|ES|IT|AT' }))).toBe(
      'Invalid filter "country": 7 values given; the emnify API accepts at most 6 per field'
    );
    expect(validateQuery(q({ ipAddress: '10.0.0.256' }))).toBe(
      'Invalid filter "ip_address": "10.0.0.256" is not an IPv4 or IPv6 address'
    );
    expect(validateQuery(q({ alert: 'yes' }))).toBe('Invalid filter "alert": "yes" is not true or false');
  });

  it('takes * as any value (no filter) in every field', () => {
    expect(
      validateQuery(q({ imei: '*', eventTypes: ['*'], country: 'Germany|*', scope: 'sim', scopeId: '*' }))
    ).toBeUndefined();
  });
});
