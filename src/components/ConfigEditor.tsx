import React, { ChangeEvent, useState } from 'react';
import { InlineField, Input, RadioButtonGroup, SecretInput } from '@grafana/ui';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import {
  ConnectionMode,
  DEFAULT_API_URL,
  DEFAULT_MAX_PAGES,
  DEFAULT_PAGE_SIZE,
  EmnifyDataSourceOptions,
  EmnifySecureJsonData,
} from '../types';
import { selectors } from '../selectors';
import { EXAMPLE_GATEWAY_URL, apiUrlProblem, gatewayUrlProblem, normaliseApiUrl } from '../api/apiUrl';
import { connectionMode, connectionProblem } from '../api/connection';

type Props = DataSourcePluginOptionsEditorProps<EmnifyDataSourceOptions, EmnifySecureJsonData>;
type SecretKey = keyof EmnifySecureJsonData;

const CONNECTIONS: Array<{ label: string; value: ConnectionMode; description: string }> = [
  {
    label: 'emnify API directly',
    value: 'direct',
    description: 'Grafana holds the application token; every browser using this data source receives emnify JWTs.',
  },
  {
    label: 'Events gateway',
    value: 'gateway',
    description:
      "Through the exporter's events gateway: Grafana holds only the gateway token; browsers receive no emnify credential.",
  },
];

/** The secret of each mode: switching mode clears the other one, so Grafana keeps only what the mode uses. */
const SECRET_OF: Record<ConnectionMode, SecretKey> = { direct: 'applicationToken', gateway: 'gatewayToken' };

/**
 * The connection (emnify API directly, or the exporter's events gateway), its URL and its secret
 * (write-only: stored encrypted, never shown again), and the paging limits. URLs are stored normalised
 * (trimmed, no trailing slash: Grafana's proxy would request `//api/v1`) once their field loses focus;
 * an empty API URL means the default, which the plugin.json routes fill in; the gateway URL has none.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  // A stored value that is neither "direct" nor "gateway" (provisioned) selects no option and names its
  // problem; the fields shown meanwhile are direct mode's.
  const stored = connectionMode(jsonData);
  const mode = stored ?? 'direct';
  // A URL's problem shows once its field is left, not while a URL is being typed.
  const [editing, setEditing] = useState<'apiUrl' | 'gatewayUrl' | undefined>();
  const setJson = (patch: Partial<EmnifyDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  const setNumber = (key: 'pageSize' | 'maxPages') => (e: ChangeEvent<HTMLInputElement>) => {
    const n = Number(e.target.value);
    setJson({ [key]: e.target.value === '' || !Number.isFinite(n) ? undefined : Math.floor(n) });
  };
  const setConnection = (next: ConnectionMode) => {
    if (next === stored) {
      return;
    }
    const cleared = SECRET_OF[next === 'direct' ? 'gateway' : 'direct'];
    onOptionsChange({
      ...options,
      jsonData: { ...jsonData, connection: next },
      secureJsonFields: { ...secureJsonFields, [cleared]: false },
      secureJsonData: { ...secureJsonData, [cleared]: '' },
    });
  };
  const urlField = (key: 'apiUrl' | 'gatewayUrl') => {
    const problem =
      editing === key
        ? undefined
        : key === 'apiUrl'
          ? apiUrlProblem(jsonData.apiUrl)
          : gatewayUrlProblem(jsonData.gatewayUrl);
    return (
      <InlineField
        label={key === 'apiUrl' ? 'API URL' : 'Gateway URL'}
        labelWidth={28}
        tooltip={
          key === 'apiUrl'
            ? `The emnify API base URL; empty means ${DEFAULT_API_URL}.`
            : `The exporter's base URL (its gateway answers under /api/v1), e.g. ${EXAMPLE_GATEWAY_URL}.`
        }
        interactive
        invalid={!!problem}
        error={problem}
      >
        <Input
          data-testid={selectors.config[key]}
          width={40}
          value={jsonData[key] ?? ''}
          placeholder={key === 'apiUrl' ? DEFAULT_API_URL : EXAMPLE_GATEWAY_URL}
          onChange={(e: ChangeEvent<HTMLInputElement>) => setJson({ [key]: e.target.value })}
          onFocus={() => setEditing(key)}
          onBlur={(e: React.FocusEvent<HTMLInputElement>) => {
            setEditing(undefined);
            const normalised = normaliseApiUrl(e.target.value);
            if (normalised !== (jsonData[key] ?? '')) {
              setJson({ [key]: normalised === '' ? undefined : normalised });
            }
          }}
        />
      </InlineField>
    );
  };
  const secretField = (key: SecretKey) => (
    <InlineField
      label={key === 'applicationToken' ? 'Application token' : 'Gateway token'}
      labelWidth={28}
      tooltip={
        key === 'applicationToken'
          ? 'An emnify application token. Stored encrypted by Grafana; the browser never sees it again.'
          : "The exporter's EXPORTER_GATEWAY_TOKEN. Stored encrypted by Grafana; the browser never sees it again."
      }
      interactive
    >
      <SecretInput
        data-testid={key === 'applicationToken' ? selectors.config.token : selectors.config.gatewayToken}
        width={40}
        isConfigured={!!secureJsonFields?.[key]}
        value={secureJsonData?.[key] ?? ''}
        placeholder={key === 'applicationToken' ? 'emnify application token' : 'exporter gateway token'}
        onReset={() =>
          onOptionsChange({
            ...options,
            secureJsonFields: { ...secureJsonFields, [key]: false },
            secureJsonData: { ...secureJsonData, [key]: '' },
          })
        }
        onChange={(e: ChangeEvent<HTMLInputElement>) =>
          onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, [key]: e.target.value } })
        }
      />
    </InlineField>
  );
  return (
    <>
      <div data-testid={selectors.config.connection}>
        <InlineField
          label="Connection"
          labelWidth={28}
          tooltip={CONNECTIONS.map((c) => `${c.label}: ${c.description}`).join(' ')}
          interactive
          invalid={!stored}
          error={stored ? undefined : connectionProblem(jsonData)}
        >
          <RadioButtonGroup<ConnectionMode>
            aria-label="Connection"
            options={CONNECTIONS.map(({ label, value, description }) => ({ label, value, description }))}
            value={stored}
            onChange={setConnection}
          />
        </InlineField>
      </div>
      {mode === 'direct' ? (
        <>
          {urlField('apiUrl')}
          {secretField('applicationToken')}
        </>
      ) : (
        <>
          {urlField('gatewayUrl')}
          {secretField('gatewayToken')}
        </>
      )}
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
