/**
 * The event explorer dashboard's emnify queries with every variable at "All" (empty), as the data source
 * runs them: the plugin's own mapping (src/query/toEventQuery.ts) from the dashboard's targets. Distinct
 * queries only (several panels ask the same); the gateway tests and its benchmark read the same list.
 */
import type { EventQuery } from '@emnify-events/client';
import { normaliseQuery } from '../../src/query/normalise';
import { toEventQuery } from '../../src/query/toEventQuery';
import { DEFAULT_PAGE_SIZE, EmnifyQuery } from '../../src/types';
import { dashboard } from '../../test/support/dashboards';

/** The distinct EventQuery of the explorer's panels over `range`, with the data source's page size. */
export function explorerQueries(range: { from: number; to: number }, pageSize = DEFAULT_PAGE_SIZE): EventQuery[] {
  const seen = new Map<string, EventQuery>();
  for (const panel of dashboard('emnify-event-explorer').panels) {
    for (const target of panel.targets ?? []) {
      if (target.datasource?.uid !== 'emnify-events') {
        continue;
      }
      const concrete = JSON.parse(JSON.stringify(target).replace(/"\$\w+"/g, '""')) as EmnifyQuery;
      concrete.eventTypes = concrete.eventTypes?.filter(Boolean);
      const query = toEventQuery(normaliseQuery(concrete), range, pageSize);
      seen.set(JSON.stringify(query), query);
    }
  }
  return [...seen.values()];
}
