/**
 * The data source proxy stand-in does what Grafana does. The expectations on Go behaviour were read off
 * Go 1.19 itself (text/template, net/url, path/filepath) once, and on Grafana's from its source
 * (pkg/api/pluginproxy, pkg/util/proxyutil); the HTTP cases run against a recording upstream over real HTTP.
 */
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { cleanRelativePath, escapePath, executeTemplate, joinURLFragments, parseUrl, reencodeQuery } from './go';
import { PluginRoute, ProxyAnswer, ProxyRequest, matchRoute, pluginRoutes, proxyRequest, toUpstream } from './proxy';

const data = (jsonData: Record<string, unknown> = {}, secureJsonData: Record<string, string> = {}) => ({
  JsonData: jsonData,
  SecureJsonData: secureJsonData,
});

describe('Go text/template as Grafana runs route templates (pluginproxy/utils.go interpolateString)', () => {
  const base = '{{ if .JsonData.apiUrl }}{{ .JsonData.apiUrl }}{{ else }}https://cdn.emnify.net{{ end }}/api/v1/event';
  it.each([
    ['a missing key is false in {{ if }}', base, {}, 'https://cdn.emnify.net/api/v1/event'],
    ['an empty string is false', base, { apiUrl: '' }, 'https://cdn.emnify.net/api/v1/event'],
    ['null is false', base, { apiUrl: null }, 'https://cdn.emnify.net/api/v1/event'],
    ['a value is printed as it is', base, { apiUrl: 'http://x:1' }, 'http://x:1/api/v1/event'],
    ['a missing key prints <no value>', '{{ .JsonData.apiUrl }}/api/v1', {}, '<no value>/api/v1'],
    ['null prints <nil>', '{{ .JsonData.apiUrl }}/api/v1', { apiUrl: null }, '<nil>/api/v1'],
    [
      'numbers and booleans print as fmt %v does',
      '{{ .JsonData.n }}|{{ .JsonData.f }}|{{ .JsonData.b }}|{{ .JsonData.big }}',
      { n: 1000, f: 1.5, b: true, big: 1e21 },
      '1000|1.5|true|1e+21',
    ],
    ['{{ if }} without else on a missing key prints nothing', '{{ if .JsonData.x }}a{{ end }}', {}, ''],
  ])('%s', (_name, template, jsonData, expected) => {
    expect(executeTemplate(template, data(jsonData))).toBe(expected);
  });

  it('prints <no value> for a missing secure key, and does not JSON-escape', () => {
    const body = '{"application_token": "{{ .SecureJsonData.applicationToken }}"}';
    expect(executeTemplate(body, data())).toBe('{"application_token": "<no value>"}');
    expect(executeTemplate(body, data({}, { applicationToken: 'a"b' }))).toBe('{"application_token": "a"b"}');
  });

  // Checked against Go 1.19: eq with a missing key or nil is false, not an error; raw strings work as literals.
  it.each([
    [{}, 'D'],
    [{ connection: null }, 'D'],
    [{ connection: 'direct' }, 'D'],
    [{ connection: 'gateway' }, 'G'],
    [{ connection: 'Gateway' }, 'D'],
  ])('eq on %j', (jsonData: Record<string, unknown>, expected: string) => {
    expect(executeTemplate('{{ if eq .JsonData.connection "gateway" }}G{{ else }}D{{ end }}', data(jsonData))).toBe(
      expected
    );
    expect(executeTemplate('{{ if eq .JsonData.connection `gateway` }}G{{ else }}D{{ end }}', data(jsonData))).toBe(
      expected
    );
  });

  it('fails where Go fails: eq of a number or a boolean with a string', () => {
    for (const connection of [5, true]) {
      expect(() =>
        executeTemplate('{{ if eq .JsonData.connection "gateway" }}G{{ end }}', data({ connection }))
      ).toThrow('error calling eq: incompatible types for comparison');
    }
  });

  it('refuses what it does not emulate', () => {
    expect(() => executeTemplate('{{ .JsonData.x | printf "%s" }}', data())).toThrow('is not emulated');
    expect(() => executeTemplate('{{- .JsonData.x }}', data())).toThrow('trim markers');
    expect(() => executeTemplate('{{ if .JsonData.x }}a', data())).toThrow('unclosed');
  });
});

