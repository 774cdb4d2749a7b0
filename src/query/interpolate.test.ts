import { TemplateSrv } from '@grafana/runtime';
import { EmnifyQuery } from '../types';
import { FILTER_FIELDS } from './fields';
import { interpolateQuery } from './interpolate';

/**
 * Dashboard variables replaced as Grafana replaces them for a data source that passes a function format
 * (grafana/scenes sceneInterpolator.ts, formatValue): `$name` and `${name}` are looked up, and the
 * function gets the variable's value (a list for a multi-value variable, even with one value selected)
 * and `{ name, type, multi, includeAll }`. An unknown variable stays as it is.
 */
function templateSrvWith(variables: Record<string, string | string[]>): TemplateSrv {
  return {
    replace(target: string, _scopedVars: unknown, format: (value: unknown, variable: object) => string) {
      return target.replace(/\$(\w+)|\$\{(\w+)\}/g, (match, plain?: string, braced?: string) => {
        const name = (plain ?? braced)!;
        if (!(name in variables)) {
          return match;
        }
        const value = variables[name];
        return format(value, { name, type: 'custom', multi: Array.isArray(value), includeAll: false });
      });
    },
  } as unknown as TemplateSrv;
}

const srv = templateSrvWith({
  one: 'Germany',
  two: ['Germany', 'France'],
  three: ['0', '1', '2'],
  picked: ['2'],
  ids: ['42', '43'],
  id: '42',
  types: ['1', '3'],
});
const query = (q: Partial<EmnifyQuery>): EmnifyQuery => Object.freeze({ refId: 'A', format: 'logs', ...q });

describe('interpolateQuery', () => {
  it('joins a multi-value variable with | in fields that take several values', () => {
    expect(
      interpolateQuery(
        query({ country: '$two', network: '${two}|Orange', endpoint: 'truck-1', iccid: '$one', rat: '$picked' }),
        srv
      )
    ).toEqual(
      query({
        country: 'Germany|France',
        network: 'Germany|France|Orange',
        endpoint: 'truck-1',
        iccid: 'Germany',
        rat: '2',
      })
    );
  });

  it('spreads a multi-value variable over the event type list', () => {
    expect(interpolateQuery(query({ eventTypes: ['$types', '5', '$picked'] }), srv).eventTypes).toEqual([
      '1',
      '3',
      '5',
      '2',
    ]);
  });

  it('fills one-value fields from single-value variables, and from a multi-value variable with one value selected', () => {
    expect(
      interpolateQuery(query({ description: 'in $one', severity: '$picked', scope: 'sim', scopeId: '$id' }), srv)
    ).toEqual(query({ description: 'in Germany', severity: '2', scope: 'sim', scopeId: '42' }));
  });

  // One row per field that takes one value: a multi-value variable there is an error naming the field,
  // the variable and its values, never the literal `a|b` that would match nothing.
  const oneValueRows: Array<[keyof EmnifyQuery, string]> = [
    [
      'severity',
      'Invalid filter "severity": $three holds 3 values (0, 1, 2), but Severity takes one: select a single value of the variable',
    ],
    [
      'source',
      'Invalid filter "source": $three holds 3 values (0, 1, 2), but Source takes one: select a single value of the variable',
    ],
    [
      'alert',
      'Invalid filter "alert": $three holds 3 values (0, 1, 2), but Alert takes one: select a single value of the variable',
    ],
    [
      'description',
      'Invalid filter "description": $three holds 3 values (0, 1, 2), but Description takes one: select a single value of the variable',
    ],
    [
      'tags',
      'Invalid filter "tags": $three holds 3 values (0, 1, 2), but Tag takes one: select a single value of the variable',
    ],
    [
      'imsi',
      'Invalid filter "imsi": $three holds 3 values (0, 1, 2), but IMSI takes one: select a single value of the variable',
    ],
    [
      'imei',
      'Invalid filter "imei": $three holds 3 values (0, 1, 2), but IMEI takes one: select a single value of the variable',
    ],
    [
      'ipAddress',
      'Invalid filter "ip_address": $three holds 3 values (0, 1, 2), but IP address takes one: select a single value of the variable',
    ],
    [
      'organisation',
      'Invalid filter "organisation": $three holds 3 values (0, 1, 2), but Organisation takes one: select a single value of the variable',
    ],
    [
      'user',
      'Invalid filter "user": $three holds 3 values (0, 1, 2), but User takes one: select a single value of the variable',
    ],
  ];

  it.each(oneValueRows)('rejects a multi-value variable in %s', (key, message) => {
    expect(() => interpolateQuery(query({ [key]: '$three' }), srv)).toThrow(message);
  });

  it('has a row for every field that takes one value', () => {
    expect(new Set(oneValueRows.map(([key]) => key))).toEqual(
      new Set(FILTER_FIELDS.filter((f) => f.values === 'one').map((f) => f.key))
    );
  });

  it('rejects a multi-value variable as the scope id', () => {
    expect(() => interpolateQuery(query({ scope: 'endpoint', scopeId: '$ids' }), srv)).toThrow(
      'Invalid filter "endpoint id": $ids holds 2 values (42, 43), but the endpoint id takes one: select a single value of the variable'
    );
  });

  it('throws the client’s error class, with its code and the field', () => {
    let caught: unknown;
    try {
      interpolateQuery(query({ severity: '${three}' }), srv);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ name: 'FilterValidationError', code: 'EMNIFY_INVALID_FILTER', field: 'severity' });
  });

  it('names the field’s text when the template service does not name the variable', () => {
    const bare = {
      replace: (target: string, _s: unknown, format: (v: unknown) => string) =>
        target.replace('$x', format(['a', 'b'])),
    } as unknown as TemplateSrv;
    expect(() => interpolateQuery(query({ user: '$x' }), bare)).toThrow(
      'Invalid filter "user": $x holds 2 values (a, b), but User takes one: select a single value of the variable'
    );
  });

  it('leaves text without variables, and unknown variables, as they are', () => {
    const q = query({ description: 'cost $5', severity: '$nope', eventTypes: ['3'] });
    expect(interpolateQuery(q, srv)).toEqual(q);
  });
});
