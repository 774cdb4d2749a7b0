import React, { ChangeEvent, useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Combobox,
  ComboboxOption,
  InlineField,
  InlineFieldRow,
  Input,
  MultiCombobox,
  RadioButtonGroup,
} from '@grafana/ui';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { MAX_MULTI_VALUES } from '@emnify-events/client';
import type { DataSource } from '../datasource';
import { describeError } from '../errors';
import { splitValues, toEventQuery } from '../query/toEventQuery';
import { selectors } from '../selectors';
import { CountGrouping, DEFAULT_QUERY, EmnifyDataSourceOptions, EmnifyQuery, OutputFormat, QueryScope } from '../types';

type Props = QueryEditorProps<DataSource, EmnifyQuery, EmnifyDataSourceOptions> & {
  /** Set by the annotation editor: the format is not the user's to choose. */
  fixedFormat?: OutputFormat;
};

const FORMATS: Array<SelectableValue<OutputFormat>> = [
  { label: 'Logs', value: 'logs' },
  { label: 'Table', value: 'table' },
  { label: 'Counts over time', value: 'counts' },
  { label: 'Annotations', value: 'annotations' },
];
const SEVERITIES: Array<ComboboxOption<string>> = [
  { label: 'Any', value: '' },
  { label: 'INFO', value: '0' },
  { label: 'WARN', value: '1' },
  { label: 'CRITICAL', value: '2' },
];
const SOURCES: Array<ComboboxOption<string>> = [
  { label: 'Any', value: '' },
  { label: 'Network', value: '0' },
  { label: 'Policy Control', value: '1' },
  { label: 'API', value: '2' },
];
const ALERT: Array<ComboboxOption<string>> = [
  { label: 'Any', value: '' },
  { label: 'Alert', value: 'true' },
  { label: 'No alert', value: 'false' },
];
/** Single-choice filters; '' is "Any". */
const CHOICE_FIELDS: Array<{
  field: 'severity' | 'source' | 'alert';
  label: string;
  labelWidth: number;
  width: number;
  options: Array<ComboboxOption<string>>;
}> = [
  { field: 'severity', label: 'Severity', labelWidth: 14, width: 16, options: SEVERITIES },
  { field: 'source', label: 'Source', labelWidth: 10, width: 20, options: SOURCES },
  { field: 'alert', label: 'Alert', labelWidth: 8, width: 14, options: ALERT },
];
const GROUPINGS: Array<ComboboxOption<CountGrouping>> = [
  { label: 'Type', value: 'type' },
  { label: 'Severity', value: 'severity' },
  { label: 'Source', value: 'source' },
  { label: 'Country', value: 'country' },
  { label: 'Operator', value: 'operator' },
  { label: 'None', value: 'none' },
];
const SCOPES: Array<ComboboxOption<QueryScope>> = [
  { label: 'All events', value: 'all' },
  { label: 'One endpoint', value: 'endpoint' },
  { label: 'One SIM', value: 'sim' },
  { label: 'One user', value: 'user' },
];

type TextField =
  | 'network'
  | 'country'
  | 'rat'
  | 'description'
  | 'endpoint'
  | 'tags'
  | 'iccid'
  | 'imsi'
  | 'imei'
  | 'ipAddress'
  | 'organisation'
  | 'user';

const TEXT_FIELDS: Array<{ field: TextField; label: string; placeholder: string; multi: boolean }> = [
  { field: 'network', label: 'Operator', placeholder: 'Telekom|Vodafone', multi: true },
  { field: 'country', label: 'Country', placeholder: 'Germany|France', multi: true },
  { field: 'rat', label: 'RAT', placeholder: '6 (LTE)|2 (GERAN)', multi: true },
  { field: 'endpoint', label: 'Endpoint', placeholder: 'truck-0042', multi: true },
  { field: 'iccid', label: 'ICCID', placeholder: '8988303…', multi: true },
  { field: 'imsi', label: 'IMSI', placeholder: '295050…', multi: false },
  { field: 'imei', label: 'IMEI', placeholder: '35776208…', multi: false },
  { field: 'ipAddress', label: 'IP address', placeholder: '10.191.216.68', multi: false },
  { field: 'description', label: 'Description', placeholder: 'rejected', multi: false },
  { field: 'tags', label: 'Tag', placeholder: 'fleet', multi: false },
  { field: 'organisation', label: 'Organisation', placeholder: 'name', multi: false },
  { field: 'user', label: 'User', placeholder: 'name', multi: false },
];

/** Validates what can be validated without variables (a field holding `$` is checked after interpolation). */
export function validateQuery(query: EmnifyQuery): string | undefined {
  const concrete: EmnifyQuery = { ...query };
  for (const { field } of TEXT_FIELDS) {
    if (concrete[field]?.includes('$')) {
      delete concrete[field];
    }
  }
  if (concrete.scopeId?.includes('$')) {
    concrete.scopeId = '0';
  }
  concrete.eventTypes = concrete.eventTypes?.filter((t) => !t.includes('$'));
  try {
    toEventQuery(concrete, { from: 0, to: 1000 }, 100);
    return undefined;
  } catch (err) {
    return describeError(err);
  }
}

