import React from 'react';
import { Combobox, ComboboxOption, InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';
import { SelectableValue } from '@grafana/data';
import { selectors } from '../../selectors';
import { CountGrouping, EmnifyQuery, OutputFormat } from '../../types';
import { LABEL_WIDTH } from './layout';

interface Props {
  query: EmnifyQuery;
  onChange: (query: EmnifyQuery) => void;
  onRunQuery: () => void;
}

const FORMATS: Array<SelectableValue<OutputFormat>> = [
  { label: 'Logs', value: 'logs' },
  { label: 'Table', value: 'table' },
  { label: 'Counts over time', value: 'counts' },
  {
    label: 'Total',
    value: 'total',
    description: 'The exact number of matching events, from the API (x-total-count), whatever their number',
  },
  { label: 'Annotations', value: 'annotations' },
];
const GROUPINGS: Array<ComboboxOption<CountGrouping>> = [
  { label: 'Type', value: 'type' },
  { label: 'Severity', value: 'severity' },
  { label: 'Source', value: 'source' },
  { label: 'Country', value: 'country' },
  { label: 'Operator', value: 'operator' },
  { label: 'None', value: 'none' },
];

/** What the query returns, and for counts over time how they are split into series. */
export function FormatRow({ query, onChange, onRunQuery }: Props) {
  const change = (patch: Partial<EmnifyQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };
  return (
    <InlineFieldRow>
      <InlineField label="Format" labelWidth={LABEL_WIDTH}>
        <RadioButtonGroup
          data-testid={selectors.query.format}
          options={FORMATS}
          value={query.format}
          onChange={(format) => change({ format })}
        />
      </InlineField>
      {query.format === 'counts' && (
        <InlineField label="Group by" labelWidth={12}>
          <Combobox
            id={selectors.query.groupBy}
            data-testid={selectors.query.groupBy}
            width={16}
            options={GROUPINGS}
            value={query.groupBy}
            onChange={(option) => change({ groupBy: option.value })}
          />
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
