/**
 * The one place where the documented drift of emnify payloads is resolved (../shared/emnify-api.md §3.4):
 * timestamps in several formats, `alert: 1`, `event_source.name` instead of `.description`, severity in
 * title or upper case, volumes as strings, keys omitted or null. Pure functions, no I/O.
 */
import { EmnifyError } from './errors';
import {
  EVENT_SEVERITY_NAMES,
  EVENT_SOURCE_NAMES,
  EmnifyEvent,
  EventNetwork,
  EventSeverity,
  EventSource,
  EventVolumeBytes,
  LabelField,
  RawEvent,
  RawIdDescription,
  RawVolume,
} from './model';
import { isoTimestamp, readEventTimestamp } from './time';

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function idText(value: RawIdDescription | undefined | null): string {
  return value ? str(value.description ?? value.name) : '';
}

/** "Network", "Policy Control", "API"; an unknown id keeps the API's text. */
export function sourceName(source: RawIdDescription | undefined | null): string {
  if (!source) {
    return '';
  }
  return EVENT_SOURCE_NAMES[source.id as EventSource] ?? idText(source);
}

/** "INFO", "WARN", "CRITICAL"; an unknown id keeps the API's text, upper-cased. */
export function severityName(severity: RawIdDescription | undefined | null): string {
  if (!severity) {
    return '';
  }
  return EVENT_SEVERITY_NAMES[severity.id as EventSeverity] ?? idText(severity).toUpperCase();
}

/**
 * MB with up to 6 decimals → bytes, exactly: works on the decimal text, never on a binary float product
 * (0.641984 * 1e6 is 641983.9999999999 in floating point).
 */
export function megabytesToBytes(value: number | string | undefined | null): number {
  if (value === undefined || value === null || value === '') {
    return 0;
  }
  const text = typeof value === 'number' ? value.toFixed(6) : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) {
    return 0;
  }
  const [, whole, frac = ''] = match;
  const fracDigits = (frac + '000000').slice(0, 6);
  // Beyond 6 decimals (not documented), round half up on the 7th digit.
  const roundUp = frac.length > 6 && Number(frac[6]) >= 5 ? 1 : 0;
  return Number(whole) * 1_000_000 + Number(fracDigits) + roundUp;
}

function volumeBytes(volume: RawVolume | undefined): EventVolumeBytes | undefined {
  if (!volume || typeof volume !== 'object') {
    return undefined;
  }
  const rx = megabytesToBytes(volume.rx);
  const tx = megabytesToBytes(volume.tx);
  const total = volume.total !== undefined ? megabytesToBytes(volume.total) : rx + tx;
  return { total, rx, tx };
}

function network(raw: RawEvent): EventNetwork | undefined {
  const detail = raw.detail;
  if (!detail || typeof detail !== 'object' || !detail.country || typeof detail.country !== 'object') {
    return undefined;
  }
  const mnc = Array.isArray(detail.mnc) ? detail.mnc.map((m) => str(m?.mnc)).filter(Boolean) : [];
  const tapcodes = Array.isArray(detail.tapcode) ? detail.tapcode.map((t) => str(t?.tapcode)).filter(Boolean) : [];
  if (mnc.length === 0 && detail.pdp_context?.mnc) {
    mnc.push(str(detail.pdp_context.mnc));
  }
  return {
    operatorId: typeof detail.id === 'number' ? detail.id : undefined,
    operatorName: str(detail.name),
    countryName: str(detail.country.name),
    countryIso: str(detail.country.iso_code).toUpperCase(),
    mcc: str(detail.country.mcc),
    mnc,
    tapcodes,
  };
}

/**
 * Why an item was not taken as an event. Stable codes, to count in a metric (a bounded label set) and to
 * branch on; the message of the EventRejection says which item and what is wrong.
 */
