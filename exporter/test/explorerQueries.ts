/**
 * The event explorer dashboard's distinct event-list queries (panelQueries.ts), for the gateway tests, in
 * a stable order (by their `q`, whatever the panels' order). Its totals (one event per page, read for
 * `x-total-count`) are left out: these tests read every page of each query.
 */
import { type EventQuery, buildEventQuery } from '@emnify-events/client';
import { dashboard } from '../../test/support/dashboards';
import { panelQueries } from './panelQueries';

export function explorerQueries(range: { from: number; to: number }): EventQuery[] {
  const queries = panelQueries(dashboard('emnify-event-explorer'), range).filter((q) => q.perPage !== 1);
  const distinct = [...new Map(queries.map((q) => [JSON.stringify(q), q])).values()];
  const q = (query: EventQuery) => buildEventQuery(query).q ?? '';
  return distinct.sort((a, b) => (q(a) < q(b) ? -1 : q(a) > q(b) ? 1 : 0));
}
