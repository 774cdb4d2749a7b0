import React, { useMemo } from 'react';
import { Alert, Stack } from '@grafana/ui';
import { QueryEditorProps } from '@grafana/data';
import type { DataSource } from '../datasource';
import { normaliseQuery } from '../query/normalise';
import { validateQuery } from '../query/validate';
import { selectors } from '../selectors';
import { EmnifyDataSourceOptions, EmnifyQuery, OutputFormat } from '../types';
import { CommonFilters } from './query/CommonFilters';
import { FormatRow } from './query/FormatRow';
import { MoreFilters } from './query/MoreFilters';
import { useEventTypeOptions } from './query/useEventTypeOptions';

type Props = QueryEditorProps<DataSource, EmnifyQuery, EmnifyDataSourceOptions> & {
  /** Set by the annotation editor: the format is not the user's to choose. */
  fixedFormat?: OutputFormat;
};

/**
 * The query editor: output format, the common filters, "More filters", and what is wrong with the query.
 * Choices run the query at once and typed text on leaving the field, valid or not: an invalid query
 * reaches the data source, which answers the panel with the same message (and no stale results)
 * without sending anything to emnify.
 */
export function QueryEditor({ datasource, query: raw, onChange, onRunQuery, fixedFormat }: Props) {
  const query = useMemo(() => normaliseQuery(fixedFormat ? { ...raw, format: fixedFormat } : raw), [raw, fixedFormat]);
  const eventTypes = useEventTypeOptions(datasource);
  const types = useMemo(
    () => eventTypes.options.map((o) => ({ id: Number(o.value), description: o.label ?? '' })),
    [eventTypes.options]
  );
  const error = useMemo(() => validateQuery(query, types), [query, types]);
  const section = { query, onChange, onRunQuery };
  return (
    <Stack direction="column" gap={0}>
      {!fixedFormat && <FormatRow {...section} />}
      <CommonFilters {...section} eventTypeOptions={eventTypes.options} />
      {eventTypes.error && (
        <Alert data-testid={selectors.query.typesError} severity="warning" title="Event types could not be loaded">
          {`${eventTypes.error} Type ids and $variables still work.`}
        </Alert>
      )}
      <MoreFilters {...section} />
      {error && (
        <Alert data-testid={selectors.query.error} severity="error" title="This query is not sent">
          {error}
        </Alert>
      )}
    </Stack>
  );
}
