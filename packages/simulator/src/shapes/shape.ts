/**
 * What an event type looks like beyond the fields every event has: what it draws when generated, its
 * description text and its `detail`. One module per category of ../shared/emnify-api.md §4 holds the
 * shapes of its types (network.ts, pdp.ts, sim.ts...); index.ts looks them up by type id.
 */
import type { Category } from '../catalogue';
import type { Rng } from '../random';
import type { EventRecord } from '../record';
import type { World } from '../world';

export interface TypeShape {
  /**
   * Draws what the type adds to a record (operator, RAT, volumes, ...) from the generation stream, after
   * the fields every event draws. The order of draws is part of the seed's output: never reorder them.
   */
  draw?(rec: EventRecord, rng: Rng, world: World): void;
  /** The description text, as the API's examples word it (§3, §5) where they show one. */
  description?(rec: EventRecord): string;
  /** `detail`, or undefined when this event carries none; `rng` is the event's own materialisation stream. */
  detail?(rec: EventRecord, rng: Rng): Record<string, unknown> | undefined;
  /**
   * Served as its documented sample (§3.1, §3.4): explicit nulls for user, endpoint, sim, imsi and detail,
   * and, with drift on, always `event_source {id, name}`, upper-case severity and `alert: 1`.
   */
  asDocumentedSample?: true;
}

/** The shapes of one category's types, by type id. */
export interface CategoryShapes {
  category: Category;
  types: Readonly<Record<number, TypeShape>>;
}