export type EventRejectionCode =
  /** Not a JSON object. */
  | 'EVENT_NOT_OBJECT'
  | 'EVENT_ID_MISSING'
  /** An id that is not a positive integer: 1.5, -5, 0, "abc", "351732524384257" (a text). */
  | 'EVENT_ID_INVALID'
  /** An integer id beyond 2^53-1 (9007199254740991), e.g. 1e300: JSON numbers that large are rounded, so distinct ids collide. */
  | 'EVENT_ID_UNSAFE'
  | 'EVENT_TIME_MISSING'
  /** A timestamp in no format emnify uses. */
  | 'EVENT_TIME_FORMAT'
  /** A known format that is no real time: `2026-13-45T99:99:99Z`, February 30, hour 24. */
  | 'EVENT_TIME_INVALID'
  /** Before 2000-01-01 or from 2100-01-01 on (EVENT_TIME_MIN_MS, EVENT_TIME_MAX_MS). */
  | 'EVENT_TIME_OUT_OF_RANGE'
  /** More than maxFutureSkewMs after the caller's `now`. */
  | 'EVENT_TIME_IN_FUTURE'
  | 'EVENT_TYPE_MISSING'
  /** An event_type whose id is not a non-negative integer of at most 2^53-1. */
  | 'EVENT_TYPE_INVALID';

/** Every rejection code, in a fixed order (e.g. to initialise a metric's label values). */
export const EVENT_REJECTION_CODES: readonly EventRejectionCode[] = [
  'EVENT_NOT_OBJECT',
  'EVENT_ID_MISSING',
  'EVENT_ID_INVALID',
  'EVENT_ID_UNSAFE',
  'EVENT_TIME_MISSING',
  'EVENT_TIME_FORMAT',
  'EVENT_TIME_INVALID',
  'EVENT_TIME_OUT_OF_RANGE',
  'EVENT_TIME_IN_FUTURE',
  'EVENT_TYPE_MISSING',
  'EVENT_TYPE_INVALID',
];

/** An item refused by tryNormalizeEvent: the code to count and a message to log. */
export class EventRejection {
  constructor(
    readonly code: EventRejectionCode,
    /** E.g. `Event 351732698832897 has a timestamp that is not a calendar date (February 2026 has days 01-28): "2026-02-30T00:00:00.000Z".` */
    readonly message: string,
    /** The item's id, when it had a valid one. */
    readonly eventId?: number
  ) {}
}

/** normalizeEvent's error: an EmnifyError (EMNIFY_RESPONSE_SHAPE) whose `reason` is the rejection code. */
export class EventRejectedError extends EmnifyError {
  readonly reason: EventRejectionCode;
  readonly eventId?: number;

  constructor(rejection: EventRejection) {
    super('EMNIFY_RESPONSE_SHAPE', rejection.message, { retryable: false });
    this.name = 'EventRejectedError';
    this.reason = rejection.code;
    this.eventId = rejection.eventId;
  }
}

/**
 * The earliest event time taken: 2000-01-01T00:00:00Z. emnify began in 2014; anything earlier is a
 * default value or garbage (epoch 0). Fixed, not relative to the clock: see NormalizeOptions.now for why
 * old events are never refused by age.
 */
export const EVENT_TIME_MIN_MS = 946_684_800_000;
/** The first event time refused without a clock: 2100-01-01T00:00:00Z (year 9999 and the like). */
export const EVENT_TIME_MAX_MS = 4_102_444_800_000;
/** Default of NormalizeOptions.maxFutureSkewMs: 10 minutes. */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 10 * 60_000;
/**
 * The longest text kept in a field that becomes a Prometheus label value (event type, source and severity
 * names, operator, country name and ISO code): 256 UTF-16 code units. Longer texts are cut to 255 and end in
 * "…" (the event still counts; the label stays bounded). Real values are under 60 characters.
 */
export const MAX_LABEL_VALUE_LENGTH = 256;

export interface NormalizeOptions {
  /**
   * The caller's clock (epoch ms). When given, an event more than `maxFutureSkewMs` after it is refused
   * (EVENT_TIME_IN_FUTURE): a year-9999 push must not pin "newest event" gauges. Without it only the fixed
   * range EVENT_TIME_MIN_MS … EVENT_TIME_MAX_MS applies (the plugin, on machines whose clock we do not know).
   * There is deliberately no "too old" check against the clock: the API serves 30 days, the Data Streamer
   * replays up to 20 days late, and a clock that jumped ahead would make real events look too old and drop
   * them for good, while an old event cannot pin anything (a consumer decides what is outside its window).
   */
  now?: number;
  /** How far past `now` an event time may be (emnify's clock against ours); default 10 minutes. */
  maxFutureSkewMs?: number;
  /** The longest label text (see MAX_LABEL_VALUE_LENGTH); default 256. */
  maxLabelLength?: number;
}

