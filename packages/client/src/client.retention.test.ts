/**
 * A reading holds no page it has handed over (issue #15: a catch-up's peak RSS). The client against the
 * simulator over real HTTP; which pages are still alive is asked of the garbage collector itself: at every
 * page request (the reading waiting for its next page), after a full collection, no page the reading
 * yielded earlier may be reachable, since the consumer here keeps none of them.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { EmnifyClient, EventPage, PagingLimitError, readPositionOf } from './client';
import { Transport, fetchTransport } from './transport';

setFlagsFromString('--expose-gc');
/** V8's full collection (a fresh context sees the flag set above). */
const gc = runInNewContext('gc') as () => void;

const HOUR = 3_600_000;

/**
 * A client whose event requests first record how many of `tracked` are still alive: after a macrotask
 * (WeakRefs made in earlier jobs no longer keep their targets) and a full collection.
 */
function probingClient(sim: RunningSimulator, tracked: Array<WeakRef<object>>, alive: number[]): EmnifyClient {
  const inner = fetchTransport({ baseUrl: sim.url, timeoutMs: 5000 });
  const transport: Transport = async (request) => {
    if (request.path === '/api/v1/event') {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
      alive.push(tracked.filter((ref) => ref.deref() !== undefined).length);
    }
    return inner(request);
  };
  return new EmnifyClient({ transport, applicationToken: sim.applicationToken, rateLimiter: null });
}

/**
 * Takes every page of `pages`, keeping only its ids and a WeakRef to it (each page is taken in a call of
 * its own, so this consumer's frame holds none while the reading goes on).
 */
async function consume(pages: AsyncGenerator<EventPage>, tracked: Array<WeakRef<object>>): Promise<number[]> {
  const ids: number[] = [];
  const takeOne = async (): Promise<boolean> => {
    const step = await pages.next();
    if (step.done) {
      return false;
    }
    ids.push(...step.value.events.map((e) => e.id));
    tracked.push(new WeakRef(step.value));
    return true;
  };
  while (await takeOne()) {}
  return ids;
}

const pagesRequested = (sim: RunningSimulator) =>
  sim
    .requestLog()
    .filter((r) => r.path === '/api/v1/event')
    .map((r) => Number(new URLSearchParams(r.query).get('page')));

describe('a reading lets go of the pages it has yielded', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 11, historyMs: 24 * HOUR, historyEvents: 1000, eventsPerSecond: 0 });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetRequestLog());

  it.each([1, 4])(
    'concurrency %i: at each of the 10 page requests, none of the pages yielded before is alive',
    async (concurrency) => {
      const tracked: Array<WeakRef<object>> = [];
      const alive: number[] = [];
      const client = probingClient(sim, tracked, alive);
      const ids = await consume(client.iterateEventPages({ perPage: 100 }, { concurrency }), tracked);
      // 1,000 events in pages of 100: pages 1 to 10, each requested once, every event once.
      expect(pagesRequested(sim).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(new Set(ids).size).toBe(1000);
      expect(tracked).toHaveLength(10);
      expect(alive).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }
  );

  it('continues after a page the caller read (`after`): not requested or yielded again, and not kept', async () => {
    const tracked: Array<WeakRef<object>> = [];
    const alive: number[] = [];
    const client = probingClient(sim, tracked, alive);
    // The caller reads page 1 itself and keeps only where it stopped.
    const readFirst = async () => {
      const page = await client.getEventPage({ perPage: 100, page: 1 });
      tracked.push(new WeakRef(page));
      return { position: readPositionOf(page), ids: page.events.map((e) => e.id) };
    };
    const first = await readFirst();
    expect(first.position).toMatchObject({ page: 1, items: 100, paging: { totalPages: 10, totalCount: 1000 } });
    const rest = await consume(
      client.iterateEventPages({ perPage: 100 }, { after: first.position, concurrency: 4 }),
      tracked
    );
    expect(pagesRequested(sim).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set([...first.ids, ...rest]).size).toBe(1000);
    expect(rest).toHaveLength(900);
    // The request of page 1 saw nothing yet; those of pages 2-10 neither the caller's page nor any yielded one.
    expect(alive).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('`after` counts as the reading first page for maxPages, as a page the reading read would', async () => {
    const client = probingClient(sim, [], []);
    const position = readPositionOf(await client.getEventPage({ perPage: 100, page: 1 }));
    const pages: number[] = [];
    await expect(
      (async () => {
        for await (const page of client.iterateEventPages({ perPage: 100 }, { after: position, maxPages: 3 })) {
          pages.push(page.requestedPage);
        }
      })()
    ).rejects.toBeInstanceOf(PagingLimitError);
    expect(pages).toEqual([2, 3]);
  });
});
