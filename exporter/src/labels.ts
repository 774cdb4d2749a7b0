/** Event → label values of `emnify_events_total` and `emnify_data_volume_bytes_total`. Pure. */
import { EmnifyEvent, EventTypeNames } from '@emnify-events/client';

export interface EventLabels {
  event_type: string;
  event_severity: string;
  event_source: string;
  country: string;
  operator: string;
}

export const EVENT_LABEL_NAMES = ['event_type', 'event_severity', 'event_source', 'country', 'operator'] as const;

/** The labels of `emnify_data_volume_bytes_total`; direction is `rx` or `tx`. */
export const VOLUME_LABEL_NAMES = ['direction', 'country', 'operator'] as const;

/**
 * `event_type` is the lookup's spelling for the type id (one type, one series), else the event's own;
 * a missing field becomes an empty label, never an error.
 */
export function eventLabels(event: EmnifyEvent, types: EventTypeNames): EventLabels {
  return {
    event_type: types.nameOf(event.typeId, event.typeDescription),
    event_severity: event.severityName,
    event_source: event.sourceName,
    country: event.network?.countryIso ?? '',
    operator: event.network?.operatorName ?? '',
  };
}

/** A stable key for a label set (label values may contain any character, so JSON). */
export function labelKey(values: readonly string[]): string {
  return JSON.stringify(values);
}

export function keyValues(key: string): string[] {
  return JSON.parse(key) as string[];
}
