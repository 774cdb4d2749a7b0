/**
 * Events: a compact record per event (what filtering, sorting and the ground truth need), drawn from a
 * seeded stream, and `materialise`, which builds the full API JSON of a record deterministically from
 * (seed, record.seq) only when it is served. A million records fit in a few hundred MB.
 */
import type { RawEvent } from '@emnify-events/client';
import { EVENT_TYPE_BY_ID, EventTypeDef, GENERATED_TYPES, SEVERITY_NAMES, SOURCE_NAMES } from './catalogue';
import { Rng, mix } from './random';
import { Device, ORGANISATION, Operator, User, World, luhnDigit } from './world';

export interface EventRecord {
  /** Generation sequence: the key of the event's own random stream. */
  seq: number;
  /** Assigned when the event becomes visible (ids grow in visibility order). */
  id: number;
  /** Event timestamp, epoch ms. */
  time: number;
  /** When the API starts to show it (time + lateness). */
  visibleAt: number;
  type: EventTypeDef;
  source: number;
  severity: number;
  alert: boolean;
  device?: Device;
  operator?: Operator;
  user?: User;
  /** Picks among description/detail variants of the type. */
  variant: number;
  /** PDP context RAT type (Create/Delete PDP Context with detail). */
  rat?: number;
  /** Delete PDP Context volume in bytes (MB × 1e6). */
  rxBytes?: number;
  txBytes?: number;
}

const PDP_REJECTIONS = [
  'PDP Context Request rejected, because data service disabled in service profile.',
  'PDP Context Request rejected, because endpoint has no quota.',
  'PDP Context Request rejected, because quota volume of endpoint is exhausted and defined action is to block data traffic.',
  'PDP Context Request rejected, because SIM is not activated.',
];

const RAT_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [6, 70],
  [2, 10],
  [8, 10],
  [9, 10],
];

function operatorFor(rng: Rng, world: World, device: Device): Operator {
  const roaming = rng.chance(0.12);
  if (roaming) {
    return rng.pick(world.operators.filter((o) => o.country.iso !== device.home.iso));
  }
  const local = world.operatorsByCountry.get(device.home.iso)!;
  // The first operator of a country carries most of the fleet.
  return rng.weighted(local.map((o, i) => [o, i === 0 ? 3 : 1] as const));
}

/** Draws the next event (without id and visibility) from a generation stream. */
export function drawEvent(rng: Rng, world: World, seq: number, time: number, forcedType?: EventTypeDef): EventRecord {
  const type = forcedType ?? rng.weighted(GENERATED_TYPES);
  const rec: EventRecord = {
    seq,
    id: 0,
    time,
    visibleAt: time,
    type,
    source: type.source,
    severity: type.severity,
    alert: type.alert,
    variant: rng.int(0, 1_000_000),
  };
  if (type.device) {
    rec.device = rng.pick(world.devices);
  }
  if (type.user) {
    // A quarter of user-type actions are done with an application token: no user details (§3.1).
    rec.user = rng.chance(0.75) ? rng.pick(world.users) : undefined;
  }
  if (type.criticalShare && rng.chance(type.criticalShare)) {
    rec.severity = 2;
  }
  if (type.category === 'network' && (type.id === 1 || type.id === 2) && rec.device) {
    rec.operator = operatorFor(rng, world, rec.device);
  }
  if (type.category === 'pdp' && rec.device) {
    if (type.id === 3 && rng.chance(0.03)) {
      // A rejected Create PDP Context: Policy Control, Warn, alert, no detail (§3.2).
      rec.source = 1;
      rec.severity = 1;
      rec.alert = true;
      rec.variant = rng.int(0, PDP_REJECTIONS.length - 1);
    } else {
      rec.operator = operatorFor(rng, world, rec.device);
      rec.rat = rng.weighted(RAT_WEIGHTS);
      if (type.id === 5) {
        rec.rxBytes = rng.int(0, 4_000_000);
        rec.txBytes = rng.int(0, 1_500_000);
      }
    }
  }
  if (type.id === 8 && !rec.user && rng.chance(0.4)) {
    // SIM activated automatically after its factory test: Policy Control.
    rec.source = 1;
    rec.variant = -1;
  }
  return rec;
}

