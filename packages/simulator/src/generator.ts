/**
 * Events: a compact record per event (what filtering, sorting and the ground truth need), drawn from a
 * seeded stream, and `materialise`, which builds the full API JSON of a record deterministically from
 * (seed, record.seq) only when it is served. Shapes follow ../shared/emnify-api.md §3 and §5.
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
  device: Device | undefined;
  /** Network events with an operator block (1, 2, and 3/5 with detail). */
  operator: Operator | undefined;
  user: User | undefined;
  /** Picks among description/detail variants of the type; non-negative. */
  variant: number;
  /** Create PDP Context rejected by policy (source 1, no detail). */
  rejected: boolean;
  /** SIM activation done automatically after the factory test (source Policy Control). */
  automatic: boolean;
  /** PDP context RAT type (Create/Delete PDP Context with detail), else 0. */
  rat: number;
  /** Delete PDP Context volume in bytes (MB × 1e6), else 0. */
  rxBytes: number;
  txBytes: number;
}

export const PDP_REJECTIONS = [
  'PDP Context Request rejected, because data service disabled in service profile.',
  'PDP Context Request rejected, because endpoint has no quota.',
  'PDP Context Request rejected, because quota volume of endpoint is exhausted and defined action is to block data traffic.',
  'PDP Context Request rejected, because SIM is not activated.',
] as const;

/** RAT types (3GPP GTP RAT-Type codes, §3.2): mostly LTE, some 2G, NB-IoT and LTE-M. */
const RAT_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [6, 70],
  [2, 10],
  [8, 10],
  [9, 10],
];

/** Share of devices' network events on a foreign network. */
const ROAMING_SHARE = 0.12;
/** Share of Create PDP Context requests rejected by policy. */
const PDP_REJECTION_SHARE = 0.03;
/** Share of 'action' events done with an application token (no `user`, §3.1). */
const APP_TOKEN_SHARE = 0.25;
/** Share of SIM activations done automatically after the factory test. */
const AUTOMATIC_ACTIVATION_SHARE = 0.4;

function operatorFor(rng: Rng, world: World, device: Device): Operator {
  if (rng.chance(ROAMING_SHARE)) {
    return rng.pick(world.roamingOperators.get(device.home.iso)!);
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
    device: undefined,
    operator: undefined,
    user: undefined,
    variant: rng.int(0, 999_999),
    rejected: false,
    automatic: false,
    rat: 0,
    rxBytes: 0,
    txBytes: 0,
  };
  if (type.device) {
    rec.device = rng.pick(world.devices);
  }
  if (type.user === 'always' || (type.user === 'action' && !rng.chance(APP_TOKEN_SHARE))) {
    rec.user = rng.pick(world.users);
  }
  if (type.criticalShare && rng.chance(type.criticalShare)) {
    rec.severity = 2;
  }
  if ((type.id === 1 || type.id === 2) && rec.device) {
    rec.operator = operatorFor(rng, world, rec.device);
  }
  if ((type.id === 3 || type.id === 4 || type.id === 5) && rec.device) {
    if (type.id === 3 && rng.chance(PDP_REJECTION_SHARE)) {
      // A rejected Create PDP Context: Policy Control, Warn, alert, no detail (§3.2).
      rec.rejected = true;
      rec.source = 1;
      rec.severity = 1;
      rec.alert = true;
    } else {
      rec.operator = operatorFor(rng, world, rec.device);
      rec.rat = rng.weighted(RAT_WEIGHTS);
      if (type.id === 5) {
        rec.rxBytes = rng.int(0, 4_000_000);
        rec.txBytes = rng.int(0, 1_500_000);
      }
    }
  }
  if (type.id === 8 && !rec.user && rng.chance(AUTOMATIC_ACTIVATION_SHARE)) {
    // SIM activated automatically after its factory test: Policy Control (§4).
    rec.automatic = true;
    rec.source = 1;
  }
  return rec;
}

/** MB with up to 6 decimals from a byte count (exact: bytes = MB × 1e6). */
export function mb(bytes: number): number {
  return Number((bytes / 1_000_000).toFixed(6));
}

