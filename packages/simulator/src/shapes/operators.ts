/** The operator of a network event: drawn for a device (home or roaming), and its block in `detail`. */
import type { Rng } from '../random';
import type { Device, Operator, World } from '../world';

/** Share of devices' network events on a foreign network. */
const ROAMING_SHARE = 0.12;

export function operatorFor(rng: Rng, world: World, device: Device): Operator {
  if (rng.chance(ROAMING_SHARE)) {
    return rng.pick(world.roamingOperators.get(device.home.iso)!);
  }
  const local = world.operatorsByCountry.get(device.home.iso)!;
  // The first operator of a country carries most of the fleet.
  return rng.weighted(local.map((o, i) => [o, i === 0 ? 3 : 1] as const));
}

/** `{id, name, country}` as network and PDP details carry them (§3.2). */
export function operatorBlock(op: Operator): { id: number; name: string; country: Record<string, unknown> } {
  const c = op.country;
  return {
    id: op.id,
    name: op.name,
    country: { id: c.id, name: c.name, country_code: c.countryCode, mcc: c.mcc, iso_code: c.iso },
  };
}
