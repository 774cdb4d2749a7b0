/** Event → label values of `emnify_events_total` and `emnify_data_volume_bytes_total`. Pure. */
import { EVENT_SEVERITY_NAMES, EVENT_SOURCE_NAMES, EmnifyEvent, EventTypeNames } from '@emnify-events/client';

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

/** The most `event_type` values for types the lookup lacks, across the counts; later ones count as OTHER_LABEL. */
export const MAX_UNKNOWN_TYPE_LABELS = 20;
/** The label value of what lies outside a bounded set: a type past MAX_UNKNOWN_TYPE_LABELS, a severity or source emnify does not define. */
export const OTHER_LABEL = 'other';

const SEVERITIES = new Set(Object.values(EVENT_SEVERITY_NAMES));
const SOURCES = new Set(Object.values(EVENT_SOURCE_NAMES));

/**
 * Label values, bounded in length (the client cuts label texts to 256 characters) and in number:
 * - `event_type`: the lookup's spelling for the type id (one type, one series). A type the lookup lacks
 *   keeps the event's own spelling for the first MAX_UNKNOWN_TYPE_LABELS such spellings in the counts
 *   (`seen`: the event_type values of the counts so far), then OTHER_LABEL; its country and operator are
 *   empty (a pushed type nobody defined cannot open a series per operator).
 * - `event_severity`, `event_source`: emnify's names; any other text is OTHER_LABEL (a missing one stays empty).
 * - `country`, `operator`: the network's, for types of the lookup.
 */
export class EventLabeler {
  private unknownTypes?: Set<string>;

  constructor(
    private readonly types: EventTypeNames,
    /** The event_type values already counted (read once, at the first unknown type). */
    private readonly seen: () => Iterable<string>
  ) {}

  labels(event: EmnifyEvent): EventLabels {
    const known = this.types.has(event.typeId);
    return {
      event_type: known ? this.types.nameOf(event.typeId) : this.unknownType(event.typeDescription),
      event_severity: bounded(event.severityName, SEVERITIES),
      event_source: bounded(event.sourceName, SOURCES),
      country: known ? (event.network?.countryIso ?? '') : '',
      operator: known ? (event.network?.operatorName ?? '') : '',
    };
  }

  private unknownType(spelling: string): string {
    if (!this.unknownTypes) {
      const names = new Set(this.types.entries().map((t) => t.description));
      this.unknownTypes = new Set([...this.seen()].filter((type) => !names.has(type)));
    }
    if (this.unknownTypes.has(spelling)) {
      return spelling;
    }
    if (this.unknownTypes.size < MAX_UNKNOWN_TYPE_LABELS && spelling !== OTHER_LABEL) {
      this.unknownTypes.add(spelling);
      return spelling;
    }
    return OTHER_LABEL;
  }
}

function bounded(value: string, names: ReadonlySet<string>): string {
  return value === '' || names.has(value) ? value : OTHER_LABEL;
}

/** A stable key for a label set (label values may contain any character, so JSON). */
export function labelKey(values: readonly string[]): string {
  return JSON.stringify(values);
}

export function keyValues(key: string): string[] {
  return JSON.parse(key) as string[];
}
