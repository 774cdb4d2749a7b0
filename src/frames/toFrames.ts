/** Events of one query → the frames its format asks for, with a notice when the page cap cut the read short. Pure. */
import { EmnifyEvent, EventList, EventTypeNames } from '@emnify-events/client';
import { DataFrame, FieldType, QueryResultMetaNotice, createDataFrame } from '@grafana/data';
import { EmnifyQuery } from '../types';
import { annotationFrame, countFrames, logsFrame, tableFrame } from './eventFrames';

export interface FrameContext {
  types: EventTypeNames;
  range: { from: number; to: number };
  /** The panel's interval: the bucket of counts over time. */
  intervalMs: number;
  /** The data source's page cap, named in the truncation notice. */
  maxPages: number;
}

function framesOf(query: EmnifyQuery, events: EmnifyEvent[], { types, range, intervalMs }: FrameContext): DataFrame[] {
  switch (query.format) {
    case 'table':
      return [tableFrame(events, types, query.refId)];
    case 'counts':
      return countFrames(events, types, range, intervalMs, query.groupBy ?? 'type', query.refId);
    case 'annotations':
      return [annotationFrame(events, types, query.refId)];
    default:
      return [logsFrame(events, types, query.refId)];
  }
}

export function truncationNotice(list: EventList, maxPages: number): QueryResultMetaNotice | undefined {
  if (!list.truncated) {
    return undefined;
  }
  return {
    severity: 'warning',
    text: `Showing the newest ${list.events.length} of ${list.totalCount} events: the data source reads at most ${maxPages} page(s) per query. Narrow the time range or the filters, or raise "Maximum pages per query" in the data source settings.`,
  };
}

/**
 * The total of a query: one whole number (the API's `x-total-count` for the query's filter and range),
 * 0 when nothing matched, shown by a stat panel as it is.
 */
export function totalFrame(total: number, refId: string): DataFrame {
  return createDataFrame({
    refId,
    name: 'events',
    fields: [{ name: 'events', type: FieldType.number, values: [total], config: { decimals: 0, unit: 'none' } }],
  });
}

export function toFrames(query: EmnifyQuery, list: EventList, context: FrameContext): DataFrame[] {
  const frames = framesOf(query, list.events, context);
  const notice = truncationNotice(list, context.maxPages);
  if (notice) {
    for (const frame of frames) {
      frame.meta = { ...frame.meta, notices: [...(frame.meta?.notices ?? []), notice] };
    }
  }
  return frames;
}
