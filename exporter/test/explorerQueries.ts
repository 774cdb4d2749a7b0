/** The event explorer dashboard's distinct emnify queries (panelQueries.ts), for the gateway tests. */
import type { EventQuery } from '@emnify-events/client';
import { dashboard } from '../../test/support/dashboards';
import { panelQueries } from './panelQueries';

export function explorerQueries(range: { from: number; to: number }): EventQuery[] {
  const queries = panelQueries(dashboard('emnify-event-explorer'), range);
  return [...new Map(queries.map((q) => [JSON.stringify(q), q])).values()];
}
