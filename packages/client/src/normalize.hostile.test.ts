/**
 * Hostile items at the boundary: what normalizeEvent takes from an API page or a Data Streamer push.
 * Each row: the item, the rejection code, the literal message. Ids, times and lengths are literals.
 */
import { EmnifyError } from './errors';
import { RawEvent } from './model';
import {
  EVENT_REJECTION_CODES,
  EventRejectedError,
  EventRejection,
  NormalizeOptions,
  normalizeEvent,
  normalizeEvents,
  tryNormalizeEvent,
} from './normalize';

const ID = 351732698832897;
const valid: RawEvent = {
  id: ID,
  timestamp: '2026-01-15T09:41:07.000Z',
  alert: false,
  description: 'PDP Context deleted.',
  event_type: { id: 5, description: 'Delete PDP Context' },
  event_source: { id: 0, description: 'Network' },
  event_severity: { id: 0, description: 'Info' },
  detail: {
    id: 2,
    name: 'Telekom',
    country: { id: 74, name: 'Germany', country_code: '49', mcc: '262', iso_code: 'de' },
  },
};
/** An event with some fields replaced (or removed, with `undefined`). */
const withFields = (fields: Record<string, unknown>): unknown => {
  const item: Record<string, unknown> = { ...valid, ...fields };
  for (const key of Object.keys(fields)) {
    if (fields[key] === undefined) {
      delete item[key];
    }
  }
  return item;
};

/** 2026-01-15T12:00:00Z: the caller's clock in the rows that pass one. */
const NOW = 1_768_478_400_000;
const KNOWN_FORMATS =
  'is not a timestamp in a known format (e.g. 2021-10-27T11:59:29.000Z, 2017-10-26T07:28:00.000+0000, 2021-10-06 10:42:58, 5/8/2017 10:56:25 AM)';
const NOT_POSITIVE = 'which is not a positive integer (emnify ids are 64-bit integers, e.g. 351732524384257).';
const UNSAFE =
  'beyond 2^53-1 (9007199254740991): such ids cannot be held exactly and would collide with others. emnify ids are 64-bit integers around 1e11-1e15.';
const RANGE = 'outside 2000-01-01T00:00:00Z … 2100-01-01T00:00:00Z.';

