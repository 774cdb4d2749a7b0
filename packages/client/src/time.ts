/**
 * Time in the emnify API: the `from`/`until` filter format, and parsing the several timestamp formats
 * events carry (../shared/emnify-api.md §2.5, §3.4).
 */

/** The earliest instant `YYYY-MM-DDTHH:mm:ssZ` can express: 0000-01-01T00:00:00Z. */
export const FILTER_TIME_MIN_MS = -62_167_219_200_000;
/** The latest instant `YYYY-MM-DDTHH:mm:ssZ` can express: 9999-12-31T23:59:59.999Z (sent as …23:59:59Z). */
export const FILTER_TIME_MAX_MS = 253_402_300_799_999;

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC, the only form the `from`/`until` filter accepts (second precision). */
export function formatFilterTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) {
    throw new RangeError(`not a time: ${epochMs}`);
  }
  const problem = filterTimeRangeProblem(epochMs);
  if (problem) {
    throw new RangeError(`${epochMs} ${problem}`);
  }
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Why epoch milliseconds cannot be written as `YYYY-MM-DDTHH:mm:ssZ` (a year outside 0000-9999, which
 * `toISOString` would write as `+010000-…`), or undefined when they can.
 */
export function filterTimeRangeProblem(epochMs: number): string | undefined {
  if (epochMs < FILTER_TIME_MIN_MS) {
    return 'is before 0000-01-01T00:00:00Z, the earliest time YYYY-MM-DDTHH:mm:ssZ can express';
  }
  if (epochMs > FILTER_TIME_MAX_MS) {
    return 'is after 9999-12-31T23:59:59Z, the latest time YYYY-MM-DDTHH:mm:ssZ can express';
  }
  return undefined;
}

const FILTER_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** Days in a month (1-12) of the proleptic Gregorian calendar, as Date counts them. */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * Why these UTC fields are not a real calendar time, or undefined when they are: a month 01-12, a day
 * that exists in that month (no February 30, which Date.parse and Date.UTC roll over to March 2), hours
 * 00-23 (no 24:00, which they read as the next day), minutes and seconds 00-59. `form` names the
 * expected text in the months message.
 */
export function calendarProblem(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  form: string
): string | undefined {
  if (month < 1 || month > 12) {
    return `is not a calendar date (months are 01-12; expected ${form})`;
  }
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) {
    return `is not a calendar date (${MONTHS[month - 1]} ${String(year).padStart(4, '0')} has days 01-${days})`;
  }
  if (hour > 23) {
    return `has hour ${pad2(hour)} (expected 00-23; the end of a day is 23:59:59, or the next day's 00:00:00)`;
  }
  if (minute > 59) {
    return `has minute ${pad2(minute)} (expected 00-59)`;
  }
  if (second > 59) {
    return `has second ${pad2(second)} (expected 00-59)`;
  }
  return undefined;
}

/**
 * Why a text is not a `from`/`until` time as the API takes it, or undefined when it is: exactly
 * `YYYY-MM-DDTHH:mm:ssZ` and a real calendar time (calendarProblem).
 * The text says what was wrong and what is expected.
 */
export function filterTimeProblem(text: string): string | undefined {
  const m = FILTER_TIME.exec(text);
  if (!m) {
    return 'is not a time (expected YYYY-MM-DDTHH:mm:ssZ in UTC, a Date or epoch milliseconds)';
  }
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  return calendarProblem(year, month, day, hour, minute, second, 'YYYY-MM-DDTHH:mm:ssZ');
}