const NO_OPTIONS: NormalizeOptions = {};

/** A text for a message: quoted and cut to 64 characters (a rejected item may carry megabytes). */
function shown(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    return Array.isArray(value) ? 'an array' : 'an object';
  }
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

/** The largest id JavaScript numbers hold exactly (2^53-1). */
const MAX_EXACT_ID = Number.MAX_SAFE_INTEGER;

function idRejection(id: unknown): EventRejection {
  if (id === undefined || id === null) {
    return new EventRejection('EVENT_ID_MISSING', 'An event has no id.');
  }
  if (typeof id === 'number' && Number.isInteger(id) && id > MAX_EXACT_ID) {
    return new EventRejection(
      'EVENT_ID_UNSAFE',
      `An event has the id ${shown(id)}, beyond 2^53-1 (9007199254740991): such ids cannot be held exactly and would collide with others. emnify ids are 64-bit integers around 1e11-1e15.`
    );
  }
  return new EventRejection(
    'EVENT_ID_INVALID',
    `An event has the id ${shown(id)}, which is not a positive integer (emnify ids are 64-bit integers, e.g. 351732524384257).`
  );
}

function timeRejection(id: number, timestamp: unknown): EventRejection {
  if (timestamp === undefined || timestamp === null) {
    return new EventRejection('EVENT_TIME_MISSING', `Event ${id} has no timestamp.`, id);
  }
  if (typeof timestamp !== 'string') {
    return new EventRejection(
      'EVENT_TIME_FORMAT',
      `Event ${id} has the timestamp ${shown(timestamp)}, which is not a text.`,
      id
    );
  }
  const read = readEventTimestamp(timestamp);
  const problem = typeof read === 'number' ? 'is a time' : read.problem;
  return new EventRejection(
    typeof read !== 'number' && read.kind === 'calendar' ? 'EVENT_TIME_INVALID' : 'EVENT_TIME_FORMAT',
    `Event ${id} has the timestamp ${shown(timestamp)}, which ${problem}.`,
    id
  );
}

/** Why a time outside the range (or too far ahead of `options.now`) is refused. */
function rangeRejection(id: number, timestamp: string, time: number, options: NormalizeOptions): EventRejection {
  if (time < EVENT_TIME_MIN_MS || time >= EVENT_TIME_MAX_MS) {
    return new EventRejection(
      'EVENT_TIME_OUT_OF_RANGE',
      `Event ${id} has the time ${shown(timestamp)}, outside 2000-01-01T00:00:00Z … 2100-01-01T00:00:00Z.`,
      id
    );
  }
  const now = options.now ?? time;
  const skew = options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
  return new EventRejection(
    'EVENT_TIME_IN_FUTURE',
    `Event ${id} has the time ${shown(timestamp)}, ${Math.round((time - now) / 1000)} s after this machine's clock (${new Date(now).toISOString()}; at most ${Math.round(skew / 1000)} s ahead is taken). Check this machine's clock (NTP) if real events are refused.`,
    id
  );
}

/** `value` cut to `max` UTF-16 code units, ending in "…", never splitting a surrogate pair. */
export function truncateLabelValue(value: string, max: number = MAX_LABEL_VALUE_LENGTH): string {
  if (value.length <= max) {
    return value;
  }
  if (max < 1) {
    return '';
  }
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end--;
  }
  return value.slice(0, end) + '…';
}

/** Cuts the label texts of `event` longer than `max`, and records which ones on the event. */
function boundLabels(event: EmnifyEvent, max: number): void {
  const network = event.network;
  if (
    event.typeDescription.length <= max &&
    event.sourceName.length <= max &&
    event.severityName.length <= max &&
    (!network ||
      (network.operatorName.length <= max && network.countryName.length <= max && network.countryIso.length <= max))
  ) {
    return;
  }
  const cut: LabelField[] = [];
  const bound = (value: string, field: LabelField): string => {
    if (value.length <= max) {
      return value;
    }
    cut.push(field);
    return truncateLabelValue(value, max);
  };
  event.typeDescription = bound(event.typeDescription, 'typeDescription');
  event.sourceName = bound(event.sourceName, 'sourceName');
  event.severityName = bound(event.severityName, 'severityName');
  if (network) {
    network.operatorName = bound(network.operatorName, 'operatorName');
    network.countryName = bound(network.countryName, 'countryName');
    network.countryIso = bound(network.countryIso, 'countryIso');
  }
  event.truncatedLabels = cut;
}

