import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_MULTI_VALUES } from '@emnify-events/client';
import { QUERY_FIELDS } from '../types';
import { FILTER_FIELDS, countSet } from './fields';

/** The rows of the markdown table under `heading` in src/README.md, as trimmed cells. */
function readmeTable(heading: string): string[][] {
  const lines = readFileSync(join(__dirname, '../README.md'), 'utf8').split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const table: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) {
      table.push(
        line
          .slice(1, -1)
          .split('|')
          .map((cell) => cell.trim())
      );
    } else if (table.length > 0) {
      break;
    }
  }
  return table.slice(2); // header and separator
}

describe('the field table', () => {
  it('is the field list of src/README.md, row for row', () => {
    expect(readmeTable('### Filters')).toEqual(
      FILTER_FIELDS.map((f) => [
        f.label,
        `\`${f.filter}\``,
        f.values === 'many' ? `up to ${MAX_MULTI_VALUES}` : 'one',
        f.section === 'common' ? 'always' : 'More filters',
        f.help,
      ])
    );
  });

  it('keeps the names saved dashboards use (a rename needs a migration in normalise.ts)', () => {
    expect(QUERY_FIELDS).toEqual([
      'refId',
      'hide',
      'key',
      'queryType',
      'datasource',
      'format',
      'eventTypes',
      'severity',
      'source',
      'country',
      'network',
      'endpoint',
      'iccid',
      'alert',
      'rat',
      'description',
      'tags',
      'imsi',
      'imei',
      'ipAddress',
      'organisation',
      'user',
      'scope',
      'scopeId',
      'groupBy',
    ]);
  });

  it('shows types, severity, source, country, operator, endpoint and ICCID first, in that order', () => {
    expect(FILTER_FIELDS.filter((f) => f.section === 'common').map((f) => f.label)).toEqual([
      'Event types',
      'Severity',
      'Source',
      'Country',
      'Operator',
      'Endpoint',
      'ICCID',
    ]);
  });

  it('takes options from the client’s model', () => {
    const options = Object.fromEntries(
      FILTER_FIELDS.flatMap((f) => ('options' in f ? [[f.key, f.options.map((o) => `${o.value} ${o.label}`)]] : []))
    );
    expect(options).toEqual({
      severity: ['0 INFO', '1 WARN', '2 CRITICAL'],
      source: ['0 Network', '1 Policy Control', '2 API'],
      alert: ['true Alert', 'false No alert'],
      rat: [
        '1 UTRAN (3G)',
        '2 GERAN (2G)',
        '3 WLAN',
        '4 GAN',
        '5 HSPA Evolution',
        '6 E-UTRAN (LTE)',
        '7 Virtual',
        '8 E-UTRAN NB-IoT',
        '9 LTE-M',
        '10 NR (5G)',
      ],
    });
  });

  it('counts the filters a section sets, the scope with "More filters"', () => {
    expect(countSet('more', {})).toBe(0);
    expect(countSet('more', { imei: ' ', user: '' })).toBe(0);
    expect(countSet('more', { imei: '1', rat: '6|2', severity: '2' })).toBe(2);
    expect(countSet('more', { scope: 'sim' })).toBe(1);
    expect(countSet('more', { scope: 'all' })).toBe(0);
    expect(countSet('common', { eventTypes: ['3'], severity: '2', scope: 'sim' })).toBe(2);
    expect(countSet('common', { eventTypes: [''] })).toBe(0);
  });
});
