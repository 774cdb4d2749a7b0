/** `emnify_data_volume_bytes_total`: the committed data volume of Delete PDP Context events. */
import { Counter, Registry } from 'prom-client';
import { DroppableLabel } from '../config';
import { CountMap } from '../counts';
import { VOLUME_LABEL_NAMES } from '../labels';
import { keptLabels, labelsOf } from './labelSets';

export function registerDataVolumeMetrics(registry: Registry, dropLabels: readonly DroppableLabel[]) {
  const labelNames = keptLabels(VOLUME_LABEL_NAMES, dropLabels);
  const volume = new Counter({
    name: 'emnify_data_volume_bytes_total',
    help: 'Data volume reported by Delete PDP Context events, in bytes, by direction (rx, tx), operator country and operator.',
    labelNames,
    registers: [registry],
  });
  return {
    /** Adds committed increments (or, at start, the committed state). */
    add(counts: CountMap): void {
      for (const [key, value] of counts) {
        volume.inc(labelsOf(key, VOLUME_LABEL_NAMES, labelNames), value);
      }
    },
  };
}
