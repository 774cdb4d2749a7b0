/**
 * The full API JSON of an event record, built deterministically from (seed, record.seq) only when it is
 * served: the fields every event has, its type's description and detail (shapes/), and the documented
 * format drift (§3.4). Shapes follow ../shared/emnify-api.md §3 and §5.
 */
import type { RawEvent } from '@emnify-events/client';
import { SEVERITY_NAMES, SOURCE_NAMES } from './catalogue';
import { Rng, mix } from './random';
import type { EventRecord } from './record';
import { descriptionOf, shapeOf } from './shapes';

/**
 * Drift kinds (§3.4), chosen deterministically per event: about one event in ten differs in one way.
 * 0 none; 1 `...000+0000`; 2 `...:23Z` (no ms); 3 `YYYY-MM-DD HH:mm:ss` (no zone); 4 `alert: 1` and
 * upper-case severity; 5 `event_source {id, name}` and upper-case severity.
 */
export function driftKind(seed: number, seq: number): number {
  const h = mix(seed, seq, 0xd21f7) % 100;
  return h < 10 ? (h % 5) + 1 : 0;
}

export function formatTimestamp(ms: number, drift: number): string {
  const iso = new Date(ms).toISOString();
  switch (drift) {
    case 1:
      return iso.replace('Z', '+0000');
    case 2:
      return iso.replace(/\.\d{3}Z$/, 'Z');
    case 3:
      return iso.replace('T', ' ').replace(/\.\d{3}Z$/, '');
    default:
      return iso;
  }
}

/** The full API JSON of a record. `drift` switches on the documented format inconsistencies. */
export function materialise(rec: EventRecord, seed: number, drift: boolean): RawEvent {
  const rng = new Rng(mix(seed, rec.seq, 0xe7e47));
  const shape = shapeOf(rec.type);
  // A type served as its documented sample uses that sample's format whenever drift is on (§3.4, §4).
  const sampleForm = drift && shape.asDocumentedSample === true;
  const kind = sampleForm ? 5 : drift ? driftKind(seed, rec.seq) : 0;
  const upper = kind === 4 || kind === 5;
  const raw: RawEvent = {
    id: rec.id,
    timestamp: formatTimestamp(rec.time, kind),
    alert: (kind === 4 || sampleForm) && rec.alert ? 1 : rec.alert,
    description: descriptionOf(rec),
    event_type: { id: rec.type.id, description: rec.type.name },
    event_source:
      kind === 5
        ? { id: rec.source, name: SOURCE_NAMES[rec.source] }
        : { id: rec.source, description: SOURCE_NAMES[rec.source] },
    event_severity: {
      id: rec.severity,
      description: upper ? SEVERITY_NAMES[rec.severity].toUpperCase() : SEVERITY_NAMES[rec.severity],
    },
    organisation: { id: rec.organisation.id, name: rec.organisation.name },
  };
  if (rec.user) {
    raw.user = { id: rec.user.id, name: rec.user.name, username: rec.user.username };
  }
  const d = rec.device;
  if (d) {
    raw.endpoint = { id: d.endpointId, name: d.name, ip_address: d.ip, tags: d.tags, imei: d.imei };
    raw.sim = { id: d.simId, iccid: d.iccid, production_date: d.productionDate };
    raw.imsi = { id: d.imsiId, imsi: d.imsi, import_date: d.importDate };
  }
  const detail = shape.detail?.(rec, rng);
  if (detail) {
    raw.detail = detail as RawEvent['detail'];
  } else if (shape.asDocumentedSample) {
    // The documented sample shows explicit nulls (§3.1).
    Object.assign(raw, { user: null, endpoint: null, sim: null, imsi: null, detail: null });
  }
  return raw;
}
