import React from 'react';
import { act, render, screen, fireEvent, waitFor } from '@testing-library/react';
import { DataSourceSettings } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import { QueryEditor, validateQuery } from './QueryEditor';
import { VariableQueryEditor } from './VariableQueryEditor';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import userEvent from '@testing-library/user-event';
import { selectors } from '../selectors';
import { EmnifyDataSourceOptions, EmnifyQuery, EmnifySecureJsonData } from '../types';
import type { DataSource } from '../datasource';

// jsdom lays nothing out, so the Combobox's virtualised menu would render no option at all: give every
// element a size (as Grafana's own Combobox tests do) so options appear and can be clicked.
beforeAll(() => {
  jest.spyOn(Element.prototype, 'getBoundingClientRect').mockReturnValue({
    width: 240,
    height: 240,
    top: 0,
    left: 0,
    bottom: 240,
    right: 240,
    x: 0,
    y: 0,
    toJSON: () => ({}),
  });
  for (const key of ['clientWidth', 'clientHeight', 'offsetWidth', 'offsetHeight'] as const) {
    jest.spyOn(HTMLElement.prototype, key, 'get').mockReturnValue(240);
  }
});

function configOptions(patch: Partial<DataSourceSettings<EmnifyDataSourceOptions, EmnifySecureJsonData>> = {}) {
  return Object.freeze({
    id: 1,
    uid: 'x',
    orgId: 1,
    name: 'emnify',
    type: 'emnify-events-datasource',
    typeName: '',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    // Deprecated in @grafana/data 12.4 but still a required field of DataSourceSettings.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    jsonData: {},
    secureJsonFields: {},
    readOnly: false,
    withCredentials: false,
    ...patch,
  }) as DataSourceSettings<EmnifyDataSourceOptions, EmnifySecureJsonData>;
}

describe('ConfigEditor', () => {
  it('stores the API URL in jsonData and the token only in secureJsonData', () => {
    const onOptionsChange = jest.fn();
    render(<ConfigEditor options={configOptions()} onOptionsChange={onOptionsChange} />);
    fireEvent.change(screen.getByTestId(selectors.config.apiUrl), { target: { value: 'http://127.0.0.1:8485' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { apiUrl: 'http://127.0.0.1:8485' } })
    );
    fireEvent.change(screen.getByPlaceholderText('emnify application token'), { target: { value: 'secret-123' } });
    const saved = onOptionsChange.mock.calls[onOptionsChange.mock.calls.length - 1][0];
    expect(saved.secureJsonData).toEqual({ applicationToken: 'secret-123' });
    expect(JSON.stringify(saved.jsonData)).not.toContain('secret-123');
    fireEvent.change(screen.getByTestId(selectors.config.maxPages), { target: { value: '5' } });
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ jsonData: { maxPages: 5 } }));
  });

  it('shows a configured token as configured, never its value, and can reset it', () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor
        options={configOptions({ secureJsonFields: { applicationToken: true } })}
        onOptionsChange={onOptionsChange}
      />
    );
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: /reset/i }));
    expect(onOptionsChange).toHaveBeenCalledWith(
      expect.objectContaining({
        secureJsonFields: { applicationToken: false },
        secureJsonData: { applicationToken: '' },
      })
    );
  });
});

