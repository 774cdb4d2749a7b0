/**
 * Event types by name: the Type column, the exporter's `event_type` label and the explorer's type variable
 * show a type's name, and a name copied from any of them selects that type. The API's `type` filter takes
 * ids (../shared/emnify-api.md §2.5), so names become ids through the type lookup (`/api/v1/event/type`),
 * ignoring case and spaces around (the lookup writes "Update Location", events "Update location"). Pure.
 */
import { EventTypeInfo, FilterValidationError } from '@emnify-events/client';
import { EmnifyQuery } from '../types';

const isId = (text: string) => /^\s*\d+\s*$/.test(text);
const key = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

/** `query` with every event type name replaced by its id; ids stay. Throws FilterValidationError for a name the lookup lacks. */
export function withEventTypeIds(query: EmnifyQuery, types: readonly EventTypeInfo[]): EmnifyQuery {
  const names = query.eventTypes?.filter((t) => t.trim() !== '' && !isId(t)) ?? [];
  if (names.length === 0) {
    return query;
  }
  if (types.length === 0) {
    throw new FilterValidationError(
      'type',
      `"${names[0].trim()}" is a type name, and the type lookup (/api/v1/event/type) could not be read to find its id: give the numeric id, or try again`
    );
  }
  const ids = new Map(types.map((t) => [key(t.description), String(t.id)]));
  return {
    ...query,
    eventTypes: query.eventTypes!.map((t) => {
      if (t.trim() === '' || isId(t)) {
        return t;
      }
      const id = ids.get(key(t));
      if (id === undefined) {
        throw new FilterValidationError(
          'type',
          `"${t.trim()}" is not an event type of the lookup (/api/v1/event/type): pick it from the list, or give its numeric id`
        );
      }
      return id;
    }),
  };
}
