import React, { useState } from 'react';
import { Collapse, InlineFieldRow } from '@grafana/ui';
import { countSet, fieldsOf } from '../../query/fields';
import { selectors } from '../../selectors';
import { EmnifyQuery } from '../../types';
import { FilterInput } from './FilterInput';
import { ScopeField } from './ScopeField';

interface Props {
  query: EmnifyQuery;
  onChange: (query: EmnifyQuery) => void;
  onRunQuery: () => void;
}

/**
 * The filters fewer queries use, behind a collapsible "More filters" whose title says how many are set
 * (so a collapsed section never hides that it narrows the query). Opens by itself when one is set.
 */
export function MoreFilters({ query, onChange, onRunQuery }: Props) {
  const set = countSet('more', query);
  const [open, setOpen] = useState(set > 0);
  return (
    <div data-testid={selectors.query.moreFilters} data-set={set}>
      <Collapse label={set > 0 ? `More filters (${set} set)` : 'More filters'} isOpen={open} onToggle={setOpen}>
        <InlineFieldRow>
          {fieldsOf('more').map((field) => (
            <FilterInput key={field.key} field={field} query={query} onChange={onChange} onRunQuery={onRunQuery} />
          ))}
        </InlineFieldRow>
        <InlineFieldRow>
          <ScopeField query={query} onChange={onChange} onRunQuery={onRunQuery} />
        </InlineFieldRow>
      </Collapse>
    </div>
  );
}
