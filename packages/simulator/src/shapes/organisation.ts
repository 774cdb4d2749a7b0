/** Organisation and billing (§4): organisation blocked (its documented sample), updated, billing configuration. */
import { ORGANISATION } from '../world';
import type { CategoryShapes } from './shape';

export const ORGANISATION_SHAPES: CategoryShapes = {
  category: 'organisation',
  types: {
    12: { description: () => 'Organisation blocked because of overdue invoices.', asDocumentedSample: true },
    31: {
      description: () => `Organisation '${ORGANISATION.name}' updated.`,
      detail: () => ({ changed_data: [{ name: { old: 'Acme Fleet', new: ORGANISATION.name } }] }),
    },
    32: {
      description: () => 'Billing configuration updated.',
      detail: () => ({ billing_config: { payment_type: 'invoice', currency: 'EUR', billing_period: 'monthly' } }),
    },
  },
};