/**
 * Normalises one raw event (from an API page or a Data Streamer push), or says why it cannot be taken.
 * Validation at the boundary: an id that is an exact positive integer (number, at most 2^53-1); a
 * timestamp in a known format that is a real calendar time within EVENT_TIME_MIN_MS … EVENT_TIME_MAX_MS and,
 * given `options.now`, not more than `maxFutureSkewMs` ahead; an event_type with a non-negative integer id.
 * Label texts longer than `maxLabelLength` are cut (the event is kept: see MAX_LABEL_VALUE_LENGTH).
 * A success allocates nothing beyond the event; callers check `instanceof EventRejection`.
 */
export function tryNormalizeEvent(raw: unknown, options: NormalizeOptions = NO_OPTIONS): EmnifyEvent | EventRejection {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return new EventRejection('EVENT_NOT_OBJECT', `An event is not a JSON object but ${shown(raw)}.`);
  }
  const item = raw as Record<string, unknown>;
  const id = item.id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id <= 0 || id > MAX_EXACT_ID) {
    return idRejection(id);
  }
  const timestamp = item.timestamp;
  const time = typeof timestamp === 'string' ? readEventTimestamp(timestamp) : undefined;
  if (typeof time !== 'number') {
    return timeRejection(id, timestamp);
  }
  if (
    time < EVENT_TIME_MIN_MS ||
    time >= EVENT_TIME_MAX_MS ||
    (options.now !== undefined && time > options.now + (options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS))
  ) {
    return rangeRejection(id, timestamp as string, time, options);
  }
  const type = item.event_type as Record<string, unknown> | null | undefined;
  if (!type || typeof type !== 'object' || type.id === undefined || type.id === null) {
    return new EventRejection('EVENT_TYPE_MISSING', `Event ${id} has no event_type.`, id);
  }
  const typeId = type.id;
  if (typeof typeId !== 'number' || !Number.isInteger(typeId) || typeId < 0 || typeId > MAX_EXACT_ID) {
    return new EventRejection(
      'EVENT_TYPE_INVALID',
      `Event ${id} has the event_type id ${shown(typeId)}, which is not a non-negative integer.`,
      id
    );
  }
  const event = build(raw as RawEvent, time);
  boundLabels(event, options.maxLabelLength ?? MAX_LABEL_VALUE_LENGTH);
  return event;
}

/** Normalises one raw event, or throws EventRejectedError (code EMNIFY_RESPONSE_SHAPE, `reason` the rejection code). */
export function normalizeEvent(raw: unknown, options?: NormalizeOptions): EmnifyEvent {
  // `options` may be a number when this is passed straight to Array#map (the index): ignored then.
  const result = tryNormalizeEvent(raw, typeof options === 'object' && options !== null ? options : NO_OPTIONS);
  if (result instanceof EventRejection) {
    throw new EventRejectedError(result);
  }
  return result;
}

/** How many items were refused, by rejection code (codes that did not occur are absent). */
export type RejectionCounts = Partial<Record<EventRejectionCode, number>>;

/** The outcome of normalising a batch (an API page or a push body). */
export interface NormalizedEvents {
  events: EmnifyEvent[];
  /** Items refused, in all. */
  skipped: number;
  /** Items refused, by rejection code: what to add to a rejections metric. */
  skippedByReason: RejectionCounts;
  /** The first refusal, for a log line. */
  firstRejection?: EventRejection;
  /** Events kept with label texts cut to maxLabelLength. */
  truncatedLabels: number;
}

