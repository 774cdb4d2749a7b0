/**
 * The client against hostile servers over real HTTP on 127.0.0.1 (free ports): endless and oversized
 * bodies, gzip bombs, oversized headers, page lists that never end, and Retry-After values that overflow
 * timers. Bounds, messages and request counts are literals.
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { EmnifyClient, EmnifyClientOptions, PagingLimitError } from './client';
import { ClientObserver } from './requester';
import { TokenBucket } from './rateLimiter';
import { MAX_RETRY_AFTER_MS, retryAfterDelay, sleep } from './retry';
import { MAX_TIMER_MS, clampTimerMs } from './timers';
import { DEFAULT_MAX_RESPONSE_BYTES, ResponseTooLargeError, fetchTransport } from './transport';
import { errorOf } from './testing/errorOf';

const MiB = 1024 * 1024;

interface Hostile {
  url: string;
  /** `METHOD path?query` of every request but authentication. */
  requests: string[];
  /** Body bytes the handler wrote before the client went away (set by `count`). */
  written: { bytes: number; closed: boolean };
  close(): Promise<void>;
}

/**
 * A server that authenticates anyone (a JWT-shaped token) and answers everything else with `handler`.
 * `written` counts what handlers report through `count`.
 */
async function hostile(handler: (req: IncomingMessage, res: ServerResponse, h: Hostile) => void): Promise<Hostile> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/api/v1/authenticate') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ auth_token: 'hostile.jwt.token' }));
      return;
    }
    h.requests.push(`${req.method} ${req.url}`);
    handler(req, res, h);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const h: Hostile = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: [],
    written: { bytes: 0, closed: false },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
  return h;
}

