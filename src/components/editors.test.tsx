import React from 'react';
import { act, render, screen, fireEvent, waitFor, within } from '@testing-library/react';
import { EmnifyError } from '@emnify-events/client';
import { DataSourceSettings } from '@grafana/data';
import { ConfigEditor } from './ConfigEditor';
import { QueryEditor } from './QueryEditor';
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

  it('stores the API URL without trailing slashes when the field is left, and says what is wrong with one', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(
      <ConfigEditor
        options={configOptions({ jsonData: { apiUrl: ' https://cdn.emnify.net/ ' } })}
        onOptionsChange={onOptionsChange}
      />
    );
    const input = screen.getByTestId(selectors.config.apiUrl);
    // A stored URL that cannot work says why (one saved by an older version, or provisioned).
    expect(screen.getByText(/starts or ends with a space/)).toBeInTheDocument();
    fireEvent.focus(input);
    fireEvent.blur(input);
    expect(onOptionsChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ jsonData: { apiUrl: 'https://cdn.emnify.net' } })
    );
    // Emptied: unset, so the routes use the default URL.
    rerender(
      <ConfigEditor options={configOptions({ jsonData: { apiUrl: '  ' } })} onOptionsChange={onOptionsChange} />
    );
    fireEvent.focus(input);
    fireEvent.blur(input);
    expect(onOptionsChange).toHaveBeenLastCalledWith(expect.objectContaining({ jsonData: { apiUrl: undefined } }));
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

describe('ConfigEditor: the connection', () => {
  const lastCall = (fn: jest.Mock) => fn.mock.calls[fn.mock.calls.length - 1][0];

  it('offers the emnify API directly (the default) and the events gateway', () => {
    render(<ConfigEditor options={configOptions()} onOptionsChange={jest.fn()} />);
    const group = screen.getByTestId(selectors.config.connection);
    expect(within(group).getByLabelText('emnify API directly')).toBeChecked();
    expect(within(group).getByLabelText('Events gateway')).not.toBeChecked();
    expect(screen.getByTestId(selectors.config.apiUrl)).toBeInTheDocument();
    expect(screen.queryByTestId(selectors.config.gatewayUrl)).not.toBeInTheDocument();
  });

  it('switching to the gateway stores the mode and clears the stored application token', () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor
        options={configOptions({
          jsonData: { apiUrl: 'http://sim:8485' },
          secureJsonFields: { applicationToken: true },
        })}
        onOptionsChange={onOptionsChange}
      />
    );
    fireEvent.click(screen.getByLabelText('Events gateway'));
    const saved = lastCall(onOptionsChange);
    expect(saved.jsonData).toEqual({ apiUrl: 'http://sim:8485', connection: 'gateway' });
    expect(saved.secureJsonFields).toEqual({ applicationToken: false });
    expect(saved.secureJsonData).toEqual({ applicationToken: '' });
  });

  it('in gateway mode, stores the gateway URL in jsonData (normalised) and the gateway token only in secureJsonData', () => {
    const onOptionsChange = jest.fn();
    const { rerender } = render(
      <ConfigEditor
        options={configOptions({ jsonData: { connection: 'gateway' } })}
        onOptionsChange={onOptionsChange}
      />
    );
    expect(screen.queryByTestId(selectors.config.apiUrl)).not.toBeInTheDocument();
    // No default: an unset gateway URL is named.
    expect(screen.getByText(/The gateway URL is not set\./)).toBeInTheDocument();
    const url = screen.getByTestId(selectors.config.gatewayUrl);
    expect(url).toHaveAttribute('placeholder', 'http://exporter:8486');
    fireEvent.focus(url);
    fireEvent.change(url, { target: { value: ' http://exporter:8486/ ' } });
    expect(lastCall(onOptionsChange).jsonData).toEqual({
      connection: 'gateway',
      gatewayUrl: ' http://exporter:8486/ ',
    });
    rerender(
      <ConfigEditor
        options={configOptions({ jsonData: { connection: 'gateway', gatewayUrl: ' http://exporter:8486/ ' } })}
        onOptionsChange={onOptionsChange}
      />
    );
    fireEvent.blur(url);
    expect(lastCall(onOptionsChange).jsonData).toEqual({ connection: 'gateway', gatewayUrl: 'http://exporter:8486' });
    fireEvent.change(screen.getByPlaceholderText('exporter gateway token'), { target: { value: 'gw-secret-456' } });
    const saved = lastCall(onOptionsChange);
    expect(saved.secureJsonData).toEqual({ gatewayToken: 'gw-secret-456' });
    expect(JSON.stringify(saved.jsonData)).not.toContain('gw-secret-456');
  });

  it('names an unknown stored connection, and choosing direct stores it (keeping the application token)', () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor
        options={configOptions({
          jsonData: { connection: 'Gateway' as never },
          secureJsonFields: { applicationToken: true },
        })}
        onOptionsChange={onOptionsChange}
      />
    );
    expect(
      screen.getByText(/The connection setting "Gateway" is neither "direct" nor "gateway"\./)
    ).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('emnify API directly'));
    const saved = lastCall(onOptionsChange);
    expect(saved.jsonData).toEqual({ connection: 'direct' });
    expect(saved.secureJsonFields).toEqual({ applicationToken: true, gatewayToken: false });
  });

  it('switching back to direct clears the stored gateway token', () => {
    const onOptionsChange = jest.fn();
    render(
      <ConfigEditor
        options={configOptions({
          jsonData: { connection: 'gateway', gatewayUrl: 'http://exporter:8486' },
          secureJsonFields: { gatewayToken: true },
        })}
        onOptionsChange={onOptionsChange}
      />
    );
    expect(screen.getByDisplayValue('configured')).toBeInTheDocument();
    fireEvent.click(screen.getByLabelText('emnify API directly'));
    const saved = lastCall(onOptionsChange);
    expect(saved.jsonData.connection).toBe('direct');
    expect(saved.secureJsonFields).toEqual({ gatewayToken: false });
    expect(saved.secureJsonData).toEqual({ gatewayToken: '' });
  });
});

