import React, { ChangeEvent } from 'react';
import { InlineField, Input, SecretInput } from '@grafana/ui';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import {
  DEFAULT_API_URL,
  DEFAULT_MAX_PAGES,
  DEFAULT_PAGE_SIZE,
  EmnifyDataSourceOptions,
  EmnifySecureJsonData,
} from '../types';
import { selectors } from '../selectors';

type Props = DataSourcePluginOptionsEditorProps<EmnifyDataSourceOptions, EmnifySecureJsonData>;

/** API URL, the application token (write-only: stored encrypted, never shown again), paging limits. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const setJson = (patch: Partial<EmnifyDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  const setNumber = (key: 'pageSize' | 'maxPages') => (e: ChangeEvent<HTMLInputElement>) => {
    const n = Number(e.target.value);
    setJson({ [key]: e.target.value === '' || !Number.isFinite(n) ? undefined : Math.floor(n) });
  };
  return (
    <>
      <InlineField label="API URL" labelWidth={28} tooltip="The emnify API base URL." interactive>
        <Input
          data-testid={selectors.config.apiUrl}
          width={40}
          value={jsonData.apiUrl ?? ''}
          placeholder={DEFAULT_API_URL}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setJson({ apiUrl: e.target.value })}
        />
      </InlineField>
      <InlineField
        label="Application token"
        labelWidth={28}
        tooltip="An emnify application token. Stored encrypted by Grafana; the browser never sees it again."
        interactive
      >
        <SecretInput
          data-testid={selectors.config.token}
          width={40}
          isConfigured={!!secureJsonFields?.applicationToken}
          value={secureJsonData?.applicationToken ?? ''}
          placeholder="emnify application token"
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...secureJsonFields, applicationToken: false },
              secureJsonData: { ...secureJsonData, applicationToken: '' },
            })
          }
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, secureJsonData: { applicationToken: e.target.value } })
          }
        />
      </InlineField>
      <InlineField
        label="Page size"
        labelWidth={28}
        tooltip="Events per API request (the API may clamp it)."
        interactive
      >
        <Input
          data-testid={selectors.config.pageSize}
          type="number"
          width={12}
          min={1}
          max={1000}
          value={jsonData.pageSize ?? ''}
          placeholder={String(DEFAULT_PAGE_SIZE)}
          onChange={setNumber('pageSize')}
        />
      </InlineField>
      <InlineField
        label="Maximum pages per query"
        labelWidth={28}
        tooltip="A query reads at most this many pages; the panel says when that cut results off."
        interactive
      >
        <Input
          data-testid={selectors.config.maxPages}
          type="number"
          width={12}
          min={1}
          value={jsonData.maxPages ?? ''}
          placeholder={String(DEFAULT_MAX_PAGES)}
          onChange={setNumber('maxPages')}
        />
      </InlineField>
    </>
  );
}
