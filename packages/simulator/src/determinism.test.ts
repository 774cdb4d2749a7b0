/**
 * The simulator is the ground truth of every test, so what it serves for a seed must never change by
 * accident (a refactor, a reordered random draw). This pins it: for a few seeds, everything served over
 * HTTP (every page of the history, live and late arrivals, injected events, a set of q/sort/scope
 * queries and error answers, status + paging headers + body) is hashed with SHA-256 and compared with
 * hashes measured on main at a9cdb2d, before the generator and query modules were split.
 *
 * A deliberate change to what the simulator generates must update these hashes, and say why in its
 * commit. To print the current hashes: `SIMULATOR_PRINT_HASHES=1 npx jest packages/simulator/src/determinism`.
 */
import { createHash } from 'node:crypto';
import type { RawEvent } from '@emnify-events/client';
import { RunningSimulator, SimulatorOptions, startSimulator } from './index';
import { Answer, authenticate, get, post } from './test-support/http';

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const HISTORY_MS = 3 * 86_400_000;

/** Queries whose answers are hashed: every q field, multi values, sorts, scopes, paging quirks, errors. */
const QUERIES = [
  'q=type:1|2|3|5|15|16',
  'q=type:3,alert:true',
  'q=source:1',
  'q=severity:2',
  'q=severity:1,source:0',
  'q=alert:FALSE,type:5',
  'q=description:quota',
  'q=description:REJECTED',
  'q=description:PDP Context',
  'q=endpoint:TRUCK-0007|Meter-0101',
  'q=network:telekom,country:GERMANY',
  'q=organisation:acme',
  'q=organisation:13886',
  'q=user:ops',
  'q=endpoint:truck-0001|truck-0002|meter-0003|tracker-0004|truck-0005|truck-0006',
  'q=tags:fleet',
  'q=tags:de',
  'q=ip_address:10.191.0.1',
  'q=iccid:8988303',
  'q=iccid_with_luhn:8988303',
  'q=network:Telekom|Vodafone',
  'q=country:Germany|France|Netherlands',
  'q=rat:2|8|9',
  'q=timestamp:2026-01-14',
  'q=from:2026-01-13T00:00:00Z,until:2026-01-14T06:30:00Z',
  'q=from:2026-01-14T00:00:00Z,until:2026-01-14T00:00:00Z',
  'q=country:Germany,rat:6,type:3',
  'sort=-timestamp',
  'sort=endpoint,-timestamp',
  'sort=-severity,type',
  'sort=iccid',
  'sort=-id&page=3&per_page=7',
  'sort=user,-alert&per_page=50',
  'page=999&per_page=300',
  'page=-4&per_page=-3',
  // Errors: the status and body are hashed too.
  'q=type:1|2|3|4|5|6|7',
  'q=from:2026-02-30T00:00:00Z,until:2026-03-01T00:00:00Z',
  'q=from:2026-01-14T00:00:00Z',
  'q=colour:red',
  'q=ip_address:10.0.0.256',
  'sort=colour',
  'page=two',
];

interface Served {
  sim: RunningSimulator;
  jwt: string;
  hash: ReturnType<typeof createHash>;
}

async function serve(served: Served, path: string): Promise<Answer> {
  const r = await get(served.sim, path, served.jwt);
  const keep = ['link', 'x-count-per-page', 'x-current-page', 'x-total-count', 'x-total-pages', 'x-sort', 'x-filter'];
  const headers = keep.map((k) => `${k}=${r.headers.get(k) ?? ''}`).join('\n');
  served.hash.update(`${path}\n${r.status}\n${headers.split(served.sim.url).join('SIM')}\n${r.text}\n`);
  return r;
}

async function serveAllPages(served: Served, path: string): Promise<RawEvent[]> {
  const events: RawEvent[] = [];
  for (let page = 1; ; page++) {
    const r = await serve(served, `${path}?per_page=1000&page=${page}`);
    events.push(...r.json<RawEvent[]>());
    if (Number(r.headers.get('x-current-page')) >= Number(r.headers.get('x-total-pages'))) {
      return events;
    }
  }
}

/** SHA-256 of everything a simulator with these options serves, including 10 minutes of live events. */
async function fingerprint(options: SimulatorOptions): Promise<{ events: number; sha256: string }> {
  let now = START;
  const sim = await startSimulator({ port: 0, now: () => now, historyMs: HISTORY_MS, ...options });
  try {
    const served: Served = { sim, jwt: await authenticate(sim), hash: createHash('sha256') };
    const history = await serveAllPages(served, '/api/v1/event');
    const withDevice = history.find((e) => e.endpoint && e.user)!;
    for (const query of QUERIES) {
      await serve(served, `/api/v1/event?${query}`);
    }
    for (const scope of [
      `endpoint/${withDevice.endpoint!.id}`,
      `sim/${withDevice.sim!.id}`,
      `user/${withDevice.user!.id}`,
      'organisation/my',
      'organisation/1',
      'user/my',
    ]) {
      await serve(served, `/api/v1/${scope}/event?sort=-timestamp`);
    }
    // Live arrivals (some late) over ten minutes, and injected events, then everything again.
    now += 600_000;
    const added = await post(sim, '/_simulator/events', { count: 25, lateBySeconds: 90 });
    served.hash.update(added.text);
    const typed = await post(sim, '/_simulator/events', { count: 3, typeId: 12 });
    served.hash.update(typed.text);
    now += 30_000;
    const all = await serveAllPages(served, '/api/v1/event');
    served.hash.update(JSON.stringify(sim.truth()));
    return { events: all.length, sha256: served.hash.digest('hex') };
  } finally {
    await sim.close();
  }
}

const CASES: Array<[string, SimulatorOptions, { events: number; sha256: string }]> = [
  [
    'seed 1, drift on',
    { seed: 1, historyEvents: 4000, eventsPerSecond: 2, lateFraction: 0.3 },
    { events: 5365, sha256: '6efa405700436ad307f917fab5ef1a4421d92c4d17b24d7342de67c731d14077' },
  ],
  [
    'seed 7, drift off',
    { seed: 7, historyEvents: 3000, eventsPerSecond: 1, drift: false },
    { events: 3684, sha256: '2412576e1fb8e344a74ede16e9ac352ec375665d6fbbe27f0b2d8cb1afd8ef6d' },
  ],
  [
    'seed 424242, drift on',
    { seed: 424242, historyEvents: 2500, eventsPerSecond: 0.5, maxPerPage: 300 },
    { events: 2819, sha256: 'c3b25fda553c3afa05581320e54cf8aa521e41c54f68e98fe4858dc8c8dc1c9b' },
  ],
];

describe('the simulator serves byte-identical answers for a seed', () => {
  it.each(CASES)('%s', async (name, options, expected) => {
    const got = await fingerprint(options);
    if (process.env.SIMULATOR_PRINT_HASHES) {
      process.stdout.write(`${name}: ${JSON.stringify(got)}\n`);
    }
    expect(got).toEqual(expected);
  });
});
