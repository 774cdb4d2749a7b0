/**
 * The severity and source an event type usually carries, from the examples in ../shared/emnify-api.md
 * §4 (column "Src/Sev"). Only the zero series use it: each type of the lookup gets a series at 0 with
 * these labels before its first event. A type not listed (no example found) is INFO from the API.
 */
import { EventSeverity, EventSource } from '@emnify-events/client';

export interface EventClass {
  severity: EventSeverity;
  source: EventSource;
}

const { Info, Warn } = EventSeverity;
const { Network, PolicyControl, API } = EventSource;

/** Type id → [severity, source]. */
const TYPICAL: Record<number, [EventSeverity, EventSource]> = {
  0: [Warn, PolicyControl], // Generic
  1: [Info, Network], // Update location
  2: [Info, Network], // Update GPRS location
  3: [Info, Network], // Create PDP Context (a rejection is WARN from Policy Control)
  4: [Info, Network], // Update PDP Context
  5: [Info, Network], // Delete PDP Context
  6: [Warn, API], // User authentication failed
  7: [Warn, API], // Application authentication failed
  11: [Warn, PolicyControl], // Endpoint blocked
  12: [Warn, PolicyControl], // Organisation blocked
  13: [Warn, API], // Support Access
  15: [Info, Network], // Purge location
  16: [Info, Network], // Purge GPRS location
  18: [Warn, PolicyControl], // Quota threshold reached
  19: [Warn, PolicyControl], // Quota used up
  20: [Warn, PolicyControl], // SMS quota threshold reached
  21: [Warn, PolicyControl], // SMS quota used up
  32: [Warn, API], // Billing configuration updated
  33: [Warn, API], // Tariff plan updated
  34: [Warn, API], // Usage tariff updated
  39: [Warn, API], // Order updated
  46: [Warn, API], // User deleted
  49: [Warn, PolicyControl], // Device offline
  52: [Warn, API], // Data quota enabled
  53: [Warn, API], // Data quota disabled
  54: [Warn, API], // SMS quota enabled
  55: [Warn, API], // SMS quota disabled
  60: [Warn, PolicyControl], // Data quota expired
  61: [Warn, PolicyControl], // SMS quota expired
  63: [Warn, PolicyControl], // Monthly order limit threshold reached
  64: [Warn, PolicyControl], // Monthly order limit reached
  65: [Warn, PolicyControl], // Endpoint data traffic limit warning
};

export function typicalEventClass(typeId: number): EventClass {
  const [severity, source] = TYPICAL[typeId] ?? [Info, API];
  return { severity, source };
}
