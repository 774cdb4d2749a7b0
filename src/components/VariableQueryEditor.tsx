import React from 'react';
import { Combobox, ComboboxOption, InlineField } from '@grafana/ui';
import { EmnifyVariableQuery, VariableKind } from '../types';
import { selectors } from '../selectors';

const KINDS: Array<ComboboxOption<VariableKind>> = [
  { label: 'Event types', value: 'eventTypes', description: 'From the event type lookup; values are type ids' },
  {
    label: 'Event type names',
    value: 'eventTypeNames',
    description: "From the event type lookup; values are the types' names, as the exporter's event_type label",
  },
  { label: 'Severities', value: 'severities', description: 'INFO, WARN, CRITICAL; values are severity ids' },
  { label: 'Sources', value: 'sources', description: 'Network, Policy Control, API; values are source ids' },
  { label: 'Endpoints', value: 'endpoints', description: 'Endpoint names seen in events of the time range' },
  {
    label: 'Countries',
    value: 'countries',
    description:
      'Operator countries seen in events of the time range; values are ISO codes (DE), shown as DE (Germany)',
  },
  { label: 'Operators', value: 'operators', description: 'Network operators seen in events of the time range' },
];

interface Props {
  query: EmnifyVariableQuery;
  onChange: (query: EmnifyVariableQuery) => void;
}

export function VariableQueryEditor({ query, onChange }: Props) {
  return (
    <InlineField label="Values" labelWidth={16}>
      <Combobox
        id={selectors.variable.kind}
        data-testid={selectors.variable.kind}
        width={40}
        options={KINDS}
        value={query?.kind ?? 'eventTypes'}
        onChange={(v) => onChange({ ...query, refId: query?.refId ?? 'variable', kind: v.value })}
      />
    </InlineField>
  );
}
