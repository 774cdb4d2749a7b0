/** SIM orders (§4): submitted and status updates. */
import type { CategoryShapes } from './shape';

const ORDER_STATES = ['Shipped', 'Delivered', 'Cancelled'] as const;
const orderNumber = (variant: number) => 8100 + (variant % 100);

export const ORDER: CategoryShapes = {
  category: 'order',
  types: {
    38: { description: (rec) => `Order ${orderNumber(rec.variant)} submitted for 100 SIMs.` },
    39: {
      description: (rec) =>
        `Order ${orderNumber(rec.variant)} status changed to '${ORDER_STATES[rec.variant % ORDER_STATES.length]}'.`,
    },
  },
};
