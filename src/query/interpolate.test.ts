import { TemplateSrv } from '@grafana/runtime';
import { dashboardScene } from '../../test/grafana/dashboardScene';
import { fieldDomains } from './anyValue';
import { EmnifyQuery } from '../types';
import { FILTER_FIELDS } from './fields';
import { interpolateQuery } from './interpolate';

/**
 * Dashboard variables as @grafana/scenes holds and interpolates them (the TemplateSrv of a scenes
 * dashboard, test/grafana/dashboardScene.ts): custom variables with their current values; `all` and
 * `every` are on "All", with the custom all value `*` and without one.
 */
const scene = dashboardScene({
  uid: 'interpolate-test',
  title: 'variables',
  panels: [],
  templating: {
    list: [
      { name: 'one', type: 'custom', query: 'Germany,France', current: { value: 'Germany' } },
      {
        name: 'two',
        type: 'custom',
        multi: true,
        query: 'Germany,France,Spain',
        current: { value: ['Germany', 'France'] },
      },
      { name: 'three', type: 'custom', multi: true, query: '0,1,7', current: { value: ['0', '1', '7'] } },
      { name: 'picked', type: 'custom', multi: true, query: '1,2', current: { value: ['2'] } },
      { name: 'ids', type: 'custom', multi: true, query: '42,43', current: { value: ['42', '43'] } },
      { name: 'id', type: 'custom', query: '42,43', current: { value: '42' } },
      { name: 'types', type: 'custom', multi: true, query: '1,3,5', current: { value: ['1', '3'] } },
      { name: 'all', type: 'custom', includeAll: true, allValue: '*', query: '0,1,2', current: { value: '$__all' } },
      { name: 'every', type: 'custom', includeAll: true, allValue: '', query: '0,1,2', current: { value: '$__all' } },
      { name: 'everyType', type: 'custom', includeAll: true, query: '1,3,5', current: { value: '$__all' } },
      {
        name: 'everyTypeName',
        type: 'custom',
        includeAll: true,
        query: 'Update location,Create PDP Context,Delete PDP Context',
        current: { value: '$__all' },
      },
      {
        name: 'seven',
        type: 'custom',
        multi: true,
        query:
          'Create PDP Context,Delete PDP Context,Update location,Purge location,Quota used up,SIM activation,Endpoint blocked',
        current: {
          value: [
            'Create PDP Context',
            'Delete PDP Context',
            'Update location',
            'Purge location',
            'Quota used up',
            'SIM activation',
            'Endpoint blocked',
          ],
        },
      },
      { name: 'pair', type: 'custom', includeAll: true, multi: true, query: '0,1,2', current: { value: ['0', '1'] } },
    ],
  },
});
const srv = scene.templateSrv;
beforeAll(() => scene.load());

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
      'Invalid filter "severity": $three holds 3 values (0, 1, 7), but Severity takes one: select a single value of the variable',
    ],
    [
      'source',
      'Invalid filter "source": $three holds 3 values (0, 1, 7), but Source takes one: select a single value of the variable',
    ],
    [
      'alert',
      'Invalid filter "alert": $three holds 3 values (0, 1, 7), but Alert takes one: select a single value of the variable',
    ],
    [
      'description',
      'Invalid filter "description": $three holds 3 values (0, 1, 7), but Description takes one: select a single value of the variable',
    ],
    [
      'tags',
      'Invalid filter "tags": $three holds 3 values (0, 1, 7), but Tag takes one: select a single value of the variable',
    ],
    [
      'imsi',
      'Invalid filter "imsi": $three holds 3 values (0, 1, 7), but IMSI takes one: select a single value of the variable',
    ],
    [
      'imei',
      'Invalid filter "imei": $three holds 3 values (0, 1, 7), but IMEI takes one: select a single value of the variable',
    ],
    [
      'ipAddress',
      'Invalid filter "ip_address": $three holds 3 values (0, 1, 7), but IP address takes one: select a single value of the variable',
    ],
    [
      'organisation',
      'Invalid filter "organisation": $three holds 3 values (0, 1, 7), but Organisation takes one: select a single value of the variable',
    ],
    [
      'user',
      'Invalid filter "user": $three holds 3 values (0, 1, 7), but User takes one: select a single value of the variable',
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

  describe('"All" means any value', () => {
    it('leaves out every filter that holds the custom all value *', () => {
      expect(
        interpolateQuery(
          query({
            eventTypes: ['$all'],
            severity: '$all',
            country: 'Germany|$all',
            description: '$all',
            scope: 'sim',
            scopeId: '$all',
          }),
          srv
        )
      ).toEqual(query({ scope: 'all' }));
    });

    it('leaves out a filter given every value it can have (All without a custom all value)', () => {
      const domains = fieldDomains([
        { id: 1, description: 'Update location' },
        { id: 3, description: 'Create PDP Context' },
        { id: 5, description: 'Delete PDP Context' },
      ]);
      expect(
        interpolateQuery(
          query({ eventTypes: ['$everyType'], severity: '$every', source: '$every', rat: '$every' }),
          srv,
          {},
          domains
        )
      ).toEqual(query({ rat: '0|1|2' }));
      // The types by name (the explorer's type variable) are every type too.
      expect(interpolateQuery(query({ eventTypes: ['$everyTypeName'] }), srv, {}, domains)).toEqual(query({}));
      // Without the event types of the lookup, every type is a list of types (the API takes at most 6).
      expect(interpolateQuery(query({ eventTypes: ['$everyType'] }), srv).eventTypes).toEqual(['1', '3', '5']);
    });

    it('names a variable holding more values than the API takes (6), in a list and in text', () => {
      const message =
        'Invalid filter "type": $seven holds 7 values (Create PDP Context, Delete PDP Context, Update location, Purge location, Quota used up, SIM activation, Endpoint blocked), but Event types takes at most 6 (the emnify API\'s limit): select at most 6, or All';
      expect(() => interpolateQuery(query({ eventTypes: ['$seven'] }), srv)).toThrow(message);
      expect(() => interpolateQuery(query({ network: '$seven' }), srv)).toThrow(
        message.replace('"type"', '"network"').replace('Event types', 'Operator')
      );
    });

    it('says how to make "All" mean any value when a one-value field gets several values of an All-able variable', () => {
      expect(() => interpolateQuery(query({ description: '$pair' }), srv)).toThrow(
        'Invalid filter "description": $pair holds 2 values (0, 1), but Description takes one: select a single value of the variable (for "All" to mean any value, give the variable the custom all value "*")'
      );
    });
  });
});
