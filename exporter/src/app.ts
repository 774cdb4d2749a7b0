/**
 * The exporter's HTTP surface (express app, not listening): landing page, /metrics, health and
 * readiness, the authenticated Data Streamer push endpoint, and the events gateway under /api/v1.
 */
import { timingSafeEqual } from 'node:crypto';
import { EmnifyEvent, normalizeEvent } from '@emnify-events/client';
import express, { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { Registry } from 'prom-client';
import { IngestResult, Ledger } from './ledger';
import { Logger } from './logger';
import { GATEWAY_PREFIX } from './gateway';
import { ExporterMetrics } from './metrics';
import { basicAuth } from './webConfig';

export interface AppDeps {
  registry: Registry;
  ledger: Ledger;
  metrics: ExporterMetrics;
  logger: Logger;
  isReady: () => boolean;
  dataStreamerToken?: string;
  /** The events gateway's handler (it checks its own bearer token); undefined when it is off. */
  gateway?: RequestHandler;
  basicAuthUsers?: Record<string, string>;
  version: string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const landing = (version: string, push: boolean) => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>emnify events exporter</title></head>
<body>
<h1>emnify events exporter</h1>
<p>Version ${version}. Counts emnify events exactly once, polled from the emnify Event API${push ? ' and pushed by the Data Streamer' : ''}.</p>
<ul>
<li><a href="metrics">Metrics</a></li>
<li><a href="-/healthy">Health</a></li>
<li><a href="-/ready">Readiness</a></li>
</ul>
</body></html>
`;

/** `/api/v1/...` while the gateway is off: 404, saying how to turn it on (no credential to check). */
const gatewayOff: RequestHandler = (_req, res) => {
  res.status(404).json({ message: 'The events gateway is off: set EXPORTER_GATEWAY_TOKEN(_FILE) to enable it.' });
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Routes with a credential of their own, mounted before basic auth, which therefore never applies to
  // them; each answers every request under its prefix itself (exporter/README.md, "Authentication").
  app.use(GATEWAY_PREFIX, deps.gateway ?? gatewayOff);
  app.use(basicAuth(deps.basicAuthUsers ?? {}));

  app.get('/', (_req, res) => {
    res.type('html').send(landing(deps.version, !!deps.dataStreamerToken));
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      const body = await deps.registry.metrics();
      // Exactly the text-format Content-Type (express's send() would reorder its parameters).
      res.writeHead(200, { 'Content-Type': deps.registry.contentType, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    } catch (err) {
      next(err);
    }
  });

  app.get('/-/healthy', (_req, res) => {
    res.type('text/plain').send('Healthy\n');
  });

  app.get('/-/ready', (_req, res) => {
    if (deps.isReady()) {
      res.type('text/plain').send('Ready\n');
    } else {
      res.status(503).type('text/plain').send('Not ready: the event type lookup has not been loaded yet\n');
    }
  });

  app.post('/datastreamer', express.json({ limit: '20mb', type: () => true }), (req: Request, res: Response) => {
    if (!deps.dataStreamerToken) {
      res
        .status(404)
        .json({ error: 'The Data Streamer endpoint is off: set EXPORTER_DATASTREAMER_TOKEN(_FILE) to enable it.' });
      return;
    }
    const header = req.headers.authorization ?? '';
    const given = /^Bearer\s+(.+)$/i.exec(header)?.[1] ?? '';
    if (!sameSecret(given, deps.dataStreamerToken)) {
      deps.metrics.pushReceived('rejected');
      res.status(401).json({ error: 'Missing or wrong bearer token.' });
      return;
    }
    if (!deps.isReady()) {
      // Counting waits for the type lookup; the Data Streamer retries.
      res.status(503).json({ error: 'Not ready yet; retry shortly.' });
      return;
    }
    const items: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
    const events: EmnifyEvent[] = [];
    let invalid = 0;
    for (const item of items) {
      try {
        events.push(normalizeEvent(item));
      } catch {
        invalid++;
      }
    }
    if (events.length === 0) {
      deps.metrics.pushReceived('rejected');
      res.status(400).json({ error: 'No event in the body had an id, a timestamp and an event_type.', invalid });
      return;
    }
    let result: IngestResult;
    try {
      result = deps.ledger.ingest(events, 'push');
    } catch (err) {
      deps.logger.error('could not persist pushed events; the Data Streamer will retry', {
        error: (err as Error).message,
      });
      res.status(503).json({ error: 'Could not persist the events; retry.' });
      return;
    }
    deps.metrics.pushReceived('accepted');
    deps.metrics.pageDone(
      { duplicates: result.duplicates + result.outsideWindow, newestEventTime: Math.max(...events.map((e) => e.time)) },
      'push'
    );
    res.json({ ...result, invalid });
  });

  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'The body is not JSON.' });
      return;
    }
    deps.logger.error('request failed', { error: err.message });
    res.status(err.status ?? 500).json({ error: 'Internal error' });
  });
  return app;
}