describe('QueryEditor', () => {
  const lookup = () => [
    { id: 3, description: 'Create PDP Context' },
    { id: 5, description: 'Delete PDP Context' },
  ];
  const datasourceWith = (getEventTypes: () => Promise<unknown>) => ({ getEventTypes }) as unknown as DataSource;
  const datasource = datasourceWith(() => Promise.resolve(lookup()));

  const editor = (ds: DataSource, query: Partial<EmnifyQuery>, onChange = jest.fn(), onRunQuery = jest.fn()) => (
    <QueryEditor
      datasource={ds}
      query={Object.freeze({ refId: 'A', format: 'logs', ...query }) as EmnifyQuery}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
  const renderEditor = async (query: Partial<EmnifyQuery>, ds = datasource) => {
    const onChange = jest.fn();
    const onRunQuery = jest.fn();
    const view = render(editor(ds, query, onChange, onRunQuery));
    // Let the event type lookup settle.
    await act(() => Promise.resolve());
    return { onChange, onRunQuery, view };
  };
  const field = (key: string) => screen.queryByTestId(selectors.query.field(key));
  const moreFilters = () => within(screen.getByTestId(selectors.query.moreFilters));

  it('loads event types from the lookup into the multi-select', async () => {
    await renderEditor({ eventTypes: ['3'] });
    await waitFor(() => expect(screen.getByText('Create PDP Context')).toBeInTheDocument());
  });

  it('shows the common filters, and the others only behind "More filters"', async () => {
    const MORE_FILTERS = [
      'alert',
      'rat',
      'description',
      'tags',
      'imsi',
      'imei',
      'ipAddress',
      'organisation',
      'user',
      'scope',
    ];
    await renderEditor({});
    for (const key of ['eventTypes', 'severity', 'source', 'country', 'network', 'endpoint', 'iccid']) {
      expect(field(key)).toBeInTheDocument();
    }
    const toggle = moreFilters().getByRole('button', { name: 'More filters' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    for (const key of MORE_FILTERS) {
      expect(field(key)).not.toBeInTheDocument();
    }
    fireEvent.click(toggle);
    expect(moreFilters().getByRole('button', { name: 'More filters' })).toHaveAttribute('aria-expanded', 'true');
    for (const key of MORE_FILTERS) {
      expect(field(key)).toBeInTheDocument();
    }
  });

  it('says in the title of "More filters" how many of its filters are set, and opens when some are', async () => {
    const { view, onChange } = await renderEditor({
      imei: '3577620833012201',
      scope: 'sim',
      scopeId: '7',
      severity: '2',
    });
    expect(screen.getByTestId(selectors.query.moreFilters)).toHaveAttribute('data-set', '2');
    expect(moreFilters().getByRole('button', { name: 'More filters (2 set)' })).toHaveAttribute(
      'aria-expanded',
      'true'
    );
    fireEvent.change(field('user')!, { target: { value: 'jane' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ user: 'jane', imei: '3577620833012201' }));
    view.rerender(editor(datasource, onChange.mock.calls[0][0]));
    expect(moreFilters().getByRole('button', { name: 'More filters (3 set)' })).toBeInTheDocument();
    fireEvent.click(moreFilters().getByRole('button', { name: 'More filters (3 set)' }));
    // Collapsed, it still says that it narrows the query.
    expect(moreFilters().getByRole('button', { name: 'More filters (3 set)' })).toHaveAttribute(
      'aria-expanded',
      'false'
    );
    expect(field('user')).not.toBeInTheDocument();
  });

  it('changes a text filter without running, and runs on blur', async () => {
    const { onChange, onRunQuery } = await renderEditor({});
    fireEvent.change(field('endpoint')!, { target: { value: 'truck-0042' } });
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ endpoint: 'truck-0042' }));
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.blur(field('endpoint')!);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('shows invalid input, and still runs it so the panel shows the error instead of stale results', async () => {
    const { onRunQuery } = await renderEditor({ imei: '35776208330122AB' });
    expect(screen.getByTestId(selectors.query.error)).toHaveTextContent(
      'Invalid filter "imei": "35776208330122AB" is not an IMEI (expected up to 16 digits, nothing else)'
    );
    fireEvent.blur(field('imei')!);
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('says the API takes at most 6 event types', async () => {
    await renderEditor({ eventTypes: ['1', '2', '3', '4', '5', '6', '7'] });
    expect(screen.getByTestId(selectors.query.error)).toHaveTextContent(
      'Invalid filter "type": 7 values given; the emnify API accepts at most 6 per field'
    );
  });

  it('sets severity from its list (the client’s names) and runs the query', async () => {
    const { onChange, onRunQuery } = await renderEditor({});
    const input = field('severity')!;
    expect(input).toHaveValue('Any');
    await userEvent.click(input);
    await userEvent.click(await screen.findByRole('option', { name: 'WARN' }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ severity: '1' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('stores RAT choices as `a|b` text, as saved queries hold them', async () => {
    const { onChange } = await renderEditor({ rat: '6' });
    await userEvent.click(field('rat')!);
    await userEvent.click(await screen.findByRole('option', { name: /^GERAN \(2G\)/ }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ rat: '6|2' }));
  });

  it('takes a $variable as an event type (custom value)', async () => {
    const { onChange } = await renderEditor({});
    const input = field('eventTypes')!;
    await userEvent.click(input);
    await userEvent.type(input, '$type');
    await userEvent.click(await screen.findByRole('option', { name: /\$type/ }));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ eventTypes: ['$type'] }));
  });

  it('shows a failed type lookup as a message of its own that wraps, not as a one-line field error', async () => {
    const failing = datasourceWith(() =>
      Promise.reject(new EmnifyError('EMNIFY_AUTH_REJECTED', 'emnify rejected the application token (401).'))
    );
    const { view } = await renderEditor({}, failing);
    const alert = screen.getByTestId(selectors.query.typesError);
    expect(alert).toHaveTextContent(
      'Event types could not be loaded' +
        'emnify rejected the application token (401). Type ids and $variables still work.'
    );
    // The one alert is that block, which wraps its text; the event types field carries no error of its own.
    expect(screen.getAllByRole('alert')).toEqual([alert]);
    // A new data source instance (settings saved again) whose lookup works: the old error goes away.
    view.rerender(
      editor(
        datasourceWith(() => Promise.resolve(lookup())),
        {}
      )
    );
    await act(() => Promise.resolve());
    expect(screen.queryByTestId(selectors.query.typesError)).not.toBeInTheDocument();
  });

  it('shows nothing of a previous data source instance while the new one’s lookup runs', async () => {
    const failing = datasourceWith(() => Promise.reject(new Error('offline')));
    const { view } = await renderEditor({}, failing);
    expect(screen.getByTestId(selectors.query.typesError)).toHaveTextContent('offline');
    view.rerender(
      editor(
        datasourceWith(() => new Promise(() => undefined)),
        {}
      )
    );
    await act(() => Promise.resolve());
    expect(screen.queryByTestId(selectors.query.typesError)).not.toBeInTheDocument();
  });

  it('drops the types of a previous data source instance when the new one’s lookup fails', async () => {
    const { view } = await renderEditor({});
    await userEvent.click(field('eventTypes')!);
    expect(await screen.findByRole('option', { name: /Create PDP Context/ })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    view.rerender(
      editor(
        datasourceWith(() => Promise.reject(new Error('offline'))),
        {}
      )
    );
    await act(() => Promise.resolve());
    expect(screen.getByTestId(selectors.query.typesError)).toHaveTextContent('offline');
    await userEvent.click(field('eventTypes')!);
    expect(screen.queryByRole('option', { name: /Create PDP Context/ })).not.toBeInTheDocument();
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
    expect(screen.getByTestId(selectors.query.field('severity'))).toHaveValue('CRITICAL');
    fireEvent.change(screen.getByTestId(selectors.query.field('country')), { target: { value: 'Germany' } });
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
