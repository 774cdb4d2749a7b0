/** Organisation and billing (§4): organisation blocked (its documented sample), updated, billing configuration. */
import type { CategoryShapes } from './shape';

const LEGAL_FORM = / (GmbH|AG|SE|B\.V\.|N\.V\.|Ltd|plc|Inc\.|LLC|S\.A\.|SAS|S\.p\.A\.)$/;

function withoutLegalForm(name: string): string {
  return name.replace(LEGAL_FORM, '');
}

export const ORGANISATION_SHAPES: CategoryShapes = {
  category: 'organisation',
  types: {
    12: { description: () => 'Organisation blocked because of overdue invoices.', asDocumentedSample: true },
    31: {
      description: (rec) => `Organisation '${rec.organisation.name}' updated.`,
      // Renamed from its name without the legal form ('Acme Fleet' → 'Acme Fleet GmbH').
      detail: (rec) => ({
        changed_data: [{ name: { old: withoutLegalForm(rec.organisation.name), new: rec.organisation.name } }],
      }),
    },
    32: {
      description: () => 'Billing configuration updated.',
      detail: () => ({ billing_config: { payment_type: 'invoice', currency: 'EUR', billing_period: 'monthly' } }),
    },
  },
};
