/**
 * PDP context (§4): Create (some rejected by policy), Update and Delete PDP Context, with the operator,
 * RAT type, tunnel details and, on Delete, the session's volume (examples B and C, §3.2).
 */
import type { Rng } from '../random';
import type { EventRecord } from '../record';
import type { World } from '../world';
import { operatorBlock, operatorFor } from './operators';
import type { CategoryShapes } from './shape';

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

/** Share of Create PDP Context requests rejected by policy. */
const PDP_REJECTION_SHARE = 0.03;

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

function drawPdp(rec: EventRecord, rng: Rng, world: World): void {
  if (!rec.device) {
    return;
  }
  if (rec.type.id === 3 && rng.chance(PDP_REJECTION_SHARE)) {
    // A rejected Create PDP Context: Policy Control, Warn, alert, no detail (§3.2).
    rec.rejected = true;
    rec.source = 1;
    rec.severity = 1;
    rec.alert = true;
  } else {
    rec.operator = operatorFor(rng, world, rec.device);
    rec.rat = rng.weighted(RAT_WEIGHTS);
    if (rec.type.id === 5) {
      rec.rxBytes = rng.int(0, 4_000_000);
      rec.txBytes = rng.int(0, 1_500_000);
    }
  }
}

function pdpDetail(rec: EventRecord, rng: Rng): Record<string, unknown> | undefined {
  if (!rec.operator) {
    return undefined;
  }
  const d = rec.device!;
  const op = rec.operator;
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

export const PDP: CategoryShapes = {
  category: 'pdp',
  types: {
    3: {
      draw: drawPdp,
      description(rec) {
        if (rec.rejected) {
          return PDP_REJECTIONS[rec.variant % PDP_REJECTIONS.length];
        }
        const [cp, dp] = sgsnOf(rec);
        return `New PDP Context successfully activated with SGSN CP=${cp}, DP=${dp}.`;
      },
      detail: pdpDetail,
    },
    4: { draw: drawPdp, description: () => 'PDP Context updated.', detail: pdpDetail },
    5: { draw: drawPdp, description: () => 'PDP Context deleted.', detail: pdpDetail },
  },
};
