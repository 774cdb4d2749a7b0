/** Tariffs (§4): tariff plan and usage tariff updates. */
import type { CategoryShapes } from './shape';

export const TARIFF: CategoryShapes = {
  category: 'tariff',
  types: {
    33: { description: () => 'Tariff plan updated.' },
    34: { description: () => 'Usage tariff updated.' },
  },
};
