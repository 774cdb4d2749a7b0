/**
 * The hostile-input suite, the API side as the exporter sees it: a server that answers like the emnify
 * API but serves events that must be refused (an id of 1.5, a year-9999 time, a month 13) among valid
 * ones, and a 429 asking to wait 34 days. The refusals are counted by reason with origin `poll` and
 * logged with the first refusal; only the valid events are counted (literal truth); the over-long
 * Retry-After is clamped and logged.
 */
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { createExporter } from '../src/exporter';
import { createLogger } from '../src/logger';
import { countsFromMetrics, scrape } from './helpers';
import { parseSamples } from './metricsText';

const NOW = Date.UTC(2026, 2, 1, 8);
const at = (ago: number) => new Date(NOW - ago).toISOString();
const event = (id: unknown, timestamp: unknown) => ({
  id,
  timestamp,
  event_type: { id: 1, description: 'Update location' },
  event_severity: { id: 0, description: 'Info' },
  event_source: { id: 0, description: 'Network' },
});

/** One page: two valid events and three that must be refused. */
const PAGE = [
  event(351732524384257, at(600_000)),
  event(1.5, at(600_000)),
  event(351732524384258, '9999-01-01T00:00:00.000Z'),
  event(351732524384259, '2026-13-45T99:99:99Z'),
  event(351732524384260, at(300_000)),
];

async function hostileApi(
  handle: (req: IncomingMessage, res: ServerResponse) => void
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/api/v1/authenticate') {
      send(200, { auth_token: 'hostile.jwt.token' });
    } else if (req.url?.startsWith('/api/v1/event/type')) {
      send(200, [{ id: 1, description: 'Update location' }]);
    } else {
      handle(req, res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const pageHeaders = {
  'x-total-count': String(PAGE.length),
  'x-total-pages': '1',
  'x-current-page': '1',
  'x-count-per-page': '1000',
};

describe('hostile API answers', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-hostile-api-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (name: string, handle: (req: IncomingMessage, res: ServerResponse) => void) => {
    const api = await hostileApi(handle);
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('debug', [], (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
    const exporter = createExporter(
      loadConfig(['--emnify.url', api.url, '--state.file', join(dir, `${name}.json`), '--poll.settle', '0s'], {
        EMNIFY_APPLICATION_TOKEN: 'hostile-app-token',
      }),
      { logger, now: () => NOW, client: { rateLimiter: null, sleep: async () => undefined } }
    );
    try {
      await exporter.poller.pollOnce();
      return { text: await scrape(exporter.app), lines };
    } finally {
      await exporter.stop();
      await new Promise((resolve) => api.server.close(resolve));
    }
  };

  it('counts the valid events of a page, and the refused ones by reason with origin poll', async () => {
    const { text, lines } = await run('refused', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...pageHeaders });
      res.end(JSON.stringify(PAGE));
    });
    expect(countsFromMetrics(text).events).toEqual({
      [JSON.stringify(['Update location', 'INFO', 'Network', '', ''])]: 2,
    });
    const rejected = Object.fromEntries(
      parseSamples(text, 'emnify_exporter_events_rejected_total')
        .filter((s) => s.value > 0)
        .map((s) => [`${s.labels.origin} ${s.labels.reason}`, s.value])
    );
    expect(rejected).toEqual({
      'poll EVENT_ID_INVALID': 1,
      'poll EVENT_TIME_OUT_OF_RANGE': 1,
      'poll EVENT_TIME_INVALID': 1,
    });
    expect(lines.find((l) => l.msg === 'refused events of an API page (not counted)')).toEqual(
      expect.objectContaining({
        level: 'warn',
        endpoint: '/api/v1/event',
        reasons: { EVENT_ID_INVALID: 1, EVENT_TIME_OUT_OF_RANGE: 1, EVENT_TIME_INVALID: 1 },
        first:
          'An event has the id 1.5, which is not a positive integer (emnify ids are 64-bit integers, e.g. 351732524384257).',
      })
    );
  });

  it('logs a Retry-After past the bound (3,000,000 s) as clamped, and waits the bound', async () => {
    let calls = 0;
    const { text, lines } = await run('retry-after', (_req, res) => {
      if (calls++ === 0) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3000000' });
        res.end('{"message":"Too Many Requests"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', ...pageHeaders });
      res.end(JSON.stringify(PAGE.slice(0, 1)));
    });
    expect(lines.filter((l) => String(l.msg).startsWith('the emnify API asked to wait longer'))).toEqual([
      expect.objectContaining({
        level: 'warn',
        endpoint: '/api/v1/event',
        retry_after_seconds: 3_000_000,
        waiting_seconds: 900,
      }),
    ]);
    expect(countsFromMetrics(text).events).toEqual({
      [JSON.stringify(['Update location', 'INFO', 'Network', '', ''])]: 1,
    });
  });
});