const REFUSED: Array<[string, unknown, NormalizeOptions, string, string]> = [
  ['null', null, {}, 'EVENT_NOT_OBJECT', 'An event is not a JSON object but null.'],
  ['a text', 'abc', {}, 'EVENT_NOT_OBJECT', 'An event is not a JSON object but "abc".'],
  ['an array', [1, 2], {}, 'EVENT_NOT_OBJECT', 'An event is not a JSON object but an array.'],
  ['no id', withFields({ id: undefined }), {}, 'EVENT_ID_MISSING', 'An event has no id.'],
  ['id null', withFields({ id: null }), {}, 'EVENT_ID_MISSING', 'An event has no id.'],
  ['id 1.5', withFields({ id: 1.5 }), {}, 'EVENT_ID_INVALID', `An event has the id 1.5, ${NOT_POSITIVE}`],
  ['id -5', withFields({ id: -5 }), {}, 'EVENT_ID_INVALID', `An event has the id -5, ${NOT_POSITIVE}`],
  ['id 0', withFields({ id: 0 }), {}, 'EVENT_ID_INVALID', `An event has the id 0, ${NOT_POSITIVE}`],
  ['id NaN', withFields({ id: NaN }), {}, 'EVENT_ID_INVALID', `An event has the id NaN, ${NOT_POSITIVE}`],
  ['id "abc"', withFields({ id: 'abc' }), {}, 'EVENT_ID_INVALID', `An event has the id "abc", ${NOT_POSITIVE}`],
  [
    'id as a text of digits',
    withFields({ id: '351732524384257' }),
    {},
    'EVENT_ID_INVALID',
    `An event has the id "351732524384257", ${NOT_POSITIVE}`,
  ],
  [
    'id an object',
    withFields({ id: { n: 1 } }),
    {},
    'EVENT_ID_INVALID',
    `An event has the id an object, ${NOT_POSITIVE}`,
  ],
  ['id 1e300', withFields({ id: 1e300 }), {}, 'EVENT_ID_UNSAFE', `An event has the id 1e+300, ${UNSAFE}`],
  // JSON.parse rounds 2^53+1 to 2^53: the id it names is gone, and 2^53+1 and 2^53 would be one event.
  [
    'id 2^53+1 from JSON',
    JSON.parse(`{"id":9007199254740993,"timestamp":"2026-01-15T09:41:07.000Z","event_type":{"id":5}}`),
    {},
    'EVENT_ID_UNSAFE',
    `An event has the id 9007199254740992, ${UNSAFE}`,
  ],
  ['no timestamp', withFields({ timestamp: undefined }), {}, 'EVENT_TIME_MISSING', `Event ${ID} has no timestamp.`],
  [
    'epoch-ms timestamp',
    withFields({ timestamp: 1768478400000 }),
    {},
    'EVENT_TIME_FORMAT',
    `Event ${ID} has the timestamp 1768478400000, which is not a text.`,
  ],
  [
    'timestamp "yesterday"',
    withFields({ timestamp: 'yesterday' }),
    {},
    'EVENT_TIME_FORMAT',
    `Event ${ID} has the timestamp "yesterday", which ${KNOWN_FORMATS}.`,
  ],
  [
    'a 5 MB timestamp (quoted cut to 64 characters)',
    withFields({ timestamp: 'x'.repeat(5_000_000) }),
    {},
    'EVENT_TIME_FORMAT',
    `Event ${ID} has the timestamp "${'x'.repeat(60)}..., which ${KNOWN_FORMATS}.`,
  ],
  [
    '2026-13-45T99:99:99Z',
    withFields({ timestamp: '2026-13-45T99:99:99Z' }),
    {},
    'EVENT_TIME_INVALID',
    `Event ${ID} has the timestamp "2026-13-45T99:99:99Z", which is not a calendar date (months are 01-12; expected e.g. 2021-10-27T11:59:29.000Z).`,
  ],
  [
    'February 30 (Date.parse: March 2)',
    withFields({ timestamp: '2026-02-30T00:00:00.000Z' }),
    {},
    'EVENT_TIME_INVALID',
    `Event ${ID} has the timestamp "2026-02-30T00:00:00.000Z", which is not a calendar date (February 2026 has days 01-28).`,
  ],
  [
    'February 29 of a common year',
    withFields({ timestamp: '2026-02-29T10:00:00.000Z' }),
    {},
    'EVENT_TIME_INVALID',
    `Event ${ID} has the timestamp "2026-02-29T10:00:00.000Z", which is not a calendar date (February 2026 has days 01-28).`,
  ],
  [
    'April 31 without zone',
    withFields({ timestamp: '2026-04-31 10:00:00' }),
    {},
    'EVENT_TIME_INVALID',
    `Event ${ID} has the timestamp "2026-04-31 10:00:00", which is not a calendar date (April 2026 has days 01-30).`,
  ],
  [
    'hour 24 (Date.parse: the next day)',
    withFields({ timestamp: '2026-01-15T24:00:00.000Z' }),
    {},
    'EVENT_TIME_INVALID',
    `Event ${ID} has the timestamp "2026-01-15T24:00:00.000Z", which has hour 24 (expected 00-23; the end of a day is 23:59:59, or the next day's 00:00:00).`,
  ],
  [
    'year 9999, no clock',
    withFields({ timestamp: '9999-12-31T23:59:59.000Z' }),
    {},
    'EVENT_TIME_OUT_OF_RANGE',
    `Event ${ID} has the time "9999-12-31T23:59:59.000Z", ${RANGE}`,
  ],
  [
    '2100-01-01, no clock',
    withFields({ timestamp: '2100-01-01T00:00:00.000Z' }),
    {},
    'EVENT_TIME_OUT_OF_RANGE',
    `Event ${ID} has the time "2100-01-01T00:00:00.000Z", ${RANGE}`,
  ],
  [
    'epoch 0',
    withFields({ timestamp: '1970-01-01T00:00:00.000Z' }),
    {},
    'EVENT_TIME_OUT_OF_RANGE',
    `Event ${ID} has the time "1970-01-01T00:00:00.000Z", ${RANGE}`,
  ],
  [
    'year 9999 against the clock',
    withFields({ timestamp: '9999-12-31T23:59:59.000Z' }),
    { now: NOW },
    'EVENT_TIME_OUT_OF_RANGE',
    `Event ${ID} has the time "9999-12-31T23:59:59.000Z", ${RANGE}`,
  ],
  [
    '10 min 1 s ahead of the clock',
    withFields({ timestamp: '2026-01-15T12:10:01.000Z' }),
    { now: NOW },
    'EVENT_TIME_IN_FUTURE',
    `Event ${ID} has the time "2026-01-15T12:10:01.000Z", 601 s after this machine's clock (2026-01-15T12:00:00.000Z; at most 600 s ahead is taken). Check this machine's clock (NTP) if real events are refused.`,
  ],
  [
    'a year ahead, skew 0',
    withFields({ timestamp: '2027-01-15T12:00:00.000Z' }),
    { now: NOW, maxFutureSkewMs: 0 },
    'EVENT_TIME_IN_FUTURE',
    `Event ${ID} has the time "2027-01-15T12:00:00.000Z", 31536000 s after this machine's clock (2026-01-15T12:00:00.000Z; at most 0 s ahead is taken). Check this machine's clock (NTP) if real events are refused.`,
  ],
  ['no event_type', withFields({ event_type: undefined }), {}, 'EVENT_TYPE_MISSING', `Event ${ID} has no event_type.`],
  [
    'event_type without id',
    withFields({ event_type: { description: 'x' } }),
    {},
    'EVENT_TYPE_MISSING',
    `Event ${ID} has no event_type.`,
  ],
  [
    'event_type id "5"',
    withFields({ event_type: { id: '5' } }),
    {},
    'EVENT_TYPE_INVALID',
    `Event ${ID} has the event_type id "5", which is not a non-negative integer.`,
  ],
  [
    'event_type id 1.5',
    withFields({ event_type: { id: 1.5 } }),
    {},
    'EVENT_TYPE_INVALID',
    `Event ${ID} has the event_type id 1.5, which is not a non-negative integer.`,
  ],
];