/** Writes `chunk` again and again, honouring backpressure, until the client goes away or `limit` bytes. */
function stream(res: NodeJS.WritableStream & { destroyed?: boolean }, chunk: Buffer, h: Hostile, limit = Infinity) {
  res.on('close', () => (h.written.closed = true));
  res.on('error', () => undefined);
  const pump = () => {
    while (!h.written.closed && h.written.bytes < limit) {
      h.written.bytes += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (h.written.bytes >= limit) {
      res.end();
    }
  };
  pump();
}

/** A client of `h` without pacing, one quick retry, and a 5 s timeout (an unbounded read of an endless body ends there). */
function clientOf(h: Hostile, extra: Partial<EmnifyClientOptions> = {}, maxResponseBytes?: number): EmnifyClient {
  return new EmnifyClient({
    transport: fetchTransport({ baseUrl: h.url, timeoutMs: 5_000, maxResponseBytes }),
    rateLimiter: null,
    retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

const tooLargeMessage = (h: Hostile, bound: string, announced = '') =>
  `The emnify API at ${h.url} answered /api/v1/event with more than ${bound}${announced}, the bound of one response (maxResponseBytes); the request was aborted. Ask for smaller pages (per_page) or raise maxResponseBytes if such answers are expected.`;

describe('hostile server: response size', () => {
  let h: Hostile;
  afterEach(() => h.close());

  it('an endless body stops at the 16 MiB default: one request, exact error, memory bounded', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    h = await hostile((_req, res, self) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      stream(res, chunk, self);
    });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const err = await errorOf(clientOf(h).getEventPage({}));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect({
      name: err.name,
      code: err.code,
      retryable: err.retryable,
      status: err.status,
      message: err.message,
      part: (err as ResponseTooLargeError).part,
      limitBytes: (err as ResponseTooLargeError).limitBytes,
    }).toEqual({
      name: 'ResponseTooLargeError',
      code: 'EMNIFY_RESPONSE_TOO_LARGE',
      retryable: false,
      status: 200,
      message: tooLargeMessage(h, '16 MiB'),
      part: 'body',
      limitBytes: DEFAULT_MAX_RESPONSE_BYTES,
    });
    // Not retried: the same request would be as large.
    expect(h.requests).toEqual(['GET /api/v1/event']);
    // The server saw the connection go away soon after the bound (19.8 MiB measured here: the kernel's
    // socket buffers and undici's in between; up to 16 MiB more allowed for larger buffers elsewhere).
    expect(h.written.closed).toBe(true);
    expect(h.written.bytes).toBeGreaterThan(16 * MiB);
    expect(h.written.bytes).toBeLessThan(32 * MiB);
    // Bytes held: at most the bound; the rest is runtime noise (65-71 MiB measured here, server included).
    // Unbounded it grows by what was sent: 2 GiB of RSS for a 1 GiB body before this bound.
    expect(peak - before).toBeLessThan(120 * MiB);
  });

  it('a 1 GiB body announced by content-length fails before reading; exactly the bound passes, one byte more fails', async () => {
    h = await hostile((req, res, self) => {
      const size = Number(new URL(req.url!, 'http://x').searchParams.get('per_page'));
      if (size === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2 ** 30) });
        stream(res, Buffer.alloc(64 * 1024, 'x'), self, 2 ** 30);
        return;
      }
      // A JSON array of exactly `size` bytes: [] plus spaces.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[' + ' '.repeat(size - 2) + ']');
    });
    const client = clientOf(h, {}, 1000);
    const announced = await errorOf(clientOf(h).getEventPage({ perPage: 1 }));
    expect(announced.message).toBe(tooLargeMessage(h, '16 MiB', ' (1 GiB announced)'));
    expect(h.written.bytes).toBeLessThan(8 * MiB);
    await expect(client.getEventPage({ perPage: 1000 })).resolves.toMatchObject({ events: [], skipped: 0 });
    const over = await errorOf(client.getEventPage({ perPage: 1001 }));
    expect({ code: over.code, message: over.message }).toEqual({
      code: 'EMNIFY_RESPONSE_TOO_LARGE',
      message: tooLargeMessage(h, '1000 bytes'),
    });
  });

  it('a gzip bomb counts what it inflates to: 20 KiB on the wire, 20 MiB inflated, stopped at a 1 MiB bound', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * MiB, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(32 * 1024);
    h = await hostile((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(bomb.length),
      });
      res.end(bomb);
    });
    const err = await errorOf(clientOf(h, {}, MiB).getEventPage({}));
    expect({ code: err.code, message: err.message }).toEqual({
      code: 'EMNIFY_RESPONSE_TOO_LARGE',
      message: tooLargeMessage(h, '1 MiB'),
    });
  });

  it('a header section past Node’s 16 KiB limit fails as EMNIFY_RESPONSE_TOO_LARGE, not retried', async () => {
    h = await hostile((_req, res) => {
      for (let i = 0; i < 64; i++) {
        res.setHeader(`x-junk-${i}`, 'a'.repeat(1000));
      }
      res.end('[]');
    });
    const err = await errorOf(clientOf(h).getEventPage({}));
    expect({ name: err.name, code: err.code, part: (err as ResponseTooLargeError).part, message: err.message }).toEqual(
      {
        name: 'ResponseTooLargeError',
        code: 'EMNIFY_RESPONSE_TOO_LARGE',
        part: 'headers',
        message: `The emnify API at ${h.url} answered /api/v1/event with a header section larger than Node's limit (16 KiB unless --max-http-header-size sets another); the request was aborted. Check the API URL: a proxy in between may be misbehaving.`,
      }
    );
    expect(h.requests).toEqual(['GET /api/v1/event']);
  });
});

/** A page of `count` events with ids from `firstId`, valid for normalizeEvent. */
function eventsJson(firstId: number, count: number): string {
  return JSON.stringify(
    Array.from({ length: count }, (_, i) => ({
      id: firstId + i,
      timestamp: '2026-01-15T09:41:07.000Z',
      event_type: { id: 1, description: 'Update location' },
    }))
  );
}

