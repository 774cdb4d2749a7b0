/**
 * `from`/`until` at the boundary: only real calendar times in `YYYY-MM-DDTHH:mm:ssZ` (years 0000-9999)
 * reach the API; anything else is a FilterValidationError naming the field and the expected form, never a
 * silently shifted time (2026-02-30 → March 2, T24:00 → next day, year 10000 → `+010000-…`).
 * Inputs, sent texts and messages are literals; the simulator (the API's model) confirms that every text
 * accepted here is accepted there and every text refused here is refused there.
 */
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { FilterValidationError } from './errors';
import { TimeInput, buildFilterQuery } from './filter';
import { simulatorJwt } from './testing/simulatorJwt';

const EARLIEST = '0000-01-01T00:00:00Z';
const LATEST = '9999-12-31T23:59:59Z';
const FORM = 'is not a time (expected YYYY-MM-DDTHH:mm:ssZ in UTC, a Date or epoch milliseconds)';
const AFTER = 'is after 9999-12-31T23:59:59Z, the latest time YYYY-MM-DDTHH:mm:ssZ can express';
const BEFORE = 'is before 0000-01-01T00:00:00Z, the earliest time YYYY-MM-DDTHH:mm:ssZ can express';

/** The filter with `value` in `field` and the widest valid time in the other. */
function filterWith(field: 'from' | 'until', value: TimeInput) {
  return field === 'from' ? { from: value, until: LATEST } : { from: EARLIEST, until: value };
}

const qWith = (field: 'from' | 'until', sent: string) =>
  field === 'from' ? `from:${sent},until:${LATEST}` : `from:${EARLIEST},until:${sent}`;

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof FilterValidationError) {
      expect({ name: err.name, code: err.code }).toEqual({
        name: 'FilterValidationError',
        code: 'EMNIFY_INVALID_FILTER',
      });
      return err.message;
    }
    throw err;
  }
  throw new Error('expected a FilterValidationError');
}

const ACCEPTED: Array<['from' | 'until', TimeInput, string]> = [
  ['from', '2024-02-29T12:00:00Z', '2024-02-29T12:00:00Z'],
  ['from', '2000-02-29T00:00:00Z', '2000-02-29T00:00:00Z'],
  ['until', '2026-04-30T23:59:59Z', '2026-04-30T23:59:59Z'],
  ['until', ' 2026-02-28T10:00:00Z ', '2026-02-28T10:00:00Z'],
  ['from', '0000-01-01T00:00:00Z', '0000-01-01T00:00:00Z'],
  ['until', '9999-12-31T23:59:59Z', '9999-12-31T23:59:59Z'],
  ['until', 253_402_300_799_999, '9999-12-31T23:59:59Z'],
  ['from', -62_167_219_200_000, '0000-01-01T00:00:00Z'],
  ['from', new Date('2026-03-01T00:00:00.999Z'), '2026-03-01T00:00:00Z'],
];