describe('normalizeEvent refuses hostile items with a stable code and a clear message', () => {
  const rows = REFUSED.map(([name, item, options, code, message]) => ({ name, item, options, code, message }));
  it.each(rows)('$name → $code', ({ item, options, code, message }) => {
    const result = tryNormalizeEvent(item, options);
    expect(result).toBeInstanceOf(EventRejection);
    expect({ code: (result as EventRejection).code, message: (result as EventRejection).message }).toEqual({
      code,
      message,
    });
    let thrown: unknown;
    try {
      normalizeEvent(item, options);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(EventRejectedError);
    expect(thrown).toBeInstanceOf(EmnifyError);
    expect(thrown).toMatchObject({ name: 'EventRejectedError', code: 'EMNIFY_RESPONSE_SHAPE', reason: code, message });
  });

  it('every code is listed in EVENT_REJECTION_CODES, and every listed code has a row', () => {
    expect(new Set(REFUSED.map((row) => row[3]))).toEqual(new Set(EVENT_REJECTION_CODES));
  });
});

describe('normalizeEvent takes the boundary values', () => {
  it.each([
    ['id 1', withFields({ id: 1 }), {}, 1, Date.UTC(2026, 0, 15, 9, 41, 7)],
    ['id 2^53-1', withFields({ id: 9007199254740991 }), {}, 9007199254740991, Date.UTC(2026, 0, 15, 9, 41, 7)],
    ['February 29 of a leap year', withFields({ timestamp: '2024-02-29T10:00:00.000Z' }), {}, ID, 1709200800000],
    ['December 31, 23:59:59.999', withFields({ timestamp: '2025-12-31T23:59:59.999Z' }), {}, ID, 1767225599999],
    ['2000-01-01T00:00:00Z', withFields({ timestamp: '2000-01-01T00:00:00.000Z' }), {}, ID, 946684800000],
    [
      '2099-12-31T23:59:59.999Z, no clock',
      withFields({ timestamp: '2099-12-31T23:59:59.999Z' }),
      {},
      ID,
      4102444799999,
    ],
    [
      'exactly 10 min ahead of the clock',
      withFields({ timestamp: '2026-01-15T12:10:00.000Z' }),
      { now: NOW },
      ID,
      NOW + 600_000,
    ],
    // No "too old" against the clock: a clock that jumped ahead must not drop real events.
    [
      'year 2000 against a clock of 2026',
      withFields({ timestamp: '2000-06-01T00:00:00.000Z' }),
      { now: NOW },
      ID,
      959817600000,
    ],
  ])('%s', (_name, item, options, id, time) => {
    const event = normalizeEvent(item, options);
    expect({ id: event.id, time: event.time, truncated: event.truncatedLabels }).toEqual({
      id,
      time,
      truncated: undefined,
    });
  });
});

describe('label texts are bounded to 256 characters, and the event still counts', () => {
  it('a 5 MB operator name, a 300-character type and an unknown severity are cut, with "…"', () => {
    const event = normalizeEvent(
      withFields({
        event_type: { id: 99, description: 'T'.repeat(300) },
        event_severity: { id: 7, description: 'fatal'.repeat(100) },
        detail: { id: 2, name: 'O'.repeat(5_000_000), country: { name: 'Germany', iso_code: 'de' } },
      })
    );
    expect({
      type: event.typeDescription,
      severity: event.severityName,
      operator: event.network?.operatorName,
      country: event.network?.countryName,
      iso: event.network?.countryIso,
      truncated: event.truncatedLabels,
    }).toEqual({
      type: 'T'.repeat(255) + '…',
      severity: 'FATAL'.repeat(51) + '…',
      operator: 'O'.repeat(255) + '…',
      country: 'Germany',
      iso: 'DE',
      truncated: ['typeDescription', 'severityName', 'operatorName'],
    });
  });

  it('exactly 256 characters are kept; a cut never splits a surrogate pair; the bound is an option', () => {
    const at = normalizeEvent(withFields({ event_source: { id: 9, description: 's'.repeat(256) } }));
    expect({ name: at.sourceName, truncated: at.truncatedLabels }).toEqual({
      name: 's'.repeat(256),
      truncated: undefined,
    });
    // 254 letters then an emoji (2 code units) at 255-256: the cut at 255 would split it, so it drops.
    const emoji = normalizeEvent(
      withFields({ detail: { name: 'x', country: { name: 'a'.repeat(254) + '😀' + 'b', iso_code: 'de' } } })
    );
    expect(emoji.network?.countryName).toBe('a'.repeat(254) + '…');
    const short = normalizeEvent(withFields({ detail: { name: 'Telekom', country: { iso_code: 'xyz' } } }), {
      maxLabelLength: 2,
    });
    expect({ iso: short.network?.countryIso, op: short.network?.operatorName, t: short.truncatedLabels }).toEqual({
      iso: 'X…',
      op: 'T…',
      t: ['typeDescription', 'sourceName', 'severityName', 'operatorName', 'countryIso'],
    });
  });
});

describe('normalizeEvents counts refusals by code', () => {
  it('a push of mixed items: 3 taken, 6 refused, by reason', () => {
    const batch = normalizeEvents(
      [
        withFields({ id: 1 }),
        withFields({ id: 1.5 }),
        withFields({ id: -5 }),
        withFields({ id: 1e300 }),
        withFields({ id: 2, timestamp: '2026-13-45T99:99:99Z' }),
        withFields({ id: 3, timestamp: '9999-12-31T23:59:59.000Z' }),
        withFields({ id: 4, detail: { name: 'O'.repeat(1000), country: { iso_code: 'de' } } }),
        null,
        withFields({ id: 5 }),
      ],
      { now: NOW }
    );
    expect({
      ids: batch.events.map((e) => e.id),
      skipped: batch.skipped,
      byReason: batch.skippedByReason,
      first: batch.firstRejection?.code,
      truncatedLabels: batch.truncatedLabels,
    }).toEqual({
      ids: [1, 4, 5],
      skipped: 6,
      byReason: {
        EVENT_ID_INVALID: 2,
        EVENT_ID_UNSAFE: 1,
        EVENT_TIME_INVALID: 1,
        EVENT_TIME_OUT_OF_RANGE: 1,
        EVENT_NOT_OBJECT: 1,
      },
      first: 'EVENT_ID_INVALID',
      truncatedLabels: 1,
    });
  });

  it('Array#map passes an index as the second argument: ignored', () => {
    expect([valid].map(normalizeEvent as (item: unknown, index: number) => unknown)).toHaveLength(1);
  });
});
