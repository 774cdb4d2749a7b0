import React from 'react';
import { ComboboxOption, InlineFieldRow } from '@grafana/ui';
import { fieldsOf } from '../../query/fields';
import { EmnifyQuery } from '../../types';
import { FilterInput } from './FilterInput';

interface Props {
  query: EmnifyQuery;
  onChange: (query: EmnifyQuery) => void;
  onRunQuery: () => void;
  /** The event types of the API's lookup. */
  eventTypeOptions: Array<ComboboxOption<string>>;
}

/** The filters most queries use, always shown: the choices on one row, the names and ids on the next. */
export function CommonFilters({ query, onChange, onRunQuery, eventTypeOptions }: Props) {
  const fields = fieldsOf('common');
  const input = (field: (typeof fields)[number]) => (
    <FilterInput
      key={field.key}
      field={field}
      query={query}
      onChange={onChange}
      onRunQuery={onRunQuery}
      options={field.input === 'eventTypes' ? eventTypeOptions : undefined}
    />
  );
  return (
    <>
      <InlineFieldRow>{fields.filter((f) => f.input !== 'text').map(input)}</InlineFieldRow>
      <InlineFieldRow>{fields.filter((f) => f.input === 'text').map(input)}</InlineFieldRow>
    </>
  );
}