function mb(bytes: number): number {
  return Number((bytes / 1_000_000).toFixed(6));
}

function description(rec: EventRecord): string {
  const d = rec.device;
  const u = rec.user;
  const who = u ? u.username : 'Application Token';
  switch (rec.type.id) {
    case 1:
      return `New location received from VLR for IMSI='${d?.imsi}', now attached to VLR='${rec.operator?.country.countryCode}17${String(rec.variant).padStart(7, '0')}'.`;
    case 2:
      return `New location received from SGSN for IMSI='${d?.imsi}', now attached to SGSN='${rec.operator?.country.countryCode}17${String(rec.variant).padStart(7, '0')}'.`;
    case 3:
      return rec.operator ? 'New PDP Context successfully activated.' : PDP_REJECTIONS[rec.variant % PDP_REJECTIONS.length];
    case 5:
      return 'PDP Context deleted.';
    case 6:
      return `Failed authentication request from '${u?.username ?? 'unknown@acme.example'}', Reason: Invalid password from IP 176.11.24.${rec.variant % 250}`;
    case 7:
      return `Failed authentication request from 'Fleet Backend Token', Reason: TokenStatus Revoked from IP 54.64.35.${rec.variant % 250}`;
    case 8:
      return rec.variant === -1
        ? "Status of SIM changed from 'Factory Test' to 'Activated' after factory test volume was used."
        : "Status of SIM changed from 'Suspended' to 'Activated'";
    case 9:
      return "Status of SIM changed from 'Activated' to 'Suspended'";
    case 10:
      return "Status of SIM changed from 'Suspended' to 'Deleted'";
    case 11:
      return 'Endpoint blocked because monthly cost limit was exceeded.';
    case 12:
      return 'Organisation blocked because of overdue invoices.';
    case 15:
      return `VLR location information has been purged for IMSI='${d?.imsi}'.`;
    case 16:
      return `SGSN location information has been purged for IMSI='${d?.imsi}'.`;
    case 18:
      return 'Endpoint quota threshold reached, volume is below 20%.';
    case 19:
      return 'Endpoint quota used up, data traffic is blocked.';
    case 20:
      return 'Endpoint SMS quota threshold reached, volume is below 20%.';
    case 21:
      return 'Endpoint SMS quota used up.';
    case 49:
      return 'PDP Context deleted and no new PDP Context created within 5 minutes.';
    case 65:
      return 'Endpoint data traffic limit warning: 80% of the daily limit used.';
    default:
      return `${rec.type.name} by ${who}.`;
  }
}

function networkDetail(rec: EventRecord): Record<string, unknown> {
  const op = rec.operator!;
  const c = op.country;
  return {
    id: op.id,
    name: op.name,
    country: { id: c.id, name: c.name, country_code: c.countryCode, mcc: c.mcc, iso_code: c.iso },
  };
}

