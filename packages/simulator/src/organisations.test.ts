/**
 * One simulator per emnify organisation (§1.2: an application token is scoped to one workspace): each
 * has its own token, seed, organisation id and name, and serves only its own organisation, in every place
 * the API shows one (event `organisation`, JWT claims, `/organisation/{id}/event`, `q=organisation:`, the
 * descriptions that name it). The defaults stay those of the recorded traffic (determinism.test.ts pins them).
 */
import type { RawEvent } from '@emnify-events/client';
import { startFromEnv } from './cli';
import { RunningSimulator, startSimulator } from './index';
import { authenticate, get, readAll } from './test-support/http';

const START = Date.UTC(2026, 2, 14, 12, 0, 0);
const GLOBEX = { id: 14751, name: 'Globex Logistics B.V.' };

describe('simulators of two organisations side by side', () => {
  let acme: RunningSimulator;
  let globex: RunningSimulator;
  let acmeEvents: RawEvent[];
  let globexEvents: RawEvent[];
  let globexJwt: string;

  beforeAll(async () => {
    const common = { port: 0, historyMs: 6 * 3_600_000, historyEvents: 700, eventsPerSecond: 0, now: () => START };
    acme = await startSimulator({ ...common, seed: 11 });
    globex = await startSimulator({
      ...common,
      seed: 12,
      applicationToken: 'globex-token',
      organisationId: GLOBEX.id,
      organisationName: GLOBEX.name,
    });
    acmeEvents = await readAll(acme, await authenticate(acme));
    globexJwt = await authenticate(globex);
    globexEvents = await readAll(globex, globexJwt);
  });
  afterAll(async () => {
    await acme.close();
    await globex.close();
  });

  it('serves each organisation on every event, the default one where none is set', () => {
    expect(acme.organisation).toEqual({ id: 13886, name: 'Acme Fleet GmbH' });
    expect(globex.organisation).toEqual(GLOBEX);
    expect(new Set(acmeEvents.map((e) => JSON.stringify(e.organisation)))).toEqual(
      new Set([JSON.stringify({ id: 13886, name: 'Acme Fleet GmbH' })])
    );
    expect(new Set(globexEvents.map((e) => JSON.stringify(e.organisation)))).toEqual(new Set([JSON.stringify(GLOBEX)]));
    expect([acmeEvents.length, globexEvents.length]).toEqual([700, 700]);
    // Their own seeds: different events.
    expect(globexEvents.map((e) => e.event_type.id)).not.toEqual(acmeEvents.map((e) => e.event_type.id));
  });

  it("accepts only its own application token and puts its organisation in the JWT's claims", async () => {
    const res = await fetch(`${acme.url}/api/v1/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ application_token: 'globex-token' }),
    });
    expect([res.status, await res.text()]).toEqual([401, '']);
    const claims = JSON.parse(Buffer.from(globexJwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect([claims['esc.org'], claims['esc.orgName']]).toEqual([GLOBEX.id, GLOBEX.name]);
  });

  it('lists everything under its own organisation id and nothing under another one (§2.6)', async () => {
    const own = await get(globex, `/api/v1/organisation/${GLOBEX.id}/event`, globexJwt);
    const other = await get(globex, '/api/v1/organisation/13886/event', globexJwt);
    expect([own.status, own.headers.get('x-total-count')]).toEqual([200, '700']);
    expect([other.status, other.headers.get('x-total-count'), other.text]).toEqual([200, '0', '[]']);
  });

  it('filters q=organisation by its own name or id (§2.5)', async () => {
    const total = async (q: string) =>
      (await get(globex, `/api/v1/event?q=${encodeURIComponent(q)}`, globexJwt)).headers.get('x-total-count');
    expect([
      await total('organisation:globex'),
      await total(`organisation:${GLOBEX.id}`),
      await total('organisation:acme'),
      await total('organisation:13886'),
    ]).toEqual(['700', '700', '0', '0']);
  });

  it('names its organisation in the descriptions that name one', () => {
    const [updated] = globex.addEvents(1, { typeId: 31 });
    const [issued] = globex.addEvents(1, { typeId: 44 });
    const [batch] = globex.addEvents(1, { typeId: 48 });
    expect(updated.description).toBe("Organisation 'Globex Logistics B.V.' updated.");
    expect(updated.detail).toEqual({ changed_data: [{ name: { old: 'Globex Logistics', new: GLOBEX.name } }] });
    expect(issued.description).toBe("SIM issued to organisation 'Globex Logistics B.V.'.");
    expect(batch.description).toBe("SIM batch registered to organisation 'Globex Logistics B.V.'.");
    const [acmeUpdated] = acme.addEvents(1, { typeId: 31 });
    expect(acmeUpdated.detail).toEqual({
      changed_data: [{ name: { old: 'Acme Fleet', new: 'Acme Fleet GmbH' } }],
    });
  });
});

describe('SIMULATOR_ORGANISATION_ID and SIMULATOR_ORGANISATION_NAME', () => {
  it('start a simulator of that organisation and name it in the start line', async () => {
    const lines: string[] = [];
    const started = await startFromEnv(
      {
        SIMULATOR_PORT: '0',
        SIMULATOR_HISTORY_EVENTS: '3',
        SIMULATOR_EVENTS_PER_SECOND: '0',
        SIMULATOR_ORGANISATION_ID: String(GLOBEX.id),
        SIMULATOR_ORGANISATION_NAME: GLOBEX.name,
      },
      (l) => lines.push(l)
    );
    if (!started.ok) {
      throw new Error(started.message);
    }
    try {
      expect((JSON.parse(lines[0]) as { organisation: unknown }).organisation).toEqual(GLOBEX);
      const events = await readAll(started.sim, await authenticate(started.sim));
      expect(events.map((e) => e.organisation)).toEqual([GLOBEX, GLOBEX, GLOBEX]);
    } finally {
      await started.sim.close();
    }
  });
});