/** Whether a text is a `from`/`until` time the API accepts (see filterTimeProblem). */
export function isFilterTime(text: string): boolean {
  return filterTimeProblem(text) === undefined;
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;
const US_FORMAT = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ?(AM|PM)$/i;

/** Why an event timestamp was refused: no format we know, or a known format that is no real time. */
export interface EventTimestampProblem {
  kind: 'format' | 'calendar';
  /** Says what is wrong, e.g. `is not a calendar date (February 2026 has days 01-28)`. */
  problem: string;
}

const EVENT_TIME_FORM = 'e.g. 2021-10-27T11:59:29.000Z';
const UNKNOWN_FORMAT: EventTimestampProblem = {
  kind: 'format',
  problem:
    'is not a timestamp in a known format (e.g. 2021-10-27T11:59:29.000Z, 2017-10-26T07:28:00.000+0000, 2021-10-06 10:42:58, 5/8/2017 10:56:25 AM)',
};

/** Epoch ms of a UTC time whose fields were checked; years 0-99 are years 0-99 (Date.UTC would add 1900). */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number) {
  if (year >= 100) {
    return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/**
 * An event timestamp as epoch milliseconds, or why it is none. Accepted (all seen in emnify payloads):
 * `2021-10-27T11:59:29.000Z`, `2017-10-26T07:28:00.000+0000`, `2021-10-27T15:17:23Z`, `2021-10-06 10:42:58`
 * (no zone: UTC), `5/8/2017 10:56:25 AM` (UTC). Only real calendar times: `2026-02-30`, `2026-13-45`,
 * `T24:00`, `T99:99:99` or a zone `+25:00` are refused (kind `calendar`), never rolled over into another day.
 * The common form costs one Date.parse and two digit reads; a success allocates nothing.
 */
export function readEventTimestamp(text: string): number | EventTimestampProblem {
  if (isCanonicalShape(text)) {
    // The common form (`2021-10-27T11:59:29.000Z`): Date.parse is specified for exactly this format and
    // refuses months 00 and past 12, days 00 and past 31, minutes and seconds past 59, but rolls days 29-31
    // over in shorter months and reads hour 24 as the next day. With the day checked against its month and
    // an hour up to 23 its answer is exact; anything else goes the long way, which says what is wrong.
    const t = Date.parse(text);
    if (!Number.isNaN(t) && twoDigits(text, 11) <= 23) {
      const day = twoDigits(text, 8);
      if (day <= 28 || day <= daysInMonth(twoDigits(text, 0) * 100 + twoDigits(text, 2), twoDigits(text, 5))) {
        return t;
      }
    }
  }
  const trimmed = text.trim();
  const iso = ISO_WITH_ZONE.exec(trimmed);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
    const problem = calendarProblem(year, month, day, hour, minute, second, EVENT_TIME_FORM);
    if (problem) {
      return { kind: 'calendar', problem };
    }
    let t = utcMs(year, month, day, hour, minute, second, frac ? Math.floor(Number(frac) * 1000) : 0);
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const zoneHours = Number(digits.slice(0, 2));
      const zoneMinutes = Number(digits.slice(2, 4));
      if (zoneHours > 23 || zoneMinutes > 59) {
        return { kind: 'calendar', problem: `has the zone offset ${zone} (expected hours 00-23, minutes 00-59)` };
      }
      t -= sign * (zoneHours * 60 + zoneMinutes) * 60_000;
    }
    return t;
  }
  const us = US_FORMAT.exec(trimmed);
  if (us) {
    const [, mo, d, y, h, mi, s, ampm] = us;
    const clock = Number(h);
    if (clock > 12) {
      return { kind: 'calendar', problem: `has hour ${clock} ${ampm} (expected 1-12 with AM or PM)` };
    }
    const hour = (clock % 12) + (ampm.toUpperCase() === 'PM' ? 12 : 0);
    const [year, month, day, minute, second] = [y, mo, d, mi, s].map(Number);
    const problem = calendarProblem(year, month, day, hour, minute, second, EVENT_TIME_FORM);
    if (problem) {
      return { kind: 'calendar', problem };
    }
    return utcMs(year, month, day, hour, minute, second, 0);
  }
  return UNKNOWN_FORMAT;
}

/** An event timestamp as epoch milliseconds, or `undefined` when it is none (readEventTimestamp says why). */
export function parseEventTimestamp(text: string): number | undefined {
  const t = readEventTimestamp(text);
  return typeof t === 'number' ? t : undefined;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` by its punctuation (the digits are Date.parse's to check). */
function isCanonicalShape(text: string): boolean {
  return (
    text.length === 24 &&
    text[4] === '-' &&
    text[7] === '-' &&
    text[10] === 'T' &&
    text[13] === ':' &&
    text[16] === ':' &&
    text[19] === '.' &&
    text[23] === 'Z'
  );
}

/** Two ASCII digits at `i` as a number. */
const twoDigits = (text: string, i: number): number => (text.charCodeAt(i) - 48) * 10 + (text.charCodeAt(i + 1) - 48);

/**
 * `time`, parsed from the API's `text` by readEventTimestamp, as `YYYY-MM-DDTHH:mm:ss.sssZ`. When `text`
 * already is exactly that, it is reused (formatting a Date costs as much as parsing one): that holds when
 * it has the canonical shape (the parse refused every text that is no real time, so a canonical text that
 * parsed is its own ISO form).
 */
export function isoTimestamp(text: string, time: number): string {
  if (isCanonicalShape(text)) {
    return text;
  }
  return new Date(time).toISOString();
}