const REFUSED: Array<['from' | 'until', TimeInput, string]> = [
  [
    'from',
    '2026-02-30T00:00:00Z',
    'Invalid filter "from": "2026-02-30T00:00:00Z" is not a calendar date (February 2026 has days 01-28)',
  ],
  [
    'until',
    '2100-02-29T00:00:00Z',
    'Invalid filter "until": "2100-02-29T00:00:00Z" is not a calendar date (February 2100 has days 01-28)',
  ],
  [
    'until',
    '2026-04-31T00:00:00Z',
    'Invalid filter "until": "2026-04-31T00:00:00Z" is not a calendar date (April 2026 has days 01-30)',
  ],
  [
    'from',
    '2026-01-00T00:00:00Z',
    'Invalid filter "from": "2026-01-00T00:00:00Z" is not a calendar date (January 2026 has days 01-31)',
  ],
  [
    'from',
    '2026-13-01T00:00:00Z',
    'Invalid filter "from": "2026-13-01T00:00:00Z" is not a calendar date (months are 01-12; expected YYYY-MM-DDTHH:mm:ssZ)',
  ],
  [
    'until',
    '2026-00-10T00:00:00Z',
    'Invalid filter "until": "2026-00-10T00:00:00Z" is not a calendar date (months are 01-12; expected YYYY-MM-DDTHH:mm:ssZ)',
  ],
  [
    'until',
    '2026-02-28T24:00:00Z',
    'Invalid filter "until": "2026-02-28T24:00:00Z" has hour 24 (expected 00-23; the end of a day is 23:59:59, or the next day\'s 00:00:00)',
  ],
  ['from', '2026-02-28T23:60:00Z', 'Invalid filter "from": "2026-02-28T23:60:00Z" has minute 60 (expected 00-59)'],
  ['from', '2026-02-28T23:59:60Z', 'Invalid filter "from": "2026-02-28T23:59:60Z" has second 60 (expected 00-59)'],
  ['until', '+010000-01-01T00:00:00Z', `Invalid filter "until": "+010000-01-01T00:00:00Z" ${FORM}`],
  ['until', '10000-01-01T00:00:00Z', `Invalid filter "until": "10000-01-01T00:00:00Z" ${FORM}`],
  ['from', '2026-02-28', `Invalid filter "from": "2026-02-28" ${FORM}`],
  ['from', '2026-02-28T10:00:00.000Z', `Invalid filter "from": "2026-02-28T10:00:00.000Z" ${FORM}`],
  ['from', '2026-02-28T10:00:00+01:00', `Invalid filter "from": "2026-02-28T10:00:00+01:00" ${FORM}`],
  ['from', '2026-2-28T10:00:00Z', `Invalid filter "from": "2026-2-28T10:00:00Z" ${FORM}`],
  ['until', 253_402_300_800_000, `Invalid filter "until": 253402300800000 (+010000-01-01T00:00:00.000Z) ${AFTER}`],
  ['until', new Date(Date.UTC(10000, 0, 1)), `Invalid filter "until": +010000-01-01T00:00:00.000Z ${AFTER}`],
  ['until', 1e300, `Invalid filter "until": 1e+300 ${AFTER}`],
  ['from', -62_167_219_200_001, `Invalid filter "from": -62167219200001 (-000001-12-31T23:59:59.999Z) ${BEFORE}`],
  ['from', new Date(-62_167_219_200_001), `Invalid filter "from": -000001-12-31T23:59:59.999Z ${BEFORE}`],
  ['from', NaN, `Invalid filter "from": NaN ${FORM}`],
  ['until', Infinity, `Invalid filter "until": Infinity ${FORM}`],
  ['until', new Date('not a date'), `Invalid filter "until": an invalid Date ${FORM}`],
];

describe('from/until: real calendar times in YYYY-MM-DDTHH:mm:ssZ, years 0000-9999', () => {
  it.each(ACCEPTED)('%s %p is sent as %s', (field, value, sent) => {
    expect(buildFilterQuery(filterWith(field, value))).toBe(qWith(field, sent));
  });

  it.each(REFUSED)('%s %p is refused', (field, value, message) => {
    expect(messageOf(() => buildFilterQuery(filterWith(field, value)))).toBe(message);
  });

  it('accepts from == until (one second), also when the milliseconds differ within that second', () => {
    const second = '2026-02-28T10:00:00Z';
    expect(buildFilterQuery({ from: second, until: second })).toBe(`from:${second},until:${second}`);
    expect(
      buildFilterQuery({ from: Date.parse('2026-02-28T10:00:00.700Z'), until: Date.parse('2026-02-28T10:00:00.200Z') })
    ).toBe(`from:${second},until:${second}`);
    expect(messageOf(() => buildFilterQuery({ from: '2026-02-28T10:00:01Z', until: second }))).toBe(
      'Invalid filter "from": 2026-02-28T10:00:01Z is after until 2026-02-28T10:00:00Z'
    );
  });
});

describe('the simulator (the API model) agrees on every text', () => {
  let sim: RunningSimulator;
  let jwt: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 5, historyEvents: 10, eventsPerSecond: 0 });
    jwt = await simulatorJwt(sim);
  });
  afterAll(() => sim.close());

  const statusOf = async (q: string) =>
    (await fetch(`${sim.url}/api/v1/event?q=${encodeURIComponent(q)}`, { headers: { authorization: `Bearer ${jwt}` } }))
      .status;

  it('accepts what the client sends', async () => {
    for (const [field, value] of ACCEPTED) {
      expect([value, await statusOf(buildFilterQuery(filterWith(field, value))!)]).toEqual([value, 200]);
    }
  });

  it('refuses every text the client refuses (422), had it been sent as written', async () => {
    for (const [field, value] of REFUSED.filter(([, v]) => typeof v === 'string')) {
      expect([value, await statusOf(qWith(field, String(value).trim()))]).toEqual([value, 422]);
    }
  });
});