function pdpDetail(rec: EventRecord, rng: Rng): Record<string, unknown> {
  const d = rec.device!;
  const op = rec.operator!;
  const gtp = rec.rat === 2 ? 1 : 2;
  const created = new Date(rec.time - (rec.type.id === 5 ? rng.int(60, 7200) * 1000 : 0)).toISOString();
  const sgsn = `80.187.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const pdp: Record<string, unknown> = {
    pdp_context_id: 51700000 + (rec.variant % 100000),
    tunnel_created: created,
    gtp_version: gtp,
    rat_type: rec.rat,
    apn: rec.type.id === 5 && rng.chance(0.3) ? null : 'em',
    nsapi: 5,
    region: rng.pick(['eu-west-1', 'eu-central-1', 'us-east-1']),
    imsi: d.imsi,
    imeisv: d.imei + String(rng.int(0, 9)),
    mcc: op.country.mcc,
    mnc: op.mnc[0],
    lac: gtp === 1 ? rng.int(1000, 60000) : null,
    ci: gtp === 1 ? rng.int(1000, 60000) : null,
    sac: null,
    rac: gtp === 1 ? rng.int(1, 255) : null,
    ue_ip_address: d.ip,
    breakout_ip: rec.type.id === 5 && rng.chance(0.3) ? null : `52.16.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    sgsn_control_plane_ip_address: sgsn,
    sgsn_data_plane_ip_address: sgsn.replace(/\d+$/, (n) => String((Number(n) % 254) + 1)),
    ggsn_control_plane_ip_address: '52.16.0.5',
    ggsn_data_plane_ip_address: '52.16.0.6',
    rx_teid: rng.int(1e7, 2e9),
    tx_teid_control_plane: rng.int(1e7, 2e9),
    tx_teid_data_plane: rng.int(1e7, 2e9),
  };
  if (rec.type.id === 3) {
    Object.assign(pdp, { operator_id: String(op.id), tariff_profile_id: '424560', ratezone_id: '8178', tariff_id: '555' });
  }
  const detail: Record<string, unknown> = {
    ...networkDetail(rec),
    session_id: `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`,
    pdp_context: pdp,
  };
  if (rec.type.id === 5) {
    detail.volume = { total: mb(rec.rxBytes! + rec.txBytes!), rx: mb(rec.rxBytes!), tx: mb(rec.txBytes!) };
  }
  return detail;
}

function otherDetail(rec: EventRecord, rng: Rng): Record<string, unknown> | undefined {
  switch (rec.type.id) {
    case 1:
    case 2: {
      const op = rec.operator!;
      return {
        ...networkDetail(rec),
        tapcode: op.tapcodes.map((tapcode, i) => ({ id: op.id * 10 + i, tapcode })),
        mnc: op.mnc.map((mnc, i) => ({ id: op.id * 10 + i, mnc })),
      };
    }
    case 8:
      return rec.variant === -1
        ? {
            transition: {
              sim: { status: { from: { id: 4, description: 'FACTORY TEST' }, to: { id: 1, description: 'ACTIVATED' } } },
              reason: 'Factory test volume used',
            },
          }
        : undefined;
    case 18:
    case 19:
      return { quota: { threshold_percentage: 20, threshold_volume: 10, volume: rec.type.id === 19 ? 0 : Number((rng.next() * 10).toFixed(2)) } };
    case 20:
    case 21:
      return {
        quota: { threshold_percentage: 20, threshold_volume: 10, volume: rec.type.id === 21 ? '0.000000' : '2.000000', traffic_type: { id: 6, description: 'SMS' } },
      };
    case 56:
    case 58:
      return {
        quota: {
          status: { id: 1, description: 'ACTIVE' },
          action_on_exhaustion: rng.chance(0.5) ? { id: 1, description: 'Block' } : { id: 2, description: 'Throttle', peak_throughput: 128000 },
          volume: 1000,
          expiryDate: new Date(rec.time + 30 * 86_400_000).toISOString(),
          lastVolumeAdded: 1000,
          lastStatusChangeDate: new Date(rec.time).toISOString(),
          autoRefill: 0,
          thresholdPercentage: 20,
          thresholdVolume: 200,
        },
      };
    case 13:
      return { support_username: 'support@emnify.example', support_user_org: { id: 2, name: 'emnify support' }, target_username: rec.user?.username };
    case 31:
      return { changed_data: [{ name: { old: 'Acme Fleet', new: ORGANISATION.name } }] };
    case 32:
      return { billing_config: { payment_type: 'invoice', currency: 'EUR' } };
    case 48:
      return { sim_batch: { id: 8123, sim_model: { id: 3 }, batch_size: 100, first_iccid: rec.device!.iccid, last_iccid: rec.device!.iccid } };
    case 51:
      return { imei: rec.device!.imei };
    case 22:
    case 23:
    case 24:
    case 25:
    case 26:
    case 27:
      return {
        username: rec.user?.username ?? 'Application Token',
        breakout_id: 300 + (rec.variant % 50),
        creation_date: new Date(rec.time - 86_400_000).toISOString(),
        region: 'eu-west-1',
        breakout_type_id: rec.type.id <= 23 || rec.type.id === 25 ? 1 : 2,
        breakout_type: rec.type.id <= 23 || rec.type.id === 25 ? 'TGW' : 'VPN',
      };
    case 28:
    case 29:
    case 30:
      return {
        region: 'eu-west-1',
        client: { public_ip: `91.64.${rng.int(0, 255)}.${rng.int(1, 254)}`, version: '2.6.8', private_ip: `10.199.0.${rng.int(2, 254)}` },
        protocol: 'udp',
      };
    default:
      return undefined;
  }
}

