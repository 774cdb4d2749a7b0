/**
 * The compact record the simulator keeps per event: what filtering, sorting and the ground truth need.
 * The full API JSON is built from it only when served (materialise.ts).
 */
import type { EventTypeDef } from './catalogue';
import type { Device, Operator, Organisation, User } from './world';

export interface EventRecord {
  /** Generation sequence: the key of the event's own random stream. */
  seq: number;
  /** Assigned when the event becomes visible (ids grow in visibility order), or as it happens (idOrder 'timestamp'); 0 until then. */
  id: number;
  /** Event timestamp, epoch ms. */
  time: number;
  /** When the API starts to show it (time + lateness). */
  visibleAt: number;
  type: EventTypeDef;
  /** The simulator's organisation (shared, not copied). */
  organisation: Readonly<Organisation>;
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