/** Normalises every item of a batch (tryNormalizeEvent each), counting refusals by code. */
export function normalizeEvents(items: readonly unknown[], options: NormalizeOptions = NO_OPTIONS): NormalizedEvents {
  const events: EmnifyEvent[] = [];
  const skippedByReason: RejectionCounts = {};
  let firstRejection: EventRejection | undefined;
  let skipped = 0;
  let truncatedLabels = 0;
  for (const item of items) {
    const result = tryNormalizeEvent(item, options);
    if (result instanceof EventRejection) {
      skipped++;
      skippedByReason[result.code] = (skippedByReason[result.code] ?? 0) + 1;
      firstRejection ??= result;
    } else {
      events.push(result);
      if (result.truncatedLabels) {
        truncatedLabels++;
      }
    }
  }
  return { events, skipped, skippedByReason, firstRejection, truncatedLabels };
}

/** Adds `more` into `into` (rejection counts of several pages). */
export function addRejectionCounts(into: RejectionCounts, more: RejectionCounts): RejectionCounts {
  for (const code of Object.keys(more) as EventRejectionCode[]) {
    into[code] = (into[code] ?? 0) + (more[code] ?? 0);
  }
  return into;
}

/** The event of a validated raw item. */
function build(raw: RawEvent, time: number): EmnifyEvent {
  const detail = raw.detail && typeof raw.detail === 'object' ? raw.detail : undefined;
  const pdp = detail?.pdp_context;
  const event: EmnifyEvent = {
    id: raw.id,
    time,
    timestamp: isoTimestamp(raw.timestamp, time),
    alert: raw.alert === true || raw.alert === 1,
    description: str(raw.description),
    typeId: raw.event_type.id,
    typeDescription: idText(raw.event_type),
    sourceId: typeof raw.event_source?.id === 'number' ? raw.event_source.id : -1,
    sourceName: sourceName(raw.event_source),
    severityId: typeof raw.event_severity?.id === 'number' ? raw.event_severity.id : -1,
    severityName: severityName(raw.event_severity),
    network: network(raw),
    raw,
  };
  if (raw.organisation) {
    event.organisation = { id: raw.organisation.id, name: str(raw.organisation.name) };
  }
  if (raw.user) {
    event.user = { id: raw.user.id, username: str(raw.user.username), name: str(raw.user.name) };
  }
  if (raw.endpoint) {
    event.endpoint = {
      id: raw.endpoint.id,
      name: str(raw.endpoint.name),
      ipAddress: str(raw.endpoint.ip_address),
      tags: str(raw.endpoint.tags),
      imei: str(raw.endpoint.imei),
    };
  }
  if (raw.sim) {
    event.sim = { id: raw.sim.id, iccid: str(raw.sim.iccid) };
  }
  if (raw.imsi) {
    event.imsi = { id: raw.imsi.id, imsi: str(raw.imsi.imsi) };
  }
  if (pdp && typeof pdp === 'object') {
    event.pdp = {
      ratType: typeof pdp.rat_type === 'number' ? pdp.rat_type : undefined,
      apn: pdp.apn ?? undefined,
      sessionId: detail?.session_id,
      ueIpAddress: pdp.ue_ip_address,
    };
  }
  const volume = volumeBytes(detail?.volume);
  if (volume) {
    event.volume = volume;
  }
  return event;
}

/**
 * The lookup (`/api/v1/event/type`) spells some types differently from the events themselves
 * ("Update Location" vs "Update location"). This resolves one name per type id, so one type never
 * becomes two series: the lookup's spelling when the id is known, else the event's own.
 */
export class EventTypeNames {
  private readonly byId = new Map<number, string>();

  constructor(types: Array<{ id: number; description: string }> = []) {
    for (const t of types) {
      this.byId.set(t.id, t.description);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  /** Adds types not known yet; a known id keeps its first spelling (series must not be renamed). */
  addMissing(types: Array<{ id: number; description: string }>): number {
    let added = 0;
    for (const t of types) {
      if (!this.byId.has(t.id)) {
        this.byId.set(t.id, t.description);
        added++;
      }
    }
    return added;
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  nameOf(typeId: number, eventSpelling = ''): string {
    return this.byId.get(typeId) ?? eventSpelling;
  }

  entries(): Array<{ id: number; description: string }> {
    return [...this.byId.entries()].map(([id, description]) => ({ id, description }));
  }
}