/** Deterministic per-event drift choice (§3.4): about one event in ten differs in one way. */
export function driftKind(seed: number, seq: number): number {
  const h = mix(seed, seq, 0xd21f7) % 100;
  return h < 10 ? (h % 5) + 1 : 0;
}

function formatTimestamp(ms: number, drift: number): string {
  const iso = new Date(ms).toISOString();
  if (drift === 1) {
    return iso.replace('Z', '+0000');
  }
  if (drift === 2) {
    return iso.replace(/\.\d{3}Z$/, 'Z');
  }
  if (drift === 3) {
    return iso.replace('T', ' ').replace(/\.\d{3}Z$/, '');
  }
  return iso;
}

/** The full API JSON of a record. `drift` switches on the documented format inconsistencies. */
export function materialise(rec: EventRecord, seed: number, drift: boolean): RawEvent {
  const rng = new Rng(mix(seed, rec.seq, 0xe7e47));
  const kind = drift ? driftKind(seed, rec.seq) : 0;
  const raw: RawEvent = {
    id: rec.id,
    timestamp: formatTimestamp(rec.time, kind),
    alert: kind === 4 && rec.alert ? 1 : rec.alert,
    description: description(rec),
    event_type: { id: rec.type.id, description: rec.type.name },
    event_source: kind === 5 ? { id: rec.source, name: SOURCE_NAMES[rec.source] } : { id: rec.source, description: SOURCE_NAMES[rec.source] },
    event_severity: {
      id: rec.severity,
      description: kind === 4 || kind === 5 ? SEVERITY_NAMES[rec.severity].toUpperCase() : SEVERITY_NAMES[rec.severity],
    },
    organisation: { id: ORGANISATION.id, name: ORGANISATION.name },
  };
  if (rec.user) {
    raw.user = { id: rec.user.id, name: rec.user.name, username: rec.user.username };
  }
  const d = rec.device;
  if (d) {
    raw.endpoint = { id: d.endpointId, name: d.name, ip_address: d.ip, tags: d.tags, imei: d.imei };
    raw.sim = { id: d.simId, iccid: d.iccid, production_date: d.productionDate };
    raw.imsi = { id: d.imsiId, imsi: d.imsi, import_date: d.productionDate };
  }
  const detail = rec.type.category === 'pdp' && rec.operator ? pdpDetail(rec, rng) : otherDetail(rec, rng);
  if (detail) {
    raw.detail = detail as RawEvent["detail"];
  } else if (rec.type.id === 12) {
    // Organisation blocked shows explicit nulls in the docs (§3.1).
    Object.assign(raw, { user: null, endpoint: null, sim: null, imsi: null, detail: null });
  }
  return raw;
}

/** Description text of a record (for `q=description:` without building the whole event). */
export const descriptionOf = description;

export function iccidWithLuhn(iccid: string): string {
  return iccid + luhnDigit(iccid);
}

export function typeById(id: number): EventTypeDef | undefined {
  return EVENT_TYPE_BY_ID.get(id);
}
