/**
 * Template variable queries: event types (by id or by name), severities, sources, and values seen in the
 * time range. Countries are ISO codes shown with their name (`DE (Germany)`): the code is what the
 * exporter's label holds and what a link carries; the country filter takes it (query/countries.ts).
 */
import { EVENT_SEVERITY_NAMES, EVENT_SOURCE_NAMES } from '@emnify-events/client';
import {
  CustomVariableSupport,
  DataQueryRequest,
  DataQueryResponse,
  MetricFindValue,
  createDataFrame,
  FieldType,
} from '@grafana/data';
import { Observable, from } from 'rxjs';
import type { DataSource } from './datasource';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { countryLabel } from './query/countries';
import { EmnifyVariableQuery } from './types';

export async function variableValues(
  ds: DataSource,
  query: EmnifyVariableQuery,
  range: { from: number; to: number }
): Promise<MetricFindValue[]> {
  switch (query.kind) {
    case 'eventTypes':
      return (await ds.getEventTypes()).map((t) => ({ text: t.description, value: String(t.id) }));
    case 'eventTypeNames':
      return (await ds.getEventTypes()).map((t) => ({ text: t.description, value: t.description }));
    case 'severities':
      return Object.entries(EVENT_SEVERITY_NAMES).map(([id, name]) => ({ text: name, value: id }));
    case 'sources':
      return Object.entries(EVENT_SOURCE_NAMES).map(([id, name]) => ({ text: name, value: id }));
    default: {
      const list = await ds.fetchEvents({ refId: 'variable', format: 'table' }, range);
      const pick = {
        endpoints: (e: (typeof list.events)[number]) => e.endpoint?.name,
        countries: (e: (typeof list.events)[number]) => e.network?.countryIso,
        operators: (e: (typeof list.events)[number]) => e.network?.operatorName,
      }[query.kind];
      const values = [...new Set(list.events.map(pick).filter((v): v is string => !!v))].sort();
      return values.map((v) => ({ text: query.kind === 'countries' ? countryLabel(v) : v, value: v }));
    }
  }
}

export class EmnifyVariableSupport extends CustomVariableSupport<DataSource, EmnifyVariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly ds: DataSource) {
    super();
  }

  query(request: DataQueryRequest<EmnifyVariableQuery>): Observable<DataQueryResponse> {
    const query: EmnifyVariableQuery = request.targets[0] ?? { refId: 'variable', kind: 'eventTypes' };
    const range = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
    return from(
      variableValues(this.ds, query, range).then((values) => ({
        data: [
          createDataFrame({
            fields: [
              { name: 'text', type: FieldType.string, values: values.map((v) => v.text) },
              { name: 'value', type: FieldType.string, values: values.map((v) => String(v.value)) },
            ],
          }),
        ],
      }))
    );
  }
}
