/**
 * `POST /datastreamer`: Data Streamer pushes (single event or bulk array), counted through the same
 * ledger as the poll. Reached only with the route's bearer token (routeCredentials.ts). Bounded: one
 * body at most PUSH_MAX_BODY_BYTES (after decompression), at most PUSH_MAX_EVENTS events, at most
 * PUSH_MAX_CONCURRENT bodies read at once. Every event is validated by the shared client's
 * normalizeEvents against this machine's clock; refused ones are counted by reason and named in the answer.
 */
import { normalizeEvents } from '@emnify-events/client';
import type { RequestHandler } from 'express';
import { IngestResult, Ledger } from '../ledger';
import { Logger } from '../logger';
import { ExporterMetrics } from '../metrics';
import { checkBodyHeaders, readBoundedBody } from './boundedBody';
import { refuse } from './refuse';

/** One push body: 16 MiB after decompression (a bulk of PUSH_MAX_EVENTS events of the usual ~1.2 KB fits). */
export const PUSH_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Events in one push: 10,000. */
export const PUSH_MAX_EVENTS = 10_000;
/** Push bodies read at the same time: 4 (so pushes hold at most 64 MiB of bodies). */
export const PUSH_MAX_CONCURRENT = 4;

export interface DataStreamerDeps {
  ledger: Ledger;
  metrics: ExporterMetrics;
  logger: Logger;
  isReady: () => boolean;
  now: () => number;
}

export function dataStreamerHandler(deps: DataStreamerDeps): RequestHandler {
  let reading = 0;
  return (req, res, next) => {
    const { metrics } = deps;
    if (!deps.isReady()) {
      // Counting waits for the type lookup; the Data Streamer retries.
      metrics.pushReceived('unavailable');
      refuse(req, res, 503, { error: 'Not ready yet; retry shortly.' }, { 'Retry-After': '5' });
      return;
    }
    const early = checkBodyHeaders(req, PUSH_MAX_BODY_BYTES);
    if (early) {
      metrics.pushReceived('rejected');
      refuse(req, res, early.status, { error: early.error });
      return;
    }
    if (reading >= PUSH_MAX_CONCURRENT) {
      metrics.pushReceived('unavailable');
      refuse(
        req,
        res,
        503,
        { error: `${PUSH_MAX_CONCURRENT} pushes are being read already; retry shortly.` },
        { 'Retry-After': '1' }
      );
      return;
    }
    reading++;
    readBoundedBody(req, PUSH_MAX_BODY_BYTES)
      .finally(() => reading--)
      .then((body) => {
        if (!body.ok) {
          metrics.pushReceived('rejected');
          refuse(req, res, body.status, { error: body.error });
          return;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.text);
        } catch {
          metrics.pushReceived('rejected');
          refuse(req, res, 400, { error: 'The body is not JSON.' });
          return;
        }
        const items: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
        if (items.length > PUSH_MAX_EVENTS) {
          metrics.pushReceived('rejected');
          refuse(req, res, 413, {
            error: `The push holds ${items.length} events; at most ${PUSH_MAX_EVENTS} are taken in one push: send smaller batches. Nothing was counted.`,
          });
          return;
        }
        const checked = normalizeEvents(items, { now: deps.now() });
        metrics.eventsRefused('push', checked.skippedByReason, checked.truncatedLabels);
        if (checked.firstRejection) {
          deps.logger.warn('refused pushed events', {
            refused: checked.skipped,
            reasons: checked.skippedByReason,
            first: checked.firstRejection.message,
          });
        }
        const refused = { invalid: checked.skipped, rejected: checked.skippedByReason };
        if (checked.events.length === 0) {
          metrics.pushReceived('rejected');
          const why = checked.firstRejection?.message ?? 'The body holds no event.';
          refuse(req, res, 400, { error: `No event in the body was taken. ${why}`, ...refused });
          return;
        }
        let result: IngestResult;
        try {
          result = deps.ledger.ingest(checked.events, 'push');
        } catch (err) {
          deps.logger.error('could not persist pushed events; the Data Streamer will retry', {
            error: (err as Error).message,
          });
          metrics.pushReceived('unavailable');
          refuse(req, res, 503, { error: 'Could not persist the events; retry.' });
          return;
        }
        metrics.pushReceived('accepted');
        const newestEventTime = checked.events.reduce((newest, e) => Math.max(newest, e.time), -Infinity);
        metrics.pageDone({ duplicates: result.duplicates + result.outsideWindow, newestEventTime }, 'push');
        res.json({ ...result, ...refused });
      })
      .catch(next);
  };
}
