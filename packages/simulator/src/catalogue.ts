/**
 * The emnify event type catalogue (ids 0-67, ../shared/emnify-api.md §4): the lookup spelling served
 * by `/api/v1/event/type`, the spelling events carry, typical source/severity/alert, the category the
 * generator draws from, and how often it occurs in a realistic fleet (weights per 10,000 events).
 */
import type { EventTypeInfo } from '@emnify-events/client';

export type Category =
  | 'network'
  | 'pdp'
  | 'sim'
  | 'quota'
  | 'auth'
  | 'endpoint'
  | 'cloudconnect'
  | 'openvpn'
  | 'organisation'
  | 'tariff'
  | 'order'
  | 'generic';

export interface EventTypeDef {
  id: number;
  /** Spelling in `/api/v1/event/type` (§3.4: some differ from the events'). */
  lookup: string;
  /** Spelling in `event.event_type.description`. */
  name: string;
  source: 0 | 1 | 2;
  severity: 0 | 1 | 2;
  alert: boolean;
  category: Category;
  /** Relative frequency (about per 10,000 events). 0: in the lookup only (or MNO/reseller only), never generated. */
  weight: number;
  /** The event concerns a device (endpoint, SIM, IMSI present). */
  device: boolean;
  /**
   * Who acts: 'always' (a user event, e.g. failed login: `user` always present), 'action' (an action done
   * in the Portal by a user, or with an application token, then without `user`, §3.1), or none.
   */
  user: 'always' | 'action' | undefined;
  /** Share of events of this type emitted with severity Critical (2). No public example shows one. */
  criticalShare?: number;
}

function t(
  id: number,
  name: string,
  source: 0 | 1 | 2,
  severity: 0 | 1 | 2,
  alert: boolean,
  category: Category,
  weight: number,
  who: { device?: boolean; user?: 'always' | 'action'; lookup?: string; criticalShare?: number } = {}
): EventTypeDef {
  return {
    id,
    lookup: who.lookup ?? name,
    name,
    source,
    severity,
    alert,
    category,
    weight,
    device: who.device ?? false,
    user: who.user,
    criticalShare: who.criticalShare,
  };
}

const D = { device: true };
/** A user's own event (login, MFA, workspace): always carries `user`. */
const U = { user: 'always' } as const;
/** An action by a Portal user or an application token. */
const A = { user: 'action' } as const;
const DA = { device: true, user: 'action' } as const;

