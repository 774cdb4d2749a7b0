/** Wires configuration, client, ledger, poller, metrics and the HTTP server into one exporter. */
import { createServer as createHttpServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MAX_RESPONSE_BYTES, EmnifyClient, EmnifyClientOptions, fetchTransport } from '@emnify-events/client';
import { Express } from 'express';
import { createApp } from './app';
import { withClientLog } from './clientLog';
import { ExporterConfig, settingName } from './config';
import { emptyCounts } from './counts';
import { ListenError } from './errors';
import { DEMO_GATEWAY_TOKEN, Gateway, createGateway } from './gateway';
import { BasicAuthVerifier } from './http/basicAuth';
import { ownCredentialRoutes } from './http/routeCredentials';
import { enforceClientCertificates, httpsServerOptions } from './http/tlsServer';
import { openState } from './journal';
import { Ledger } from './ledger';
import { Logger } from './logger';
import { ExporterMetrics, createMetrics } from './metrics';
import { VERSION } from './version';
import { Poller } from './poller';
import { EMPTY_WEB_CONFIG, WebConfig, loadWebConfig } from './webConfig';

/**
 * The most bytes of one emnify API answer (after decompression): the client's 16 MiB, fixed. A page of
 * 1,000 events is about 1.2 MB; a larger answer fails the poll (EMNIFY_RESPONSE_TOO_LARGE) and is not retried.
 */
export const API_MAX_RESPONSE_BYTES = DEFAULT_MAX_RESPONSE_BYTES;

export interface ExporterDeps {
  logger: Logger;
  now?: () => number;
  /** Overrides of the API client's options (tests: fast retries, no pacing under a fake clock). */
  client?: Partial<EmnifyClientOptions>;
}

export interface Exporter {
  app: Express;
  ledger: Ledger;
  poller: Poller;
  metrics: ExporterMetrics;
  /** Listens and starts polling; resolves with the bound address. */
  start(): Promise<AddressInfo>;
  /** Stops polling (abandoning a running poll cleanly), compacts the state and closes the server. */
  stop(): Promise<void>;
}

