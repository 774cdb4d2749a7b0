/**
 * A hostile API server whose page list never ends (every page full of new events, every answer announcing
 * one page more than it ever served): one poll must end, fail, say which bound it reached, and grow the remembered ids by a
 * bounded number, whatever the server does. Bounds are literals worked out from the settings.
 */
import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { createExporter } from '../src/exporter';
import { createLogger } from '../src/logger';
import { scrape } from './helpers';
import { singleValue } from './metricsText';

const NOW = Date.parse('2026-08-01T12:00:00Z');

describe('a page list that never ends', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  let nextId = 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-bounds-'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url!, 'http://x');
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && path.pathname === '/api/v1/authenticate') {
        req.resume();
        res.end(JSON.stringify({ auth_token: 'hostile.jwt.token' }));
      } else if (path.pathname === '/api/v1/event/type') {
        res.end(JSON.stringify([{ id: 1, description: 'Update location' }]));
      } else {
        requests++;
        const page = Number(path.searchParams.get('page') ?? 1);
        const perPage = Number(path.searchParams.get('per_page') ?? 100);
        res.setHeader('x-current-page', String(page));
        // One page more than the larger of this page and every page served so far.
        const pages = Math.max(page, requests) + 1;
        res.setHeader('x-total-pages', String(pages));
        res.setHeader('x-total-count', String(pages * perPage));
        res.setHeader('x-count-per-page', String(perPage));
        const events = Array.from({ length: perPage }, () => ({
          id: nextId++,
          timestamp: new Date(NOW - 30 * 60_000).toISOString(),
          event_type: { id: 1, description: 'Update location' },
          event_source: { id: 0, description: 'Network' },
          event_severity: { id: 0, description: 'Info' },
        }));
        res.end(JSON.stringify(events));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends the poll at the window bound (3 × (known + max-window-events) + 2 pages), shortened 3 times, then fails naming it', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const exporter = createExporter(
      loadConfig(
        [
          '--emnify.url',
          url,
          '--state.file',
          join(dir, 'state.json'),
          '--backfill',
          '1h',
          '--poll.max-window-events',
          '1000',
          '--poll.page-size',
          '100',
        ],
        { EMNIFY_APPLICATION_TOKEN: 'x' }
      ),
      {
        logger: createLogger('info', [], (l) => lines.push(JSON.parse(l) as Record<string, unknown>)),
        now: () => NOW,
        client: { rateLimiter: null },
      }
    );
    const started = Date.now();
    await exporter.poller.pollOnce(AbortSignal.timeout(60_000));
    expect(Date.now() - started).toBeLessThan(30_000);
    const metrics = await scrape(exporter.app);
    expect(singleValue(metrics, 'emnify_exporter_poll_success')).toBe(0);
    // The oldest page (100 events), then four readings (the window and three shortened ones) of at most
    // 3 × (100 known + 1000) + 2 × 100 = 3500 events, plus a shortened window's own first page.
    expect(singleValue(metrics, 'emnify_exporter_remembered_event_ids')).toBeLessThanOrEqual(100 + 4 * 3600);
    expect(requests).toBeLessThanOrEqual(1 + 4 * 36);
    const failed = lines.find((l) => l.msg === 'poll failed; the window is read again next time');
    expect(failed).toMatchObject({ level: 'error', code: 'EMNIFY_PAGING_LIMIT' });
    expect(String(failed?.error)).toMatch(/^Stopped reading \/api\/v1\/event at max(Events|Pages)=\d+/);
    expect(
      lines.filter((l) => l.msg === 'a window held more events than its reading may take: shortened')
    ).toHaveLength(3);
    await exporter.stop();
  });
});
