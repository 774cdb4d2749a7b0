/**
 * Quota (§4): data and SMS quota thresholds, used up, enabled/disabled, assigned/deleted and expired
 * (example E, §3.3).
 */
import type { CategoryShapes, TypeShape } from './shape';

/** Data quota threshold reached (18) and used up (19). */
const dataQuota =
  (usedUp: boolean): TypeShape['detail'] =>
  (_rec, rng) => ({
    quota: {
      threshold_percentage: 20,
      threshold_volume: 10,
      volume: usedUp ? 0 : Number((rng.next() * 10).toFixed(2)),
    },
  });

/** SMS quota threshold reached (20) and used up (21): volumes as strings, traffic type SMS. */
const smsQuota =
  (usedUp: boolean): TypeShape['detail'] =>
  () => ({
    quota: {
      threshold_percentage: 20,
      threshold_volume: 10,
      volume: usedUp ? '0.000000' : '2.000000',
      traffic_type: { id: 6, description: 'SMS' },
    },
  });

/** Data (56) and SMS (58) quota assigned. Note the camelCase keys of the assigned-quota detail (§3.3). */
const assignedQuota =
  (data: boolean): TypeShape['detail'] =>
  (rec, rng) => ({
    quota: {
      status: { id: 1, description: 'ACTIVE' },
      action_on_exhaustion: rng.chance(0.5)
        ? { id: 1, description: 'Block' }
        : { id: 2, description: 'Throttle', peak_throughput: 128000 },
      volume: data ? 1000 : 50,
      expiryDate: new Date(rec.time + 30 * 86_400_000).toISOString(),
      lastVolumeAdded: data ? 1000 : 50,
      lastStatusChangeDate: new Date(rec.time).toISOString(),
      autoRefill: 0,
      thresholdPercentage: 20,
      thresholdVolume: data ? 200 : 10,
    },
  });

/** Quota changes of one endpoint (52-61): "<type name> for endpoint '<name>'." */
const forEndpoint: TypeShape['description'] = (rec) => `${rec.type.name} for endpoint '${rec.device?.name}'.`;

export const QUOTA: CategoryShapes = {
  category: 'quota',
  types: {
    18: { description: () => 'Endpoint quota threshold reached, volume is below 20%.', detail: dataQuota(false) },
    19: { description: () => 'Endpoint quota used up, data traffic is blocked.', detail: dataQuota(true) },
    20: { description: () => 'Endpoint SMS quota threshold reached, volume is below 20%.', detail: smsQuota(false) },
    21: { description: () => 'Endpoint SMS quota used up.', detail: smsQuota(true) },
    52: { description: forEndpoint },
    53: { description: forEndpoint },
    54: { description: forEndpoint },
    55: { description: forEndpoint },
    56: { description: forEndpoint, detail: assignedQuota(true) },
    57: { description: forEndpoint },
    58: { description: forEndpoint, detail: assignedQuota(false) },
    59: { description: forEndpoint },
    60: { description: forEndpoint },
    61: { description: forEndpoint },
  },
};