export function createExporter(config: ExporterConfig, deps: ExporterDeps): Exporter {
  const now = deps.now ?? Date.now;
  const logger = deps.logger;
  // Everything that can refuse the configuration comes before the first write of a state file.
  const webConfig: WebConfig = config.webConfigFile ? loadWebConfig(config.webConfigFile) : EMPTY_WEB_CONFIG;
  const transport = fetchTransport({ baseUrl: config.apiUrl, maxResponseBytes: API_MAX_RESPONSE_BYTES });

  const {
    state: initial,
    journal,
    loaded,
    replayed,
    tornBytes,
    removedTemp,
  } = openState(config.stateFile, () => ({
    watermark: now() - config.backfillMs,
    ids: [],
    pushIds: [],
    counts: emptyCounts(),
    lateEvents: 0,
  }));
  logger.info(loaded ? 'state loaded: counting continues' : 'no state yet: counting from now - backfill', {
    state_file: config.stateFile,
    watermark: new Date(initial.watermark).toISOString(),
    remembered_ids: initial.ids.length,
    journal_deltas: replayed,
  });
  if (removedTemp) {
    logger.warn('removed the temp file of a compaction that was cut short (never part of the state)', {
      file: `${config.stateFile}.tmp`,
    });
  }
  if (tornBytes > 0) {
    logger.warn('dropped the torn last line of the state journal: an append cut short by a crash, never published', {
      bytes: tornBytes,
    });
  }

  let metrics: ExporterMetrics | undefined;
  const written = <T>(write: () => T): T => {
    try {
      const result = write();
      metrics?.stateWrite(true);
      return result;
    } catch (err) {
      metrics?.stateWrite(false);
      throw err;
    }
  };
  const ledger = new Ledger(initial, {
    overlapMs: config.overlapMs,
    eventTypes: new Set(config.eventTypes),
    store: {
      append: (delta) => written(() => journal.append(delta)),
      compactionDue: () => journal.compactionDue(),
      compact: (state) => written(() => journal.compact(state)),
    },
    onCommit: (delta) => metrics?.committed(delta),
    onCompactionError: (err) =>
      logger.warn(
        'could not compact the state (the committed deltas are safe in the journal, which keeps growing until a compaction succeeds)',
        {
          error: err.message,
        }
      ),
  });
  metrics = createMetrics(ledger, { dropLabels: config.dropLabels, version: VERSION, gateway: config.gateway });

  const client = new EmnifyClient({
    transport,
    applicationToken: config.applicationToken,
    observer: withClientLog(metrics.observer, logger),
    now,
    ...deps.client,
  });
  const m = metrics;
  // The gateway reads through the same client at low priority: one JWT, one budget, the poller first.
  const gateway: Gateway | undefined =
    config.gateway && m.gateway
      ? createGateway({
          client: client.share({ priority: 'low', observer: m.gateway.observer }),
          metrics: m.gateway,
          logger,
          now,
          horizonMs: config.overlapMs + config.settleMs,
          maxAgeMs: config.gateway.maxAgeMs,
          cacheBytes: config.gateway.cacheBytes,
          secrets: () => [config.applicationToken, ...client.secrets()],
        })
      : undefined;
  if (config.gateway?.token === DEMO_GATEWAY_TOKEN) {
    logger.warn(
      'the events gateway is guarded by the public demo token (secrets/demo-gateway-token): anyone who can reach the exporter can read your events; set a token of your own (EXPORTER_GATEWAY_TOKEN_FILE)'
    );
  }
  const poller = new Poller(
    client,
    ledger,
    {
      pollIntervalMs: config.pollIntervalMs,
      settleMs: config.settleMs,
      maxWindowMs: config.maxWindowMs,
      maxWindowEvents: config.maxWindowEvents,
      pageSize: config.pageSize,
      pageConcurrency: config.pageConcurrency,
      eventTypes: config.eventTypes,
      now,
    },
    logger,
    {
      onPoll: ({ ok, durationMs }) => m.pollDone({ ok, durationMs, at: now() }),
      onPage: (info) => m.pageDone(info, 'poll'),
      onCheck: (result) => m.windowChecked(result),
      onClock: ({ aheadMs }) => m.clock(aheadMs),
      onTypesLoaded: (count) => {
        m.typesLoaded();
        logger.info('event type lookup loaded', { types: count });
      },
    }
  );

  const basicAuth = webConfig.basicAuthUsers.size > 0 ? new BasicAuthVerifier(webConfig.basicAuthUsers) : undefined;
  const app = createApp({
    registry: metrics.registry,
    ledger,
    metrics,
    logger,
    isReady: () => poller.ready,
    notReadyReason: () => poller.notReadyReason,
    routes: ownCredentialRoutes({ dataStreamer: config.dataStreamerToken, gateway: config.gateway?.token }),
    basicAuth,
    headers: webConfig.headers,
    gateway: gateway?.handler,
    version: VERSION,
    now,
  });

  let server: Server | undefined;
  return {
    app,
    ledger,
    poller,
    metrics,
    start: () =>
      new Promise((resolve, reject) => {
        const tls = webConfig.tls;
        if (tls) {
          server = createHttpsServer(httpsServerOptions(tls), app);
          enforceClientCertificates(server, tls);
        } else {
          server = createHttpServer(app);
        }
        server.once('error', (err: NodeJS.ErrnoException) => {
          journal.close();
          reject(listenError(config, err));
        });
        server.listen(config.listen.port, config.listen.host || undefined, () => {
          const address = server!.address() as AddressInfo;
          logger.info('listening', {
            address: address.address,
            port: address.port,
            tls: !!webConfig.tls,
            client_auth: webConfig.tls?.clientAuth ?? 'NoClientCert',
            basic_auth: webConfig.basicAuthUsers.size > 0,
            gateway: !!gateway,
          });
          poller.start();
          resolve(address);
        });
      }),
    stop: async () => {
      gateway?.close();
      await poller.stop();
      try {
        // Everything committed is durable already; this only folds the journal into the base.
        ledger.compact();
      } catch (err) {
        logger.error('could not compact the state at shutdown (the journal keeps it)', {
          error: (err as Error).message,
        });
      }
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections?.();
      await basicAuth?.close();
      journal.close();
    },
  };
}

/** A listen failure in one line that says what to do (a busy port is the usual one). */
function listenError(config: ExporterConfig, err: NodeJS.ErrnoException): ListenError {
  const { host, port } = config.listen;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const why =
    err.code === 'EADDRINUSE'
      ? 'the port is in use (stop what holds it, or choose another'
      : err.code === 'EADDRNOTAVAIL'
        ? 'no interface has that address (choose another'
        : err.code === 'EACCES'
          ? 'no permission for that port (choose one above 1023'
          : `${err.code ?? err.message} (check`;
  return new ListenError(`cannot listen on ${where}: ${why} with ${settingName('listen')})`, err);
}
