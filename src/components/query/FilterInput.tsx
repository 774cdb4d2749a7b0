import React, { ChangeEvent } from 'react';
import { Combobox, ComboboxOption, InlineField, Input, MultiCombobox } from '@grafana/ui';
import { MAX_MULTI_VALUES } from '@emnify-events/client';
import { FilterField } from '../../query/fields';
import { splitValues } from '../../query/toEventQuery';
import { selectors } from '../../selectors';
import { EmnifyQuery } from '../../types';
import { LABEL_WIDTH, INPUT_WIDTH } from './layout';

export interface FilterInputProps {
  field: FilterField;
  query: EmnifyQuery;
  onChange: (query: EmnifyQuery) => void;
  onRunQuery: () => void;
  /** The choices of an 'eventTypes' field (the API's lookup); other fields bring their own. */
  options?: Array<ComboboxOption<string>>;
}

const ANY: ComboboxOption<string> = { label: 'Any', value: '' };

/** The options, plus the current values that none of them holds (a type id not in the lookup, a $variable). */
function withCurrent(options: Array<ComboboxOption<string>>, values: string[]): Array<ComboboxOption<string>> {
  const missing = values.filter((v) => !options.some((o) => o.value === v));
  return [...options, ...missing.map((v) => ({ label: v, value: v }))];
}

export function tooltipOf(field: FilterField): string {
  return field.values === 'many'
    ? `${field.help}. Several values separated by |, at most ${MAX_MULTI_VALUES} (the API's limit).`
    : `${field.help}. One value.`;
}

/** One filter of the field table as the editor shows it: free text, a choice, or several choices. */
export function FilterInput({ field, query, onChange, onRunQuery, options }: FilterInputProps) {
  const id = selectors.query.field(field.key);
  const value = query[field.key];
  const set = (next: string | string[], run: boolean) => {
    onChange({ ...query, [field.key]: next });
    if (run) {
      onRunQuery();
    }
  };

  let control: React.ReactElement;
  if (field.input === 'text') {
    control = (
      <Input
        data-testid={id}
        width={INPUT_WIDTH}
        value={typeof value === 'string' ? value : ''}
        placeholder={field.placeholder}
        onChange={(e: ChangeEvent<HTMLInputElement>) => set(e.target.value, false)}
        onBlur={onRunQuery}
      />
    );
  } else if (field.values === 'many') {
    // Several choices, stored as a list (event types) or as `a|b` text (RAT).
    const values = splitValues(value);
    const choices =
      options ?? ('options' in field ? field.options.map((o) => ({ ...o, description: `id ${o.value}` })) : []);
    control = (
      <MultiCombobox
        id={id}
        data-testid={id}
        width="auto"
        minWidth={INPUT_WIDTH}
        maxWidth={90}
        options={withCurrent(choices, values)}
        value={values}
        placeholder={field.input === 'eventTypes' ? 'All types' : 'Any'}
        createCustomValue
        customValueDescription="Use as an id or $variable"
        onChange={(picked) => {
          const list = picked.map((o) => String(o.value));
          set(field.stored === 'list' ? list : list.join('|'), true);
        }}
      />
    );
  } else {
    const current = typeof value === 'string' ? value : '';
    const choices = [ANY, ...('options' in field ? field.options : [])];
    control = (
      <Combobox
        id={id}
        data-testid={id}
        width={INPUT_WIDTH}
        options={withCurrent(choices, current ? [current] : [])}
        value={current}
        createCustomValue
        onChange={(option) => set(option.value, true)}
      />
    );
  }
  return (
    <InlineField label={field.label} labelWidth={LABEL_WIDTH} tooltip={tooltipOf(field)}>
      {control}
    </InlineField>
  );
}