/** SGSN control/data-plane addresses of a PDP event, also quoted in the Create description. */
function sgsnOf(rec: EventRecord): [string, string] {
  const net = `80.187.${(rec.variant >> 8) % 256}`;
  const host = (rec.variant % 253) + 1;
  return [`${net}.${host}`, `${net}.${host + 1}`];
}

function openVpnIp(rec: EventRecord): string {
  return `91.64.${(rec.variant >> 8) % 256}.${(rec.variant % 254) + 1}`;
}

function vlrOf(rec: EventRecord): string {
  return `${rec.operator?.country.countryCode ?? ''}17${String(rec.variant).padStart(7, '0')}`;
}

const ORDER_STATES = ['Shipped', 'Delivered', 'Cancelled'] as const;

/** The event's description text, as the API's examples word it (§3, §5) where it shows one. */
export function descriptionOf(rec: EventRecord): string {
  const d = rec.device;
  const u = rec.user;
  const v = rec.variant;
  switch (rec.type.id) {
    case 0:
      return v % 2 === 0
        ? 'Endpoint disconnected to apply throttling.'
        : 'Endpoint disconnected to apply quota update.';
    case 1:
      return `New location received from VLR for IMSI='${d?.imsi}', now attached to VLR='${vlrOf(rec)}'.`;
    case 2:
      return `New location received from SGSN for IMSI='${d?.imsi}', now attached to SGSN='${vlrOf(rec)}'.`;
    case 3: {
      if (rec.rejected) {
        return PDP_REJECTIONS[v % PDP_REJECTIONS.length];
      }
      const [cp, dp] = sgsnOf(rec);
      return `New PDP Context successfully activated with SGSN CP=${cp}, DP=${dp}.`;
    }
    case 4:
      return 'PDP Context updated.';
    case 5:
      return 'PDP Context deleted.';
    case 6:
      return `Failed authentication request from '${u?.username}', Reason: Invalid password from IP 176.11.24.${v % 250}`;
    case 7:
      return `Failed authentication request from 'Fleet Backend Token', Reason: TokenStatus Revoked from IP 54.64.35.${v % 250}`;
    case 8:
      return rec.automatic
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
    case 13:
      return `Support user 'support@emnify.example' accessed the organisation as '${u?.username}'.`;
    case 14:
      return `Multi-factor authentication enabled for user '${u?.username}'.`;
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
    case 22:
      return "CloudConnect TGW resource share 'acme-tgw-share' created.";
    case 23:
      return 'CloudConnect transit gateway attachment is available.';
    case 24:
      return 'CloudConnect VPN breakout is available.';
    case 25:
      return 'CloudConnect TGW breakout terminated.';
    case 26:
      return 'CloudConnect VPN breakout terminated.';
    case 27:
      return "CloudConnect connection state changed from 'pending' to 'available'.";
    case 28:
      return `OpenVPN client connected from ${openVpnIp(rec)}.`;
    case 29:
      return `OpenVPN client disconnected from ${openVpnIp(rec)}.`;
    case 30:
      return `OpenVPN authentication succeeded for client ${openVpnIp(rec)}.`;
    case 31:
      return `Organisation '${ORGANISATION.name}' updated.`;
    case 32:
      return 'Billing configuration updated.';
    case 33:
      return 'Tariff plan updated.';
    case 34:
      return 'Usage tariff updated.';
    case 38:
      return `Order ${8100 + (v % 100)} submitted for 100 SIMs.`;
    case 39:
      return `Order ${8100 + (v % 100)} status changed to '${ORDER_STATES[v % ORDER_STATES.length]}'.`;
    case 41:
      return `User '${u?.username}' verified.`;
    case 42:
      return "Status of endpoint changed from 'Disabled' to 'Enabled'";
    case 43:
      return "Status of endpoint changed from 'Enabled' to 'Disabled'";
    case 44:
      return `SIM issued to organisation '${ORGANISATION.name}'.`;
    case 45:
      return "Status of SIM changed from 'Issued' to 'Factory Test'";
    case 46:
      return `User '${u?.username}' deleted.`;
    case 48:
      return `SIM batch registered to organisation '${ORGANISATION.name}'.`;
    case 49:
      return 'PDP Context deleted and no new PDP Context created within 5 minutes.';
    case 50:
      return `SIM released from endpoint '${d?.name}'.`;
    case 51:
      return `SIM assigned to endpoint '${d?.name}'.`;
    case 52:
    case 53:
    case 54:
    case 55:
    case 56:
    case 57:
    case 58:
    case 59:
    case 60:
    case 61:
      return `${rec.type.name} for endpoint '${d?.name}'.`;
    case 65:
      return 'Endpoint data traffic limit warning: 80% of the daily limit used.';
    case 67:
      return `User '${u?.username}' switched to workspace 'Acme Fleet Staging'.`;
    default:
      return `${rec.type.name}.`;
  }
}

