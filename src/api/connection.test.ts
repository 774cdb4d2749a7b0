import { gatewayUrlProblem } from './apiUrl';
import { connectionMode, connectionProblem } from './connection';

describe('the connection setting', () => {
  it('is direct when unset or "direct", gateway only for "gateway" (as the routes’ eq test reads it)', () => {
    expect([undefined, null, '', 'direct'].map((connection) => connectionMode({ connection }))).toEqual([
      'direct',
      'direct',
      'direct',
      'direct',
    ]);
    expect(connectionMode({ connection: 'gateway' })).toBe('gateway');
    // Anything else would be direct for the routes (or fail Go's eq): refused instead.
    for (const connection of ['Gateway', 'gw', 1, true]) {
      expect(connectionMode({ connection })).toBeUndefined();
    }
    expect(connectionProblem({ connection: 'Gateway' as never })).toBe(
      'The connection setting "Gateway" is neither "direct" nor "gateway". Open the data source settings (or its provisioning file) and choose the connection.'
    );
  });

  it('checks the URL of its own mode only', () => {
    expect(connectionProblem({ apiUrl: 'http://sim:8485', gatewayUrl: 'nonsense' })).toBeUndefined();
    expect(
      connectionProblem({ connection: 'gateway', apiUrl: 'nonsense', gatewayUrl: 'http://exporter:8486' })
    ).toBeUndefined();
    expect(connectionProblem({ connection: 'gateway', apiUrl: 'http://sim:8485' })).toMatch(
      /^The gateway URL is not set\./
    );
  });

  const fix =
    "Open the data source settings (or its provisioning file) and set the gateway URL to the exporter's base URL, e.g. http://exporter:8486.";
  it.each([
    [undefined, `The gateway URL is not set. ${fix}`],
    ['', `The gateway URL is not set. ${fix}`],
    [
      'http://exporter:8486/api/v1',
      `The gateway URL "http://exporter:8486/api/v1" ends with "/api/v1": the data source adds the API path itself. ${fix}`,
    ],
    [
      'http://exporter:8486/',
      'The gateway URL "http://exporter:8486/" ends with "/": Grafana would request "http://exporter:8486//api/v1/…" with a double slash. Remove the trailing "/" (saving the data source settings again does it).',
    ],
    ['exporter:8486', `The gateway URL "exporter:8486" is not an http(s) URL. ${fix}`],
    [
      'http://u:p@exporter:8486',
      `The gateway URL "http://u:p@exporter:8486" carries credentials; the gateway token is the only credential. ${fix}`,
    ],
  ])('names what is wrong with the gateway URL %j', (value, message) => {
    expect(gatewayUrlProblem(value)).toBe(message);
  });
});
