/**
 * The shapes of all event types by id, gathered from one module per category. A type without a shape
 * (or without a description) reads "<type name>." and carries no detail.
 */
import type { EventTypeDef } from '../catalogue';
import type { EventRecord } from '../record';
import { AUTH } from './auth';
import { CLOUDCONNECT } from './cloudconnect';
import { ENDPOINT } from './endpoint';
import { GENERIC } from './generic';
import { NETWORK } from './network';
import { OPENVPN } from './openvpn';
import { ORDER } from './order';
import { ORGANISATION_SHAPES } from './organisation';
import { PDP } from './pdp';
import { QUOTA } from './quota';
import type { CategoryShapes, TypeShape } from './shape';
import { SIM } from './sim';
import { TARIFF } from './tariff';

export const CATEGORY_SHAPES: readonly CategoryShapes[] = [
  GENERIC,
  NETWORK,
  PDP,
  AUTH,
  SIM,
  ENDPOINT,
  ORGANISATION_SHAPES,
  QUOTA,
  CLOUDCONNECT,
  OPENVPN,
  TARIFF,
  ORDER,
];

const SHAPES: ReadonlyMap<number, TypeShape> = new Map(
  CATEGORY_SHAPES.flatMap(({ types }) => Object.entries(types).map(([id, shape]) => [Number(id), shape] as const))
);

const NO_SHAPE: TypeShape = {};

export function shapeOf(type: EventTypeDef): TypeShape {
  return SHAPES.get(type.id) ?? NO_SHAPE;
}

/** The event's description text. */
export function descriptionOf(rec: EventRecord): string {
  return shapeOf(rec.type).description?.(rec) ?? `${rec.type.name}.`;
}