function operatorBlock(op: Operator): { id: number; name: string; country: Record<string, unknown> } {
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
  const isDelete = rec.type.id === 5;
  const gtp = rec.rat === 2 ? 1 : 2;
  const created = new Date(rec.time - (isDelete ? rng.int(60, 7200) * 1000 : 0)).toISOString();
  const [cp, dp] = sgsnOf(rec);
  const pdp: Record<string, unknown> = {
    pdp_context_id: 51_700_000 + (rec.variant % 100_000),
    tunnel_created: created,
    gtp_version: gtp,
    rat_type: rec.rat,
    apn: isDelete && rng.chance(0.3) ? null : 'em',
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
    breakout_ip: isDelete && rng.chance(0.3) ? null : `52.16.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    sgsn_control_plane_ip_address: cp,
    sgsn_data_plane_ip_address: dp,
    ggsn_control_plane_ip_address: '52.16.0.5',
    ggsn_data_plane_ip_address: '52.16.0.6',
    rx_teid: rng.int(1e7, 2e9),
    tx_teid_control_plane: rng.int(1e7, 2e9),
    tx_teid_data_plane: rng.int(1e7, 2e9),
  };
  if (!isDelete) {
    Object.assign(pdp, {
      operator_id: String(op.id),
      tariff_profile_id: '424560',
      ratezone_id: '8178',
      tariff_id: '555',
    });
  }
  const detail: Record<string, unknown> = {
    ...operatorBlock(op),
    session_id: `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`,
  };
  if (isDelete) {
    detail.volume = { total: mb(rec.rxBytes + rec.txBytes), rx: mb(rec.rxBytes), tx: mb(rec.txBytes) };
  }
  detail.pdp_context = pdp;
  return detail;
}

/** `detail` of a record, or undefined when the type carries none (§3.2, §3.3). */
function detailOf(rec: EventRecord, rng: Rng): Record<string, unknown> | undefined {
  const id = rec.type.id;
  if ((id === 3 || id === 4 || id === 5) && rec.operator) {
    return pdpDetail(rec, rng);
  }
  switch (id) {
    case 1:
    case 2: {
      const op = rec.operator!;
      return {
        ...operatorBlock(op),
        tapcode: op.tapcodes.map((tapcode, i) => ({ id: op.id * 10 + i, tapcode })),
        mnc: op.mnc.map((mnc, i) => ({ id: op.id * 10 + i, mnc })),
      };
    }
    case 8:
      return rec.automatic
        ? {
            transition: {
              sim: {
                status: { from: { id: 4, description: 'FACTORY TEST' }, to: { id: 1, description: 'ACTIVATED' } },
              },
              reason: 'Factory test volume used',
            },
          }
        : undefined;
    case 18:
    case 19:
      return {
        quota: {
          threshold_percentage: 20,
          threshold_volume: 10,
          volume: id === 19 ? 0 : Number((rng.next() * 10).toFixed(2)),
        },
      };
    case 20:
    case 21:
      return {
        quota: {
          threshold_percentage: 20,
          threshold_volume: 10,
          volume: id === 21 ? '0.000000' : '2.000000',
          traffic_type: { id: 6, description: 'SMS' },
        },
      };
    case 56:
    case 58:
      // Note the camelCase keys of the assigned-quota detail (§3.3).
      return {
        quota: {
          status: { id: 1, description: 'ACTIVE' },
          action_on_exhaustion: rng.chance(0.5)
            ? { id: 1, description: 'Block' }
            : { id: 2, description: 'Throttle', peak_throughput: 128000 },
          volume: id === 56 ? 1000 : 50,
          expiryDate: new Date(rec.time + 30 * 86_400_000).toISOString(),
          lastVolumeAdded: id === 56 ? 1000 : 50,
          lastStatusChangeDate: new Date(rec.time).toISOString(),
          autoRefill: 0,
          thresholdPercentage: 20,
          thresholdVolume: id === 56 ? 200 : 10,
        },
      };
    case 13:
      return {
        support_username: 'support@emnify.example',
        support_user_org: { id: 2, name: 'emnify support' },
        target_username: rec.user?.username,
      };
    case 31:
      return { changed_data: [{ name: { old: 'Acme Fleet', new: ORGANISATION.name } }] };
    case 32:
      return { billing_config: { payment_type: 'invoice', currency: 'EUR', billing_period: 'monthly' } };
    case 46:
      return {
        user: { id: 279000 + (rec.variant % 100), username: `former.colleague${rec.variant % 100}@acme.example` },
      };
    case 48:
      return {
        sim_batch: {
          id: 8123,
          sim_model: { id: 3 },
          batch_size: 100,
          first_iccid: rec.device!.iccid,
          last_iccid: rec.device!.iccid,
        },
      };
    case 50:
      return { imei: rec.device!.imei };
    case 51:
      // §3.3 documents `detail.imei`; the recorded app-token SIM Assigned event carried `{}` (§3.1).
      return rec.user ? { imei: rec.device!.imei } : {};
    case 22:
    case 23:
    case 24:
    case 25:
    case 26:
    case 27: {
      const tgw = id <= 23 || id === 25;
      const detail: Record<string, unknown> = {
        username: rec.user?.username ?? 'Application Token',
        breakout_id: 300 + (rec.variant % 50),
        creation_date: new Date(rec.time - 86_400_000).toISOString(),
        region: 'eu-west-1',
        breakout_type_id: tgw ? 1 : 2,
        breakout_type: tgw ? 'TGW' : 'VPN',
        price: tgw ? 300 : 150,
      };
      if (id === 22) {
        detail.resource_share_name = 'acme-tgw-share';
      }
      if (id === 25 || id === 26) {
        detail.deletion_date = new Date(rec.time).toISOString();
      }
      return detail;
    }
    case 28:
    case 29:
    case 30:
      return {
        region: 'eu-west-1',
        client: { public_ip: openVpnIp(rec), version: '2.6.8', private_ip: `10.199.0.${rng.int(2, 254)}` },
        protocol: 'udp',
      };
    default:
      return undefined;
  }
}

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
  let kind = drift ? driftKind(seed, rec.seq) : 0;
  if (drift && rec.type.id === 12) {
    // The documented Organisation blocked sample uses `event_source.name` and `alert: 1` (§3.4, §4).
    kind = 5;
  }
  const upper = kind === 4 || kind === 5;
  const raw: RawEvent = {
    id: rec.id,
    timestamp: formatTimestamp(rec.time, kind),
    alert: (kind === 4 || (kind === 5 && rec.type.id === 12)) && rec.alert ? 1 : rec.alert,
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
    organisation: { id: ORGANISATION.id, name: ORGANISATION.name },
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
  const detail = detailOf(rec, rng);
  if (detail) {
    raw.detail = detail as RawEvent['detail'];
  } else if (rec.type.id === 12) {
    // Organisation blocked shows explicit nulls in the docs (§3.1).
    Object.assign(raw, { user: null, endpoint: null, sim: null, imsi: null, detail: null });
  }
  return raw;
}

export function iccidWithLuhn(iccid: string): string {
  return iccid + luhnDigit(iccid);
}

export function typeById(id: number): EventTypeDef | undefined {
  return EVENT_TYPE_BY_ID.get(id);
}
