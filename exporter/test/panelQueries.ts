/**
 * A dashboard's emnify queries with every variable at "All" (empty), as the data source runs them: the
 * plugin's own mapping (src/query/toEventQuery.ts) from the panels' targets, one event per page for a
 * total (the data source reads `x-total-count` of such a page). Pure (the dashboard is given), so the
 * gateway's load benchmark can bundle it (bench/gateway.mjs).
 */
import type { EventQuery } from '@emnify-events/client';
import { normaliseQuery } from '../../src/query/normalise';
import { toEventQuery } from '../../src/query/toEventQuery';
import { DEFAULT_PAGE_SIZE, EmnifyQuery } from '../../src/types';

interface DashboardPanels {
  panels: Array<{ targets?: Array<{ datasource?: { uid: string; type?: string } } & Record<string, unknown>> }>;
}

/** The EventQuery of every emnify panel over `range`, in panel order (panels may ask the same). */
export function panelQueries(
  dashboard: DashboardPanels,
  range: { from: number; to: number },
  pageSize = DEFAULT_PAGE_SIZE
): EventQuery[] {
  const queries: EventQuery[] = [];
  for (const panel of dashboard.panels) {
    for (const target of panel.targets ?? []) {
      if (target.datasource?.type !== 'emnify-events-datasource') {
        continue;
      }
      const concrete = JSON.parse(JSON.stringify(target).replace(/"\$\w+"/g, '""')) as EmnifyQuery;
      concrete.eventTypes = concrete.eventTypes?.filter(Boolean);
      queries.push(toEventQuery(normaliseQuery(concrete), range, concrete.format === 'total' ? 1 : pageSize));
    }
  }
  return queries;
}