export function QueryEditor({ datasource, query: raw, onChange, onRunQuery, fixedFormat }: Props) {
  const query = useMemo(
    () => ({ ...DEFAULT_QUERY, ...raw, ...(fixedFormat ? { format: fixedFormat } : {}) }) as EmnifyQuery,
    [raw, fixedFormat]
  );
  const [types, setTypes] = useState<Array<ComboboxOption<string>>>([]);
  const [typesError, setTypesError] = useState<string>();

  useEffect(() => {
    let live = true;
    datasource.getEventTypes().then(
      (list) =>
        live && setTypes(list.map((t) => ({ label: t.description, value: String(t.id), description: `id ${t.id}` }))),
      (err) => live && setTypesError(describeError(err))
    );
    return () => {
      live = false;
    };
  }, [datasource]);

  const error = useMemo(() => validateQuery(query), [query]);
  const change = (patch: Partial<EmnifyQuery>, run = true) => {
    const next = { ...query, ...patch };
    onChange(next);
    if (run && !validateQuery(next)) {
      onRunQuery();
    }
  };
  const text = (field: TextField) => (e: ChangeEvent<HTMLInputElement>) => change({ [field]: e.target.value }, false);
  const typeOptions = [
    ...types,
    ...(query.eventTypes ?? []).filter((t) => !types.some((o) => o.value === t)).map((t) => ({ label: t, value: t })),
  ];

  return (
    <>
      {!fixedFormat && (
        <InlineFieldRow>
          <InlineField label="Format" labelWidth={14}>
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
                onChange={(v) => change({ groupBy: v.value })}
              />
            </InlineField>
          )}
        </InlineFieldRow>
      )}
      <InlineFieldRow>
        <InlineField
          label="Event types"
          labelWidth={14}
          tooltip={`Up to ${MAX_MULTI_VALUES}: the emnify API filters at most ${MAX_MULTI_VALUES} types.`}
          error={typesError}
          invalid={!!typesError}
        >
          <MultiCombobox
            id={selectors.query.eventTypes}
            data-testid={selectors.query.eventTypes}
            width="auto"
            minWidth={40}
            maxWidth={90}
            options={typeOptions}
            value={query.eventTypes ?? []}
            placeholder="All types"
            createCustomValue
            customValueDescription="Use as type id or $variable"
            onChange={(values) => change({ eventTypes: values.map((v) => String(v.value)) })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        {CHOICE_FIELDS.map(({ field, label, labelWidth, width, options }) => (
          <InlineField key={field} label={label} labelWidth={labelWidth}>
            <Combobox
              id={selectors.query[field]}
              data-testid={selectors.query[field]}
              width={width}
              options={options}
              value={query[field] ?? ''}
              onChange={(v) => change({ [field]: v.value })}
            />
          </InlineField>
        ))}
      </InlineFieldRow>
      <InlineFieldRow>
        {TEXT_FIELDS.map(({ field, label, placeholder, multi }) => (
          <InlineField
            key={field}
            label={label}
            labelWidth={14}
            tooltip={multi ? `Several values separated by |, at most ${MAX_MULTI_VALUES}.` : undefined}
          >
            <Input
              data-testid={selectors.query.text(field)}
              width={24}
              value={query[field] ?? ''}
              placeholder={placeholder}
              onChange={text(field)}
              onBlur={() => !validateQuery(query) && onRunQuery()}
            />
          </InlineField>
        ))}
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Scope" labelWidth={14}>
          <Combobox
            id={selectors.query.scope}
            data-testid={selectors.query.scope}
            width={20}
            options={SCOPES}
            value={query.scope ?? 'all'}
            onChange={(v) => change({ scope: v.value }, !!query.scopeId || v.value === 'all')}
          />
        </InlineField>
        {query.scope && query.scope !== 'all' && (
          <InlineField label="Id" labelWidth={6}>
            <Input
              data-testid={selectors.query.text('scopeId')}
              width={16}
              value={query.scopeId ?? ''}
              placeholder="numeric id"
              onChange={(e: ChangeEvent<HTMLInputElement>) => change({ scopeId: e.target.value }, false)}
              onBlur={() => !validateQuery(query) && onRunQuery()}
            />
          </InlineField>
        )}
      </InlineFieldRow>
      {splitValues(query.eventTypes).length > MAX_MULTI_VALUES && (
        <Alert
          data-testid={selectors.query.limitHint}
          severity="warning"
          title={`The emnify API filters at most ${MAX_MULTI_VALUES} event types per query.`}
        />
      )}
      {error && (
        <Alert data-testid={selectors.query.error} severity="error" title="This query is not sent">
          {error}
        </Alert>
      )}
    </>
  );
}
