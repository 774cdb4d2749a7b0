/** Endpoint state (§4): blocked by cost limit, enabled/disabled, device offline, traffic limit warning. */
import type { CategoryShapes } from './shape';

export const ENDPOINT: CategoryShapes = {
  category: 'endpoint',
  types: {
    11: { description: () => 'Endpoint blocked because monthly cost limit was exceeded.' },
    42: { description: () => "Status of endpoint changed from 'Disabled' to 'Enabled'" },
    43: { description: () => "Status of endpoint changed from 'Enabled' to 'Disabled'" },
    49: { description: () => 'PDP Context deleted and no new PDP Context created within 5 minutes.' },
    65: { description: () => 'Endpoint data traffic limit warning: 80% of the daily limit used.' },
  },
};
