/**
 * Time in the emnify API: the `from`/`until` filter format, and parsing the several timestamp formats
 * events carry (../shared/emnify-api.md §2.5, §3.4).
 */

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC, the only form the `from`/`until` filter accepts (second precision). */
export function formatFilterTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) {
    throw new RangeError(`not a time: ${epochMs}`);
  }
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const FILTER_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

export function isFilterTime(text: string): boolean {
  return FILTER_TIME.test(text) && !Number.isNaN(Date.parse(text));
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;
const US_FORMAT = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}) ?(AM|PM)$/i;

/**
 * Parses an event timestamp into epoch milliseconds, or `undefined` when it is no known format.
 * Accepted (all seen in emnify payloads): `2021-10-27T11:59:29.000Z`, `2017-10-26T07:28:00.000+0000`,
 * `2021-10-27T15:17:23Z`, `2021-10-06 10:42:58` (no zone: UTC), `5/8/2017 10:56:25 AM` (UTC).
 */
export function parseEventTimestamp(text: string): number | undefined {
  if (isCanonicalShape(text)) {
    // The common form (`2021-10-27T11:59:29.000Z`): Date.parse is specified for exactly this format
    // and overflows out-of-range days the same way as Date.UTC below; anything it refuses goes the long way.
    const t = Date.parse(text);
    if (!Number.isNaN(t)) {
      return t;
    }
  }
  const iso = ISO_WITH_ZONE.exec(text.trim());
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    const ms = frac ? Math.floor(Number(frac) * 1000) : 0;
    let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    if (zone && zone !== 'Z') {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
      t -= sign * offsetMinutes * 60_000;
    }
    return Number.isNaN(t) ? undefined : t;
  }
  const us = US_FORMAT.exec(text.trim());
  if (us) {
    const [, mo, d, y, h, mi, s, ampm] = us;
    let hour = Number(h) % 12;
    if (ampm.toUpperCase() === 'PM') {
      hour += 12;
    }
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s));
  }
  return undefined;
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
 * `time`, parsed from the API's `text` by parseEventTimestamp, as `YYYY-MM-DDTHH:mm:ss.sssZ`. When `text`
 * already is exactly that, it is reused (formatting a Date costs as much as parsing one): that holds when
 * it has the canonical shape, a day that exists in every month (≤ 28) and an hour below 24, so parsing
 * moved nothing by overflow.
 */
export function isoTimestamp(text: string, time: number): string {
  if (isCanonicalShape(text) && twoDigits(text, 8) <= 28 && twoDigits(text, 11) <= 23) {
    return text;
  }
  return new Date(time).toISOString();
}
