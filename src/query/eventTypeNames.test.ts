import { withEventTypeIds } from './eventTypeNames';
import { EmnifyQuery } from '../types';

const TYPES = [
  { id: 1, description: 'Update Location' },
  { id: 3, description: 'Create PDP Context' },
  { id: 5, description: 'Delete PDP Context' },
];
const query = (eventTypes?: string[]): EmnifyQuery => ({ refId: 'A', format: 'table', eventTypes });

describe('withEventTypeIds', () => {
  it('turns names (any case, as events or the lookup spell them) into ids and keeps ids', () => {
    expect(withEventTypeIds(query(['update location', ' Create PDP Context ', '5', '']), TYPES).eventTypes).toEqual([
      '1',
      '3',
      '5',
      '',
    ]);
  });

  it('leaves a query without names as it is, even when the lookup could not be read', () => {
    const ids = query(['3', '5']);
    expect(withEventTypeIds(ids, [])).toBe(ids);
    expect(withEventTypeIds(query(), [])).toEqual(query());
  });

  it('names an unknown type, and a name it cannot look up', () => {
    expect(() => withEventTypeIds(query(['3', 'Update Locaton']), TYPES)).toThrow(
      'Invalid filter "type": "Update Locaton" is not an event type of the lookup (/api/v1/event/type): pick it from the list, or give its numeric id'
    );
    expect(() => withEventTypeIds(query(['Update Location']), [])).toThrow(
      'Invalid filter "type": "Update Location" is a type name, and the type lookup (/api/v1/event/type) could not be read to find its id: give the numeric id, or try again'
    );
  });
});
