import React, { ChangeEvent, useState } from 'react';
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
import { apiUrlProblem, normaliseApiUrl } from '../api/apiUrl';

type Props = DataSourcePluginOptionsEditorProps<EmnifyDataSourceOptions, EmnifySecureJsonData>;

/**
 * API URL, the application token (write-only: stored encrypted, never shown again), paging limits. The
 * API URL is stored normalised (trimmed, no trailing slash: Grafana's proxy would request `//api/v1`)
 * once the field loses focus; empty means the default, which the plugin.json routes fill in.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  // The URL's problem shows once the field is left, not while a URL is being typed.
  const [editingUrl, setEditingUrl] = useState(false);
  const urlProblem = editingUrl ? undefined : apiUrlProblem(jsonData.apiUrl);
  const setJson = (patch: Partial<EmnifyDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  const setNumber = (key: 'pageSize' | 'maxPages') => (e: ChangeEvent<HTMLInputElement>) => {
    const n = Number(e.target.value);
    setJson({ [key]: e.target.value === '' || !Number.isFinite(n) ? undefined : Math.floor(n) });
  };
  return (
    <>
      <InlineField
        label="API URL"
        labelWidth={28}
        tooltip={`The emnify API base URL; empty means ${DEFAULT_API_URL}.`}
        interactive
        invalid={!!urlProblem}
        error={urlProblem}
      >
        <Input
          data-testid={selectors.config.apiUrl}
          width={40}
          value={jsonData.apiUrl ?? ''}
          placeholder={DEFAULT_API_URL}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setJson({ apiUrl: e.target.value })}
          onFocus={() => setEditingUrl(true)}
          onBlur={(e: React.FocusEvent<HTMLInputElement>) => {
            setEditingUrl(false);
            const normalised = normaliseApiUrl(e.target.value);
            if (normalised !== (jsonData.apiUrl ?? '')) {
              setJson({ apiUrl: normalised === '' ? undefined : normalised });
            }
          }}
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
