/**
 * SIM lifecycle (§4): activation (by a user, an application token, or automatically after the factory
 * test), suspension, deletion, issue, factory test, registration, release and assignment.
 */
import type { CategoryShapes } from './shape';

/** Share of SIM activations without a user (application token) done automatically after the factory test. */
const AUTOMATIC_ACTIVATION_SHARE = 0.4;

export const SIM: CategoryShapes = {
  category: 'sim',
  types: {
    8: {
      draw(rec, rng) {
        if (!rec.user && rng.chance(AUTOMATIC_ACTIVATION_SHARE)) {
          // SIM activated automatically after its factory test: Policy Control (§4).
          rec.automatic = true;
          rec.source = 1;
        }
      },
      description: (rec) =>
        rec.automatic
          ? "Status of SIM changed from 'Factory Test' to 'Activated' after factory test volume was used."
          : "Status of SIM changed from 'Suspended' to 'Activated'",
      detail: (rec) =>
        rec.automatic
          ? {
              transition: {
                sim: {
                  status: { from: { id: 4, description: 'FACTORY TEST' }, to: { id: 1, description: 'ACTIVATED' } },
                },
                reason: 'Factory test volume used',
              },
            }
          : undefined,
    },
    9: { description: () => "Status of SIM changed from 'Activated' to 'Suspended'" },
    10: { description: () => "Status of SIM changed from 'Suspended' to 'Deleted'" },
    44: { description: (rec) => `SIM issued to organisation '${rec.organisation.name}'.` },
    45: { description: () => "Status of SIM changed from 'Issued' to 'Factory Test'" },
    48: {
      description: (rec) => `SIM batch registered to organisation '${rec.organisation.name}'.`,
      detail: (rec) => ({
        sim_batch: {
          id: 8123,
          sim_model: { id: 3 },
          batch_size: 100,
          first_iccid: rec.device!.iccid,
          last_iccid: rec.device!.iccid,
        },
      }),
    },
    50: {
      description: (rec) => `SIM released from endpoint '${rec.device?.name}'.`,
      detail: (rec) => ({ imei: rec.device!.imei }),
    },
    51: {
      description: (rec) => `SIM assigned to endpoint '${rec.device?.name}'.`,
      // §3.3 documents `detail.imei`; the recorded app-token SIM Assigned event carried `{}` (§3.1).
      detail: (rec) => (rec.user ? { imei: rec.device!.imei } : {}),
    },
  },
};
