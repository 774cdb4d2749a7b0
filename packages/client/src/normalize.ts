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
  RawEvent,
  RawIdDescription,
  RawVolume,
} from './model';
import { isoTimestamp, parseEventTimestamp } from './time';

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

/** Whether an unknown value is shaped enough like an event to normalise (id, timestamp, event_type). */
function isRawEvent(value: unknown): value is RawEvent {
  if (!value || typeof value !== 'object') {
    return false;
  }
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'number' &&
    typeof v.timestamp === 'string' &&
    !!v.event_type &&
    typeof v.event_type === 'object' &&
    typeof (v.event_type as Record<string, unknown>).id === 'number'
  );
}

/** Normalises one raw API event. Throws EMNIFY_RESPONSE_SHAPE when it lacks id, timestamp or type. */
export function normalizeEvent(raw: unknown): EmnifyEvent {
  if (!isRawEvent(raw)) {
    throw new EmnifyError(
      'EMNIFY_RESPONSE_SHAPE',
      'An event in the API response has no numeric id, timestamp or event_type.',
      {
        retryable: true,
      }
    );
  }
  const time = parseEventTimestamp(raw.timestamp);
  if (time === undefined) {
    throw new EmnifyError(
      'EMNIFY_RESPONSE_SHAPE',
      `Event ${raw.id} has a timestamp in an unknown format: "${raw.timestamp}".`,
      {
        retryable: false,
      }
    );
  }
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