describe('hostile server: page lists that never end', () => {
  let h: Hostile;
  afterEach(() => h.close());

  /** Every page is full and announces one more page than asked for: the list grows as it is read. */
  const growing = () =>
    hostile((req, res) => {
      const query = new URL(req.url!, 'http://x').searchParams;
      const page = Number(query.get('page') ?? 1);
      const perPage = Number(query.get('per_page') ?? 100);
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-current-page': String(page),
        'x-total-pages': String(page + 1),
        'x-total-count': String((page + 1) * perPage),
        'x-count-per-page': String(perPage),
      });
      res.end(eventsJson(1_000_000 * page, perPage));
    });

  it('iterateEventPages stops at maxPages: the pages within it, then PagingLimitError; no page requested past it', async () => {
    h = await growing();
    const pages: number[] = [];
    let error: unknown;
    try {
      for await (const page of clientOf(h).iterateEventPages({ perPage: 10 }, { maxPages: 5, concurrency: 4 })) {
        pages.push(page.paging.currentPage);
      }
    } catch (err) {
      error = err;
    }
    expect(pages).toEqual([1, 2, 3, 4, 5]);
    expect(error).toBeInstanceOf(PagingLimitError);
    expect(error).toMatchObject({
      name: 'PagingLimitError',
      code: 'EMNIFY_PAGING_LIMIT',
      retryable: false,
      limit: 'maxPages',
      bound: 5,
      pagesRead: 5,
      eventsRead: 50,
      totalPages: 6,
      totalCount: 60,
      message:
        'Stopped reading /api/v1/event at maxPages=5 after 5 page(s) and 50 event(s), while the API announced 6 page(s) and 60 event(s). The events read so far were delivered, the rest were not read: narrow the reading (a shorter time window, more filters) or raise maxPages.',
    });
    expect(h.requests.map((r) => new URL(r.slice(4), 'http://x').searchParams.get('page'))).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('maxEvents bounds the events of a reading: pages 1-4 of 10 events for maxEvents 35, none launched past', async () => {
    h = await growing();
    const error = await errorOf(
      (async () => {
        for await (const page of clientOf(h).iterateEventPages({ perPage: 10 }, { maxEvents: 35, concurrency: 4 })) {
          void page;
        }
      })()
    );
    expect(error).toMatchObject({
      code: 'EMNIFY_PAGING_LIMIT',
      limit: 'maxEvents',
      bound: 35,
      pagesRead: 4,
      eventsRead: 40,
    });
    expect(h.requests).toHaveLength(4);
  });

  it('listEvents stops quietly at the bound and says which: truncated, truncatedBy', async () => {
    h = await growing();
    const list = await clientOf(h).listEvents({ perPage: 10 }, { maxEvents: 25 });
    expect({
      events: list.events.length,
      pagesFetched: list.pagesFetched,
      truncated: list.truncated,
      truncatedBy: list.truncatedBy,
      totalPages: list.totalPages,
    }).toEqual({ events: 30, pagesFetched: 3, truncated: true, truncatedBy: 'maxEvents', totalPages: 4 });
  });

  it('without a bound from the caller, a reading ends at 10,000 pages (DEFAULT_MAX_PAGES_PER_READ)', async () => {
    h = await growing();
    const error = await errorOf(
      (async () => {
        for await (const page of clientOf(h).iterateEventPages({ perPage: 1 }, { concurrency: 8 })) {
          void page;
        }
      })()
    );
    expect(error).toMatchObject({ code: 'EMNIFY_PAGING_LIMIT', limit: 'maxPages', bound: 10_000, pagesRead: 10_000 });
    expect(h.requests).toHaveLength(10_000);
  }, 120_000);

  it('skipped items of a hostile page are counted by reason, page and list', async () => {
    h = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-total-pages': '1', 'x-total-count': '5' });
      res.end(
        `[{"id":1.5,"timestamp":"2026-01-15T09:41:07.000Z","event_type":{"id":1}},` +
          `{"id":9007199254740993,"timestamp":"2026-01-15T09:41:07.000Z","event_type":{"id":1}},` +
          `{"id":7,"timestamp":"2026-02-30T09:41:07.000Z","event_type":{"id":1}},` +
          `{"id":8,"timestamp":"9999-12-31T00:00:00.000Z","event_type":{"id":1}},` +
          `{"id":9,"timestamp":"2026-01-15T09:41:07.000Z","event_type":{"id":1}}]`
      );
    });
    const list = await clientOf(h).listEvents({});
    expect({ ids: list.events.map((e) => e.id), skipped: list.skipped, byReason: list.skippedByReason }).toEqual({
      ids: [9],
      skipped: 4,
      byReason: { EVENT_ID_INVALID: 1, EVENT_ID_UNSAFE: 1, EVENT_TIME_INVALID: 1, EVENT_TIME_OUT_OF_RANGE: 1 },
    });
  });

  it('with eventChecks.maxFutureSkewMs, page events ahead of the client clock are refused', async () => {
    h = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-total-pages': '1', 'x-total-count': '2' });
      res.end(
        `[{"id":1,"timestamp":"2026-01-15T12:05:00.000Z","event_type":{"id":1}},` +
          `{"id":2,"timestamp":"2026-01-15T12:05:01.000Z","event_type":{"id":1}}]`
      );
    });
    const now = () => Date.UTC(2026, 0, 15, 12);
    const checked = await clientOf(h, { now, eventChecks: { maxFutureSkewMs: 300_000 } }).getEventPage({});
    expect({ ids: checked.events.map((e) => e.id), byReason: checked.skippedByReason }).toEqual({
      ids: [1],
      byReason: { EVENT_TIME_IN_FUTURE: 1 },
    });
    const unchecked = await clientOf(h, { now }).getEventPage({});
    expect(unchecked.events.map((e) => e.id)).toEqual([1, 2]);
  });
});