describe('Go net/url and Grafana path utilities', () => {
  it.each([
    ['<no value>/api/v1', { scheme: '', host: '', path: '<no value>/api/v1' }],
    ['cdn.emnify.net/api/v1', { scheme: '', host: '', path: 'cdn.emnify.net/api/v1' }],
    ['cdn.emnify.net:443/api/v1', { scheme: 'cdn.emnify.net', host: '', path: '' }],
    ['https://cdn.emnify.net//api/v1', { scheme: 'https', host: 'cdn.emnify.net', path: '//api/v1' }],
    ['http://h:1/a%20b/c', { scheme: 'http', host: 'h:1', path: '/a b/c' }],
    ['http://h/%zz', { error: 'parse "http://h/%zz": invalid URL escape' }],
    ['1http://x', { error: 'parse "1http://x": first path segment in URL cannot contain colon' }],
  ])('url.Parse(%j)', (raw, expected) => {
    expect(parseUrl(raw)).toEqual(expected);
  });

  it('re-encodes a query string as url.Values.Encode: sorted keys, + for spaces, bad pairs dropped', () => {
    expect(
      reencodeQuery(
        'q=from:2026-01-01T00:00:00Z,type:3|5&per_page=1000&sort=-id&page=1&a=b c&x=%zz&y;z=1&=e&plus=a+b&empty='
      )
    ).toBe('=e&a=b+c&empty=&page=1&per_page=1000&plus=a+b&q=from%3A2026-01-01T00%3A00%3A00Z%2Ctype%3A3%7C5&sort=-id');
  });

  it.each([
    ['emnify-event', 'emnify-event'],
    ['emnify-event/', 'emnify-event'],
    ['emnify-event/../emnify-sim/1', 'emnify-sim/1'],
    ['', '.'],
    ['a//b', 'a/b'],
    ['../x', 'x'],
    ['emnify-event/%2e%2e/sim', 'emnify-event/%2e%2e/sim'],
  ])('CleanRelativePath(%j) = %j', (p, expected) => {
    expect(cleanRelativePath(p)).toBe(expected);
  });

  it('joins URL fragments with one slash, and escapes a path as URL.EscapedPath', () => {
    expect(joinURLFragments('/api/v1/event', '')).toBe('/api/v1/event');
    expect(joinURLFragments('/api/v1/event', 'X/type')).toBe('/api/v1/event/X/type');
    expect(joinURLFragments('/api/v1/', '/event')).toBe('/api/v1/event');
    expect(joinURLFragments('//api/v1', '/event')).toBe('//api/v1/event');
    expect(escapePath("/api/v1/event/a b/%2e%2e/(x)!*'")).toBe('/api/v1/event/a%20b/%252e%252e/%28x%29%21%2A%27');
  });
});

describe('route matching (ds_proxy.go validateRequest)', () => {
  const routes: PluginRoute[] = [
    { path: 'a', method: 'POST', url: 'http://u/post' },
    { path: 'a', url: 'http://u/any' },
    { path: 'ab', method: 'GET', url: 'http://u/ab' },
  ];
  it('takes the first route in order whose method matches exactly and whose path is a string prefix', () => {
    expect(matchRoute(routes, 'POST', 'a/x')?.url).toBe('http://u/post');
    expect(matchRoute(routes, 'GET', 'a/x')?.url).toBe('http://u/any');
    // "a" comes first and is a prefix of "ab": the longer route is never reached.
    expect(matchRoute(routes, 'GET', 'ab/x')?.url).toBe('http://u/any');
    expect(matchRoute(routes, 'get', 'zzz')).toBeUndefined();
    expect(matchRoute([{ path: 'x', method: 'get', url: 'http://u' }], 'GET', 'x')).toBeUndefined();
  });
});

/** An upstream that records what arrives and answers what the test says. */
function recordingUpstream(
  answer: (req: IncomingMessage) => {
    status: number;
    headers?: Record<string, string>;
    body?: string;
    delayMs?: number;
  }
) {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const a = answer(req);
      setTimeout(() => {
        if (!res.destroyed) {
          res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
        }
      }, a.delayMs ?? 0);
    });
  });
  return {
    seen,
    start: () =>
      new Promise<string>((ok) =>
        server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))
      ),
    close: () => new Promise<void>((ok) => (server.closeAllConnections(), server.close(() => ok()))),
  };
}