describe('QueryEditor', () => {
  const datasource = {
    getEventTypes: jest.fn().mockResolvedValue([
      { id: 3, description: 'Create PDP Context' },
      { id: 5, description: 'Delete PDP Context' },
    ]),
  } as unknown as DataSource;

  const renderEditor = async (query: Partial<EmnifyQuery>) => {
    const onChange = jest.fn();
    const onRunQuery = jest.fn();
    render(
      <QueryEditor
        datasource={datasource}
        query={Object.freeze({ refId: 'A', format: 'logs', ...query }) as EmnifyQuery}
        onChange={onChange}
        onRunQuery={onRunQuery}
      />
    );
    // Let the event type lookup settle.
    await act(() => Promise.resolve());
    return { onChange, onRunQuery };
  };

  it('loads event types from the lookup into the multi-select', async () => {
    await renderEditor({ eventTypes: ['3'] });
    await waitFor(() => expect(screen.getByText('Create PDP Context')).toBeInTheDocument());
  });

  it('changes a text filter without running, and runs on blur when valid', async () => {
    const { onChange, onRunQuery } = await renderEditor({});
    fireEvent.change(screen.getByTestId(selectors.query.text('endpoint')), { target: { value: 'truck-0042' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ endpoint: 'truck-0042' }));
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.blur(screen.getByTestId(selectors.query.text('endpoint')));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('shows invalid input and does not run it', async () => {
    const { onRunQuery } = await renderEditor({ imei: '35776208330122AB' });
    expect(screen.getByTestId(selectors.query.error)).toHaveTextContent(
      'Invalid filter "imei": "35776208330122AB" is not an IMEI (expected up to 16 digits, nothing else)'
    );
    fireEvent.blur(screen.getByTestId(selectors.query.text('imei')));
    expect(onRunQuery).not.toHaveBeenCalled();
  });

  it('sets severity from its list and runs the query', async () => {
    const { onChange, onRunQuery } = await renderEditor({});
    const input = screen.getByTestId(selectors.query.severity);
    expect(input).toHaveValue('Any');
    await userEvent.click(input);
    await userEvent.click(await screen.findByRole('option', { name: 'WARN' }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ severity: '1' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('takes a $variable as an event type (custom value)', async () => {
    const { onChange } = await renderEditor({});
    const input = screen.getByTestId(selectors.query.eventTypes);
    await userEvent.click(input);
    await userEvent.type(input, '$type');
    await userEvent.click(await screen.findByRole('option', { name: /\$type/ }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ eventTypes: ['$type'] }));
  });

  it('says the API takes at most 6 event types', async () => {
    await renderEditor({ eventTypes: ['1', '2', '3', '4', '5', '6', '7'] });
    expect(screen.getByTestId(selectors.query.limitHint)).toHaveTextContent(
      'The emnify API filters at most 6 event types per query.'
    );
  });

  it('validates after variables only: $vars are accepted as they are', () => {
    expect(
      validateQuery({ refId: 'A', format: 'logs', imei: '$imei', eventTypes: ['$type'], country: '$country' })
    ).toBeUndefined();
    expect(validateQuery({ refId: 'A', format: 'logs', scope: 'endpoint', scopeId: 'abc' })).toBe(
      'Invalid endpoint id "abc": expected the numeric endpoint id.'
    );
    expect(validateQuery({ refId: 'A', format: 'logs', country: 'a|b|c|d|e|f|g' })).toBe(
      'Invalid filter "country": 7 values given; the emnify API accepts at most 6 per field'
    );
  });
});

describe('VariableQueryEditor', () => {
  it('shows the chosen kind and changes it from the list', async () => {
    const onChange = jest.fn();
    render(<VariableQueryEditor query={{ refId: 'v', kind: 'countries' }} onChange={onChange} />);
    const input = screen.getByTestId(selectors.variable.kind);
    expect(input).toHaveValue('Countries');
    await userEvent.click(input);
    await userEvent.click(await screen.findByRole('option', { name: /^Operators/ }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'operators' });
  });
});

describe('AnnotationQueryEditor', () => {
  const datasource = { getEventTypes: jest.fn().mockResolvedValue([]) } as unknown as DataSource;

  it('offers the filters but not the format, and keeps the output as annotations', async () => {
    const onChange = jest.fn();
    const onRunQuery = jest.fn();
    render(
      <AnnotationQueryEditor
        datasource={datasource}
        query={{ refId: 'Anno', format: 'logs', severity: '2' } as EmnifyQuery}
        onChange={onChange}
        onRunQuery={onRunQuery}
      />
    );
    await act(() => Promise.resolve());
    expect(screen.queryByTestId(selectors.query.format)).not.toBeInTheDocument();
    expect(screen.getByTestId(selectors.query.severity)).toHaveValue('CRITICAL');
    fireEvent.change(screen.getByTestId(selectors.query.text('country')), { target: { value: 'Germany' } });
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'Anno',
      format: 'annotations',
      severity: '2',
      scope: 'all',
      groupBy: 'type',
      country: 'Germany',
    });
  });
});