interface RetryRecord {
  delayMs: number;
  retryAfterMs?: number;
  clamped?: boolean;
}

describe('hostile server: Retry-After and timers', () => {
  let h: Hostile;
  afterEach(() => h?.close());

  /** Answers 429 with `retryAfter` once, then an empty page; returns what the client slept and observed. */
  async function after429(retryAfter: string, now: number) {
    let answered429 = false;
    h = await hostile((_req, res) => {
      if (!answered429) {
        answered429 = true;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': retryAfter });
        res.end('{"message":"Too Many Requests"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-total-pages': '0', 'x-total-count': '0' });
      res.end('[]');
    });
    const slept: number[] = [];
    const retries: RetryRecord[] = [];
    const observer: ClientObserver = {
      onRetry: (i) => retries.push({ delayMs: i.delayMs, retryAfterMs: i.retryAfterMs, clamped: i.clamped }),
    };
    await clientOf(h, { observer, now: () => now, sleep: async (ms) => void slept.push(ms) }).getEventPage({});
    return { slept, retries };
  }

  const NOW = Date.UTC(2026, 0, 15, 12);

  it.each([
    ['3000000 (34.7 days: a timer would fire after 1 ms)', 900_000, 3_000_000_000, true],
    ['2147484 (just past 2^31-1 ms)', 900_000, 2_147_484_000, true],
    ['900 (exactly the maximum)', 900_000, 900_000, false],
    ['2', 2000, 2000, false],
    ['0.5', 500, 500, false],
    ['Sun, 22 Feb 2026 12:00:00 GMT (38 days ahead)', 900_000, 3_283_200_000, true],
    ['Thu, 15 Jan 2026 12:00:30 GMT (30 s ahead)', 30_000, 30_000, false],
    ['Wed, 21 Oct 2015 07:28:00 GMT (past)', 0, 0, false],
  ])('Retry-After: %s → waits %i ms', async (header, delayMs, retryAfterMs, clamped) => {
    const { slept, retries } = await after429(header.replace(/ \(.*\)$/, ''), NOW);
    expect(slept).toEqual([delayMs]);
    expect(retries).toEqual([{ delayMs, retryAfterMs, clamped }]);
    expect(h.requests).toHaveLength(2);
  });

  it('an unreadable Retry-After ("-5", "soon") falls back to backoff', async () => {
    for (const header of ['-5', 'soon']) {
      const { slept, retries } = await after429(header, NOW);
      expect(slept).toHaveLength(1);
      expect(slept[0]).toBeLessThanOrEqual(5);
      expect(retries[0].retryAfterMs).toBeUndefined();
      await h.close();
    }
  });

  it('retryAfterDelay clamps to the policy maximum (15 minutes by default)', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(900_000);
    expect(retryAfterDelay('3000000', 0)).toEqual({ delayMs: 900_000, requestedMs: 3_000_000_000, clamped: true });
    expect(retryAfterDelay('3000000', 0, 60_000)).toEqual({
      delayMs: 60_000,
      requestedMs: 3_000_000_000,
      clamped: true,
    });
    expect(retryAfterDelay('9'.repeat(400), 0)).toEqual({ delayMs: 900_000, requestedMs: Infinity, clamped: true });
    expect(retryAfterDelay(undefined, 0)).toBeUndefined();
  });

  it('clampTimerMs keeps every delay inside a timer’s range', () => {
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
    expect([-5, 0, 1.2, 2_147_483_647, 2_147_483_648, 3_000_000_000, Infinity].map((ms) => clampTimerMs(ms))).toEqual([
      0, 0, 2, 2_147_483_647, 2_147_483_647, 2_147_483_647, 2_147_483_647,
    ]);
    expect(clampTimerMs(3_000_000_000, 60_000)).toBe(60_000);
    expect(clampTimerMs(5_000, 3e12)).toBe(5_000);
    expect(() => clampTimerMs(NaN)).toThrow('Not a timer delay: NaN ms (maximum 2147483647 ms).');
  });

  it('sleep(3e9) waits (it would fire after 1 ms unclamped) until aborted', async () => {
    const controller = new AbortController();
    let woke = false;
    const slept = sleep(3_000_000_000, controller.signal).then(
      () => (woke = true),
      (err: unknown) => err
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(woke).toBe(false);
    controller.abort();
    await expect(slept).resolves.toMatchObject({ name: 'AbortError' });
  });

  it('the rate limiter and the request timeout are clamped too', async () => {
    const waits: number[] = [];
    const bucket = new TokenBucket({
      ratePerSecond: 1e-9,
      burst: 1,
      now: () => 0,
      sleep: async (ms) => {
        waits.push(ms);
        throw new Error('stop');
      },
    });
    await bucket.take();
    await expect(bucket.take()).rejects.toThrow('stop');
    expect(waits).toEqual([MAX_TIMER_MS]);
    // A timeout of 3e9 ms would overflow to 1 ms: every request would time out at once.
    h = await hostile((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-total-pages': '0', 'x-total-count': '0' });
        res.end('[]');
      }, 30);
    });
    const client = new EmnifyClient({
      transport: fetchTransport({ baseUrl: h.url, timeoutMs: 3_000_000_000 }),
      rateLimiter: null,
      retry: { maxRetries: 0 },
    });
    await expect(client.getEventPage({})).resolves.toMatchObject({ events: [] });
  });

  it('a NaN rejection cooldown is refused (it would disable the lockout guard)', () => {
    expect(
      () => new EmnifyClient({ transport: fetchTransport({ baseUrl: 'http://127.0.0.1:1' }), rejectionCooldownMs: NaN })
    ).toThrow('Not a timer delay: NaN ms (maximum 2147483647 ms).');
  });
});
