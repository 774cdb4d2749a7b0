/**
 * `emnify_events_total`: the committed event counts, published as the ledger commits them, and a zero
 * series for every type of the lookup so that `rate()` and absence alerts work before its first event.
 */
import { EVENT_SEVERITY_NAMES, EVENT_SOURCE_NAMES } from '@emnify-events/client';
import { Counter, Registry } from 'prom-client';
import { DroppableLabel } from '../config';
import { CountMap } from '../counts';
import { EVENT_LABEL_NAMES, labelKey } from '../labels';
import { Ledger } from '../ledger';
import { typicalEventClass } from '../typicalEventClass';
import { keptLabels, labelsOf } from './labelSets';

export function registerEventMetrics(registry: Registry, ledger: Ledger, dropLabels: readonly DroppableLabel[]) {
  const labelNames = keptLabels(EVENT_LABEL_NAMES, dropLabels);
  const events = new Counter({
    name: 'emnify_events_total',
    help:
      'emnify events, each counted once: by type (as the event type lookup spells it), severity, source, ' +
      'and the country (ISO 3166-1 alpha-2) and name of the network operator.',
    labelNames,
    registers: [registry],
  });
  const add = (counts: CountMap) => {
    for (const [key, value] of counts) {
      events.inc(labelsOf(key, EVENT_LABEL_NAMES, labelNames), value);
    }
  };
  return {
    /** Adds committed increments (or, at start, the committed state). */
    add,
    /** Every type of the lookup gets a series at 0 (typical severity and source, no country or operator). */
    typesLoaded(): void {
      for (const { id, description } of ledger.typeNames.entries()) {
        const { severity, source } = typicalEventClass(id);
        const key = labelKey([description, EVENT_SEVERITY_NAMES[severity], EVENT_SOURCE_NAMES[source], '', '']);
        events.inc(labelsOf(key, EVENT_LABEL_NAMES, labelNames), 0);
      }
    },
  };
}
