/**
 * The client's seams for the exporter's events gateway, against the simulator over real HTTP: a static
 * bearer (no authentication), a shared view (one JWT, its own observer), answers handed on as the API
 * gave them (`request`), and the page items as sent.
 */
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { EmnifyClient, EmnifyClientOptions } from './client';
import { ClientObserver } from './requester';
import { Transport, fetchTransport } from './transport';
import { errorOf } from './testing/errorOf';
import { simulatorJwt } from './testing/simulatorJwt';

const HOUR = 3_600_000;

function clientFor(sim: RunningSimulator, extra: Partial<EmnifyClientOptions> = {}): EmnifyClient {
  return new EmnifyClient({
    transport: fetchTransport({ baseUrl: sim.url, timeoutMs: 5000 }),
    rateLimiter: null,
    retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 1 },
    ...extra,
  });
}

const paths = (sim: RunningSimulator) => sim.requestLog().map((r) => `${r.path} ${r.status}`);

describe('client seams for the events gateway', () => {
  let sim: RunningSimulator;
  let jwt: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 4, historyMs: 2 * HOUR, historyEvents: 300, eventsPerSecond: 0 });
    jwt = await simulatorJwt(sim);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetRequestLog());

  it('with a static bearer, sends it and never authenticates', async () => {
    const client = clientFor(sim, { bearerToken: jwt, applicationToken: 'not used' });
    await client.authenticate();
    const page = await client.getEventPage({ perPage: 5 });
    expect(page.events).toHaveLength(5);
    expect(paths(sim)).toEqual(['/api/v1/event 200']);
  });

  it('with a static bearer, a 401 is final: one request, no authentication, the gateway token named', async () => {
    const client = clientFor(sim, { bearerToken: 'wrong-token' });
    const err = await errorOf(client.getEventPage({ perPage: 5 }));
    expect(err.code).toBe('EMNIFY_UNAUTHORIZED');
    expect(err.message).toBe(
      '/api/v1/event answered 401: "token contains an invalid number of segments". The server refused the bearer token: check the events gateway token (the exporter\'s EXPORTER_GATEWAY_TOKEN and the token this client sends).'
    );
    expect(paths(sim)).toEqual(['/api/v1/event 401']);
  });

  it('with the credential added by the transport, sends no Authorization, never authenticates, and a 401 is final', async () => {
    const sent: Array<Record<string, string> | undefined> = [];
    const inner = fetchTransport({ baseUrl: sim.url, timeoutMs: 5000 });
    // A proxy holding the credential: it adds the header the client left out.
    const proxy =
      (bearer: string): Transport =>
      (request) => {
        sent.push(request.headers);
        return inner({ ...request, headers: { ...request.headers, authorization: `Bearer ${bearer}` } });
      };
    const client = clientFor(sim, { credentialByTransport: true, transport: proxy(jwt) });
    await client.authenticate();
    expect((await client.getEventPage({ perPage: 5 })).events).toHaveLength(5);
    expect(sent).toEqual([{}]);
    expect(client.secrets()).toEqual([undefined, undefined, undefined]);
    const refused = clientFor(sim, { credentialByTransport: true, transport: proxy('wrong-token') });
    expect((await errorOf(refused.getEventPage({ perPage: 5 }))).code).toBe('EMNIFY_UNAUTHORIZED');
    expect(paths(sim)).toEqual(['/api/v1/event 200', '/api/v1/event 401']);
  });

  it("a shared view uses the owner's JWT and reports its own requests to its own observer", async () => {
    const owner: string[] = [];
    const view: string[] = [];
    const observer = (into: string[]): ClientObserver => ({ onRequest: (i) => into.push(`${i.endpoint} ${i.status}`) });
    const client = clientFor(sim, { applicationToken: sim.applicationToken, observer: observer(owner) });
    const shared = client.share({ priority: 'low', observer: observer(view) });
    await client.getEventTypes();
    await shared.getEventPage({ perPage: 1 });
    await shared.getEventPage({ perPage: 1, scope: { kind: 'endpoint', id: 1 } });
    expect(paths(sim)).toEqual([
      '/api/v1/authenticate 200',
      '/api/v1/event/type 200',
      '/api/v1/event 200',
      '/api/v1/endpoint/1/event 200',
    ]);
    expect(owner).toEqual([
      '/api/v1/authenticate 200',
      '/api/v1/event/type 200',
      '/api/v1/event 200',
      '/api/v1/endpoint/{id}/event 200',
    ]);
    expect(view).toEqual(['/api/v1/event 200', '/api/v1/endpoint/{id}/event 200']);
    expect(shared.secrets()).toEqual(client.secrets());
  });

  it('request() hands on the API answer as it came: a 422 with its body, a 200 with its headers', async () => {
    const client = clientFor(sim, { applicationToken: sim.applicationToken });
    const refused = await client.request('/api/v1/event', { q: 'colour:blue' });
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.body)).toEqual({
      error_code: 1301,
      error_token: 'InvalidQueryCriteria',
      message: 'Search criteria colour:blue is invalid',
    });
    const ok = await client.request('/api/v1/event', { per_page: '2', page: '3' });
    expect(ok.status).toBe(200);
    expect(ok.headers['x-current-page']).toBe('3');
    expect(JSON.parse(ok.body)).toHaveLength(2);
  });

  it('a page carries its items as the API sent them, one per event', async () => {
    const client = clientFor(sim, { applicationToken: sim.applicationToken });
    const page = await client.getEventPage({ perPage: 20, page: 2 });
    const raw = await fetch(`${sim.url}/api/v1/event?page=2&per_page=20`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(page.items).toEqual(await raw.json());
    expect(page.items.map((i) => (i as { id: number }).id)).toEqual(page.events.map((e) => e.id));
  });
});
