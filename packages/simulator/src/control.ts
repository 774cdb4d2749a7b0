/**
 * The simulator's own surface, `/_simulator/*`, separate from the emnify API: ground truth, health,
 * runtime fault knobs and event injection. No authentication (demo and test use only), never faulted,
 * never rate limited, not in the request log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawEvent } from '@emnify-events/client';
import { Faults, validateFaults } from './faults';
import { readBody, sendJson } from './http';
import type { GroundTruth } from './truth';

export interface ControlTarget {
  health(): { status: 'ok'; visible: number; pending: number; newestId: number | null };
  truth(options: { from?: number; until?: number }): GroundTruth;
  faults(): Faults;
  setFaults(faults: Partial<Faults>): void;
  addEvents(count: number, options: { lateByMs?: number; typeId?: number }): RawEvent[];
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

function isoParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') {
    return undefined;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) {
    throw new ControlError(400, `${name}: "${v}" is not an ISO 8601 time`);
  }
  return t;
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') {
    return {};
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ControlError(400, 'body: not JSON');
  }
}

function eventsRequest(body: unknown): { count: number; lateByMs: number; typeId?: number } {
  const b = (body ?? {}) as { count?: unknown; lateBySeconds?: unknown; typeId?: unknown };
  const count = b.count ?? 1;
  const late = b.lateBySeconds ?? 0;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 100_000) {
    throw new ControlError(400, 'count: expected a whole number between 0 and 100000');
  }
  if (typeof late !== 'number' || !Number.isFinite(late) || late < 0) {
    throw new ControlError(400, 'lateBySeconds: expected a number of seconds of 0 or more');
  }
  if (b.typeId !== undefined && (typeof b.typeId !== 'number' || !Number.isInteger(b.typeId))) {
    throw new ControlError(400, 'typeId: expected an event type id');
  }
  return { count, lateByMs: late * 1000, typeId: b.typeId as number | undefined };
}

/** Handles one `/_simulator/...` request. */
export async function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL
): Promise<void> {
  const path = url.pathname.replace(/\/+$/, '');
  const method = req.method ?? 'GET';
  try {
    if (path === '/_simulator/health' && method === 'GET') {
      sendJson(res, 200, target.health());
    } else if (path === '/_simulator/truth' && method === 'GET') {
      sendJson(res, 200, target.truth({ from: isoParam(url, 'from'), until: isoParam(url, 'until') }));
    } else if (path === '/_simulator/faults' && method === 'GET') {
      sendJson(res, 200, target.faults());
    } else if (path === '/_simulator/faults' && method === 'POST') {
      let faults: Partial<Faults>;
      try {
        faults = validateFaults(await jsonBody(req));
      } catch (err) {
        throw err instanceof ControlError ? err : new ControlError(400, (err as Error).message);
      }
      target.setFaults(faults);
      sendJson(res, 200, target.faults());
    } else if (path === '/_simulator/events' && method === 'POST') {
      const { count, lateByMs, typeId } = eventsRequest(await jsonBody(req));
      try {
        sendJson(res, 200, target.addEvents(count, { lateByMs, typeId }));
      } catch (err) {
        throw new ControlError(400, (err as Error).message);
      }
    } else if (['/_simulator/health', '/_simulator/truth', '/_simulator/faults', '/_simulator/events'].includes(path)) {
      sendJson(res, 405, { message: `Method ${method} not allowed on ${path}` });
    } else {
      sendJson(res, 404, {
        message: 'Not Found',
        endpoints: [
          'GET /_simulator/health',
          'GET /_simulator/truth',
          'GET|POST /_simulator/faults',
          'POST /_simulator/events',
        ],
      });
    }
  } catch (err) {
    if (err instanceof ControlError) {
      sendJson(res, err.status, { message: err.message });
      return;
    }
    throw err;
  }
}
