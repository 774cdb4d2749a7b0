/**
 * Drawing events from a seeded stream: the fields every event has (type, device, user, severity), then
 * what its type adds (shapes/). Ids and visibility are the store's. The order of draws is the seed's
 * output: reordering any of them changes every event after it (determinism.test.ts pins this).
 */
import { EventTypeDef, GENERATED_TYPES } from './catalogue';
import type { Rng } from './random';
import type { EventRecord } from './record';
import { shapeOf } from './shapes';
import type { World } from './world';

/** Share of 'action' events done with an application token (no `user`, §3.1). */
const APP_TOKEN_SHARE = 0.25;

/** Draws the next event (without id and visibility) from a generation stream. */
export function drawEvent(rng: Rng, world: World, seq: number, time: number, forcedType?: EventTypeDef): EventRecord {
  const type = forcedType ?? rng.weighted(GENERATED_TYPES);
  const rec: EventRecord = {
    seq,
    id: 0,
    time,
    visibleAt: time,
    type,
    organisation: world.organisation,
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
  shapeOf(type).draw?.(rec, rng, world);
  return rec;
}
