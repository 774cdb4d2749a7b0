import { proxyPath } from './routes';

describe('proxyPath', () => {
  it.each([
    [{ kind: 'authenticate', method: 'POST', path: '/api/v1/authenticate' }, 'emnify-auth'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/event' }, 'emnify-event'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/event/type' }, 'emnify-event/type'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/endpoint/42/event' }, 'emnify-endpoint/42/event'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/sim/7/event' }, 'emnify-sim/7/event'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/user/9/event' }, 'emnify-user/9/event'],
  ] as const)('sends %j through its direct-mode route', (request, expected) => {
    expect(proxyPath(request, 'direct')).toBe(expected);
  });

  it.each([
    [{ kind: 'api', method: 'GET', path: '/api/v1/event' }, 'gateway-event'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/event/type' }, 'gateway-event/type'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/endpoint/42/event' }, 'gateway-endpoint/42/event'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/sim/7/event' }, 'gateway-sim/7/event'],
    [{ kind: 'api', method: 'GET', path: '/api/v1/user/9/event' }, 'gateway-user/9/event'],
  ] as const)('sends %j through its gateway-mode route', (request, expected) => {
    expect(proxyPath(request, 'gateway')).toBe(expected);
  });

  it('never authenticates through the gateway', () => {
    expect(() => proxyPath({ kind: 'authenticate', method: 'POST', path: '/api/v1/authenticate' }, 'gateway')).toThrow(
      'Refusing to authenticate through the events gateway: the gateway route adds its token itself.'
    );
  });

  it.each([
    '/api/v1/sim/7',
    '/api/v1/user/my/event',
    '/api/v1/organisation/my/event',
    '/api/v1/event/../sim/7',
    '/api/v1/event/type/x',
    '/api/v1/endpoint',
  ])('refuses %s, a path the plugin never reads, in either mode', (path) => {
    for (const mode of ['direct', 'gateway'] as const) {
      expect(() => proxyPath({ kind: 'api', method: 'GET', path }, mode)).toThrow(
        `Refusing to request "${path}": the data source reads only emnify's event lists and event types.`
      );
    }
  });
});
