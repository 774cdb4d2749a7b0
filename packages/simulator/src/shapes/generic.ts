/** Generic (§4): the platform's catch-all type, here disconnects to apply throttling or a quota update. */
import type { CategoryShapes } from './shape';

export const GENERIC: CategoryShapes = {
  category: 'generic',
  types: {
    0: {
      description: (rec) =>
        rec.variant % 2 === 0
          ? 'Endpoint disconnected to apply throttling.'
          : 'Endpoint disconnected to apply quota update.',
    },
  },
};
