/**
 * The exporter's HTTP surface (express app, not listening): landing page, /metrics, health and
 * readiness, the Data Streamer push endpoint and the events gateway under /api/v1. Every request first gets the web config's headers,
 * then passes its route's credential (http/routeCredentials.ts) before anything else of it is read.
 */
import express, { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { Registry } from 'prom-client';
import { BasicAuthVerifier } from './http/basicAuth';
import { dataStreamerHandler } from './http/datastreamer';
import { refuse } from './http/refuse';
import { OwnCredentialRoute, guardRoutes } from './http/routeCredentials';
import { Ledger } from './ledger';
import { Logger } from './logger';
import { GATEWAY_PREFIX } from './gateway';
import { ExporterMetrics } from './metrics';

export interface AppDeps {
  registry: Registry;
  ledger: Ledger;
  metrics: ExporterMetrics;
  logger: Logger;
  isReady: () => boolean;
  /** Why it is not ready, beyond isReady (shown by /-/ready: the poll waiting for the clock). */
  notReadyReason?: () => string | undefined;
  /** The routes with their own credential (ownCredentialRoutes): the Data Streamer's, the gateway's. */
  routes: readonly OwnCredentialRoute[];
  /** The web config's basic auth, for every other route (absent or without users: open). */
  basicAuth?: BasicAuthVerifier;
  /** The web config's `http_server_config.headers`, set on every answer. */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** The events gateway's handler, mounted at /api/v1 behind its route's token; undefined when it is off. */
  gateway?: RequestHandler;
  version: string;
  now?: () => number;
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

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const headers = deps.headers ?? [];
  if (headers.length > 0) {
    app.use((_req, res, next) => {
      for (const [name, value] of headers) {
        res.setHeader(name, value);
      }
      next();
    });
  }
  app.use(
    guardRoutes(deps.routes, deps.basicAuth, {
      onRefused: (route, reason) => {
        deps.metrics.requestRefused(route, reason);
        if (route === 'datastreamer' && reason === 'unauthorized') {
          deps.metrics.pushReceived('unauthorized');
        }
      },
    })
  );
  const pushOn = deps.routes.some((r) => r.route === 'datastreamer' && r.check);
  if (deps.gateway) {
    app.use(GATEWAY_PREFIX, deps.gateway);
  }

  app.get('/', (_req, res) => {
    res.type('html').send(landing(deps.version, pushOn));
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
    const why =
      deps.notReadyReason?.() ?? (deps.isReady() ? undefined : 'the event type lookup has not been loaded yet');
    if (why === undefined) {
      res.type('text/plain').send('Ready\n');
    } else {
      res.status(503).type('text/plain').send(`Not ready: ${why}\n`);
    }
  });

  app.post(
    '/datastreamer',
    dataStreamerHandler({
      ledger: deps.ledger,
      metrics: deps.metrics,
      logger: deps.logger,
      isReady: deps.isReady,
      now: deps.now ?? Date.now,
    })
  );

  // Unknown paths: answered at once (express's own 404 reads the whole body first).
  app.use((req, res) => refuse(req, res, 404, { error: 'Not found.' }));

  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error('request failed', { error: err.message });
    res.status(err.status ?? 500).json({ error: 'Internal error' });
  });
  return app;
}
