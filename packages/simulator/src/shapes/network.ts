/** Network attachment (§4): Update location, Update GPRS location (with the operator), Purge location. */
import type { EventRecord } from '../record';
import { operatorBlock, operatorFor } from './operators';
import type { CategoryShapes, TypeShape } from './shape';

function vlrOf(rec: EventRecord): string {
  return `${rec.operator?.country.countryCode ?? ''}17${String(rec.variant).padStart(7, '0')}`;
}

/** Update location / Update GPRS location: the operator, its TAP codes and MNCs (example A, §3.2). */
function updateLocation(node: 'VLR' | 'SGSN'): TypeShape {
  return {
    draw(rec, rng, world) {
      if (rec.device) {
        rec.operator = operatorFor(rng, world, rec.device);
      }
    },
    description: (rec) =>
      `New location received from ${node} for IMSI='${rec.device?.imsi}', now attached to ${node}='${vlrOf(rec)}'.`,
    detail(rec) {
      const op = rec.operator!;
      return {
        ...operatorBlock(op),
        tapcode: op.tapcodes.map((tapcode, i) => ({ id: op.id * 10 + i, tapcode })),
        mnc: op.mnc.map((mnc, i) => ({ id: op.id * 10 + i, mnc })),
      };
    },
  };
}

export const NETWORK: CategoryShapes = {
  category: 'network',
  types: {
    1: updateLocation('VLR'),
    2: updateLocation('SGSN'),
    15: { description: (rec) => `VLR location information has been purged for IMSI='${rec.device?.imsi}'.` },
    16: { description: (rec) => `SGSN location information has been purged for IMSI='${rec.device?.imsi}'.` },
  },
};