describe('proxyRequest over HTTP', () => {
  let status = 200;
  let upstreamHeaders: Record<string, string> = {};
  let body = '[]';
  let delayMs = 0;
  const upstream = recordingUpstream(() => ({ status, headers: upstreamHeaders, body, delayMs }));
  let url = '';
  const routes: PluginRoute[] = [
    {
      path: 'auth',
      method: 'POST',
      url: '{{ .JsonData.apiUrl }}/api/v1/authenticate',
      headers: [{ name: 'Content-Type', content: 'application/json' }],
      body: { application_token: '{{ .SecureJsonData.applicationToken }}' },
    },
    { path: 'api', method: 'GET', url: '{{ .JsonData.apiUrl }}/api/v1' },
  ];
  const settings = () => ({ jsonData: { apiUrl: url }, secureJsonData: { applicationToken: 'app-token' } });
  const send = (req: Partial<ProxyRequest> & { path: string }, timeoutMs?: number): Promise<ProxyAnswer> =>
    proxyRequest(routes, settings(), { method: 'GET', headers: {}, ...req }, { timeoutMs });

  beforeAll(async () => {
    url = await upstream.start();
  });
  afterAll(() => upstream.close());
  beforeEach(() => {
    upstream.seen.length = 0;
    status = 200;
    upstreamHeaders = {};
    body = '[]';
    delayMs = 0;
  });

  it('strips and adds request headers, moves X-DS-Authorization, re-encodes the query', async () => {
    await send({
      path: 'api/event?q=type:3|5,description:a b&page=1',
      headers: {
        authorization: 'Bearer grafana-api-key',
        'x-ds-authorization': 'Bearer jwt',
        cookie: 'grafana_session=s',
        origin: 'http://grafana',
        referer: 'http://grafana/d/x',
        'x-forwarded-host': 'evil',
        'x-forwarded-proto': 'http',
        'x-grafana-user': 'admin',
        'x-grafana-device-id': 'd',
        'user-agent': 'Chrome',
        accept: 'application/json, text/plain, */*',
        'x-grafana-org-id': '1',
      },
      remoteAddr: '10.0.0.7',
    });
    const [got] = upstream.seen;
    expect(got.url).toBe('/api/v1/event?page=1&q=type%3A3%7C5%2Cdescription%3Aa+b');
    expect(got.headers.authorization).toBe('Bearer jwt');
    for (const name of [
      'cookie',
      'origin',
      'referer',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-grafana-user',
      'x-grafana-device-id',
      'x-ds-authorization',
    ]) {
      expect({ name, value: got.headers[name] }).toEqual({ name, value: undefined });
    }
    expect(got.headers['user-agent']).toBe('Grafana/12.4.10');
    expect(got.headers['x-grafana-referer']).toBe('http://grafana/d/x');
    expect(got.headers['x-forwarded-for']).toBe('10.0.0.7');
    expect(got.headers['x-grafana-org-id']).toBe('1');
  });

  it('sends the templated route body instead of the browser’s, with the route’s headers', async () => {
    await send({
      path: 'auth',
      method: 'POST',
      body: '{"application_token":"from-browser"}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(upstream.seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/authenticate',
      body: '{"application_token":"app-token"}',
      headers: { 'content-type': 'application/json', 'content-length': '33' },
    });
  });

  it('answers an upstream 401 with 400 "Authentication to data source failed" and none of its headers', async () => {
    status = 401;
    upstreamHeaders = {
      'content-type': 'application/json',
      'x-amzn-errortype': 'UnauthorizedException',
      'retry-after': '5',
    };
    body = '{"error_code":1103,"error_token":"TokenExpired","message":"Token expired"}';
    expect(await send({ path: 'api/event' })).toEqual({
      status: 400,
      headers: { 'content-security-policy': 'sandbox', 'content-type': 'text/plain; charset=utf-8' },
      body: 'Authentication to data source failed',
    });
  });

  it('passes other answers with their headers, drops Set-Cookie, adds the sandbox CSP', async () => {
    status = 429;
    upstreamHeaders = { 'retry-after': '2', 'x-total-count': '9', 'set-cookie': 'a=b' };
    body = '{"message":"Too Many Requests"}';
    const answer = await send({ path: 'api/event' });
    expect(answer).toEqual({
      status: 429,
      headers: expect.objectContaining({
        'retry-after': '2',
        'x-total-count': '9',
        'content-security-policy': 'sandbox',
      }),
      body: '{"message":"Too Many Requests"}',
    });
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('answers 502 when no route matches (the data source has no URL), for an unusable URL and an unreachable host', async () => {
    expect(await send({ path: 'nothing/here' })).toEqual({ status: 502, headers: {}, body: '' });
    expect(await send({ path: 'api/event', method: 'POST' })).toEqual({ status: 502, headers: {}, body: '' });
    expect(
      await proxyRequest(
        routes,
        { jsonData: {}, secureJsonData: {} },
        { path: 'api/event', method: 'GET', headers: {} }
      )
    ).toEqual({ status: 502, headers: {}, body: '' });
    expect(
      await proxyRequest(
        routes,
        { jsonData: { apiUrl: 'http://127.0.0.1:1' }, secureJsonData: {} },
        { path: 'api/event', method: 'GET', headers: {} }
      )
    ).toEqual({ status: 502, headers: {}, body: '' });
    expect(upstream.seen).toEqual([]);
  });

  it('answers 504 after the data proxy timeout, and 499 to a request the browser cancelled', async () => {
    delayMs = 400;
    expect(await send({ path: 'api/event' }, 100)).toEqual({ status: 504, headers: {}, body: '' });
    const abort = new AbortController();
    const pending = send({ path: 'api/event', signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    expect(await pending).toEqual({ status: 499, headers: {}, body: '' });
  });

  it('reaches an origin through the test network, keeping the route’s Host', async () => {
    const unset = toUpstream(
      pluginRoutes(),
      { jsonData: {}, secureJsonData: {} },
      { path: 'emnify-event/type', method: 'GET', headers: {} }
    );
    expect(unset).toMatchObject({ origin: 'https://cdn.emnify.net', pathAndQuery: '/api/v1/event/type' });
    await proxyRequest(
      pluginRoutes(),
      { jsonData: {}, secureJsonData: {} },
      { path: 'emnify-event/type', method: 'GET', headers: {} },
      { network: { 'https://cdn.emnify.net': url } }
    );
    expect(upstream.seen[0]).toMatchObject({ url: '/api/v1/event/type', headers: { host: 'cdn.emnify.net' } });
  });
});
