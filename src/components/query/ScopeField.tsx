import React, { ChangeEvent } from 'react';
import { Combobox, InlineField, Input } from '@grafana/ui';
import { SCOPE_OPTIONS } from '../../query/fields';
import { selectors } from '../../selectors';
import { EmnifyQuery } from '../../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';

interface Props {
  query: EmnifyQuery;
  onChange: (query: EmnifyQuery) => void;
  onRunQuery: () => void;
}

/** Whose events: all of the organisation's, or one endpoint's, SIM's or user's by numeric id. */
export function ScopeField({ query, onChange, onRunQuery }: Props) {
  const scope = query.scope ?? 'all';
  return (
    <>
      <InlineField
        label="Scope"
        labelWidth={LABEL_WIDTH}
        tooltip="All events of the organisation, or the events of one endpoint, SIM or user (by its numeric id)."
      >
        <Combobox
          id={selectors.query.field('scope')}
          data-testid={selectors.query.field('scope')}
          width={INPUT_WIDTH}
          options={[...SCOPE_OPTIONS]}
          value={scope}
          onChange={(option) => {
            onChange({ ...query, scope: option.value });
            onRunQuery();
          }}
        />
      </InlineField>
      {scope !== 'all' && (
        <InlineField label="Id" labelWidth={6}>
          <Input
            data-testid={selectors.query.field('scopeId')}
            width={16}
            value={query.scopeId ?? ''}
            placeholder="numeric id"
            onChange={(e: ChangeEvent<HTMLInputElement>) => onChange({ ...query, scopeId: e.target.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}
    </>
  );
}