export const EVENT_TYPES: readonly EventTypeDef[] = [
  t(0, 'Generic', 1, 1, true, 'generic', 60, D),
  t(1, 'Update location', 0, 0, false, 'network', 1500, { device: true, lookup: 'Update Location' }),
  t(2, 'Update GPRS location', 0, 0, false, 'network', 1500, { device: true, lookup: 'Update GPRS Location' }),
  t(3, 'Create PDP Context', 0, 0, false, 'pdp', 2500, D),
  t(4, 'Update PDP Context', 0, 0, false, 'pdp', 0, D),
  t(5, 'Delete PDP Context', 0, 0, false, 'pdp', 2400, D),
  t(6, 'User authentication failed', 2, 1, false, 'auth', 100, U),
  t(7, 'Application authentication failed', 2, 1, false, 'auth', 40),
  t(8, 'SIM activation', 2, 0, false, 'sim', 120, DA),
  t(9, 'SIM suspension', 2, 0, false, 'sim', 80, DA),
  t(10, 'SIM deletion', 2, 0, false, 'sim', 10, DA),
  t(11, 'Endpoint blocked', 1, 1, true, 'endpoint', 30, { device: true, criticalShare: 0.5 }),
  t(12, 'Organisation blocked', 1, 1, true, 'organisation', 1, { criticalShare: 1 }),
  t(13, 'Support Access', 2, 1, false, 'auth', 10, { user: 'always', lookup: 'Support' }),
  t(14, 'Multi-factor Authentication', 2, 0, false, 'auth', 30, U),
  t(15, 'Purge location', 0, 0, false, 'network', 300, D),
  t(16, 'Purge GPRS location', 0, 0, false, 'network', 300, D),
  t(17, 'Self-Signup', 2, 0, false, 'organisation', 0),
  t(18, 'Quota threshold reached', 1, 1, true, 'quota', 120, { device: true, lookup: 'Threshold reached' }),
  t(19, 'Quota used up', 1, 1, true, 'quota', 60, { device: true, criticalShare: 0.2 }),
  t(20, 'SMS quota threshold reached', 1, 1, true, 'quota', 30, D),
  t(21, 'SMS quota used up', 1, 1, true, 'quota', 20, D),
  t(22, 'CloudConnect TGW Resource Share created', 2, 0, false, 'cloudconnect', 3, A),
  t(23, 'CloudConnect TGW available', 2, 0, false, 'cloudconnect', 3),
  t(24, 'CloudConnect VPN breakout available', 2, 0, false, 'cloudconnect', 2),
  t(25, 'CloudConnect TGW breakout terminated', 2, 0, false, 'cloudconnect', 2, A),
  t(26, 'CloudConnect VPN breakout terminated', 2, 0, false, 'cloudconnect', 1, A),
  t(27, 'CloudConnect Connection State Changed', 2, 1, false, 'cloudconnect', 3),
  t(28, 'OpenVPN connect', 2, 0, false, 'openvpn', 20, A),
  t(29, 'OpenVPN disconnect', 2, 0, false, 'openvpn', 20, A),
  t(30, 'OpenVPN authentication', 2, 0, false, 'openvpn', 20, A),
  t(31, 'Organisation updated', 2, 0, false, 'organisation', 10, A),
  t(32, 'Billing configuration updated', 2, 1, false, 'organisation', 5, A),
  t(33, 'Tariff plan updated', 2, 1, false, 'tariff', 5, A),
  t(34, 'Usage tariff updated', 2, 1, false, 'tariff', 5, A),
  t(35, 'Payment', 2, 0, false, 'organisation', 0),
  t(36, 'User invited', 2, 0, false, 'auth', 0, U),
  t(37, 'Password reset requested', 2, 0, false, 'auth', 0, U),
  t(38, 'Order submitted', 2, 0, false, 'order', 5, A),
  t(39, 'Order updated', 2, 1, false, 'order', 5, A),
  t(40, 'User verification requested', 2, 0, false, 'auth', 0, U),
  t(41, 'User verified', 2, 0, false, 'auth', 2, U),
  t(42, 'Endpoint enabled', 2, 0, false, 'endpoint', 80, DA),
  t(43, 'Endpoint disabled', 2, 0, false, 'endpoint', 50, DA),
  t(44, 'SIM issued', 2, 0, false, 'sim', 20, D),
  t(45, 'SIM factory test', 2, 0, false, 'sim', 20, D),
  t(46, 'User deleted', 2, 1, false, 'auth', 2, U),
  t(47, 'User federation activated', 2, 0, false, 'auth', 0, U),
  t(48, 'SIM registration', 2, 0, false, 'sim', 10, DA),
  t(49, 'Device offline', 1, 1, true, 'endpoint', 40, D),
  t(50, 'SIM Released', 2, 0, false, 'sim', 10, DA),
  t(51, 'SIM Assigned', 2, 0, false, 'sim', 20, DA),
  t(52, 'Data quota enabled', 2, 1, false, 'quota', 20, DA),
  t(53, 'Data quota disabled', 2, 1, false, 'quota', 10, DA),
  t(54, 'SMS quota enabled', 2, 1, false, 'quota', 10, DA),
  t(55, 'SMS quota disabled', 2, 1, false, 'quota', 5, DA),
  t(56, 'Data quota assigned', 2, 0, false, 'quota', 30, DA),
  t(57, 'Data quota deleted', 2, 0, false, 'quota', 5, DA),
  t(58, 'SMS quota assigned', 2, 0, false, 'quota', 10, DA),
  t(59, 'SMS quota deleted', 2, 0, false, 'quota', 3, DA),
  t(60, 'Data quota expired', 1, 1, true, 'quota', 20, D),
  t(61, 'SMS quota expired', 1, 1, true, 'quota', 5, D),
  t(62, 'Default inclusive volume updated', 2, 0, false, 'tariff', 0, A),
  t(63, 'Monthly order limit threshold reached', 1, 1, true, 'order', 0),
  t(64, 'Monthly order limit reached', 1, 1, true, 'order', 0),
  t(65, 'Endpoint data traffic limit warning', 1, 1, true, 'endpoint', 30, D),
  t(67, 'User switched workspaces', 2, 0, false, 'auth', 10, U),
];

export const EVENT_TYPE_BY_ID: ReadonlyMap<number, EventTypeDef> = new Map(EVENT_TYPES.map((d) => [d.id, d]));

export function typeById(id: number): EventTypeDef | undefined {
  return EVENT_TYPE_BY_ID.get(id);
}

/** What `GET /api/v1/event/type` serves. */
export const EVENT_TYPE_CATALOGUE: readonly EventTypeInfo[] = EVENT_TYPES.map((d) => ({
  id: d.id,
  description: d.lookup,
}));

/** Types the generator draws, with weights. */
export const GENERATED_TYPES: ReadonlyArray<readonly [EventTypeDef, number]> = EVENT_TYPES.filter(
  (d) => d.weight > 0
).map((d) => [d, d.weight] as const);

export const SOURCE_NAMES = ['Network', 'Policy Control', 'API'] as const;
export const SEVERITY_NAMES = ['Info', 'Warn', 'Critical'] as const;
