/**
 * The simulator's own surface, `/_simulator/*`, separate from the emnify API: ground truth, health,
 * runtime fault knobs, event injection and expiry. No authentication (demo and test use only), never
 * faulted, never rate limited, not in the request log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawEvent } from '@emnify-events/client';
import { ControlRequestError, SettingError } from './errors';
import { Faults, validateFaults } from './faults';
import { readBody, sendJson } from './http';
import type { GroundTruth } from './truth';

export interface ControlTarget {
  health(): { status: 'ok'; visible: number; pending: number; newestId: number | null };
  truth(options: { from?: number; until?: number }): GroundTruth;
  faults(): Faults;
  setFaults(faults: Partial<Faults>): void;
  addEvents(count: number, options: { lateByMs?: number; typeId?: number }): RawEvent[];
  expireEvents(count: number): number;
}

const ENDPOINTS = [
  'GET /_simulator/health',
  'GET /_simulator/truth',
  'GET|POST /_simulator/faults',
  'POST /_simulator/events',
  'POST /_simulator/expire',
];

function isoParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null || v === '') {
    return undefined;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) {
    throw new ControlRequestError(`${name}: "${v}" is not an ISO 8601 time`);
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
    throw new ControlRequestError('body: not JSON');
  }
}

/** A JSON body's fields (`null` and non-objects: none). */
const fieldsOf = (body: unknown) => (body ?? {}) as Record<string, unknown>;

function count(b: Record<string, unknown>, fallback: number): number {
  const n = b.count ?? fallback;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100_000) {
    throw new ControlRequestError('count: expected a whole number between 0 and 100000');
  }
  return n;
}

function eventsRequest(b: Record<string, unknown>): { count: number; lateByMs: number; typeId?: number } {
  const late = b.lateBySeconds ?? 0;
  if (typeof late !== 'number' || !Number.isFinite(late) || late < 0) {
    throw new ControlRequestError('lateBySeconds: expected a number of seconds of 0 or more');
  }
  if (b.typeId !== undefined && (typeof b.typeId !== 'number' || !Number.isInteger(b.typeId))) {
    throw new ControlRequestError('typeId: expected an event type id');
  }
  return { count: count(b, 1), lateByMs: late * 1000, typeId: b.typeId as number | undefined };
}

/** Handles one `/_simulator/...` request. Bad requests (and bad fault knobs) answer 400 with the reason. */
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
      target.setFaults(validateFaults(await jsonBody(req)));
      sendJson(res, 200, target.faults());
    } else if (path === '/_simulator/events' && method === 'POST') {
      const { count, lateByMs, typeId } = eventsRequest(fieldsOf(await jsonBody(req)));
      sendJson(res, 200, target.addEvents(count, { lateByMs, typeId }));
    } else if (path === '/_simulator/expire' && method === 'POST') {
      const expired = target.expireEvents(count(fieldsOf(await jsonBody(req)), 1));
      sendJson(res, 200, { expired, visible: target.health().visible });
    } else if (ENDPOINTS.some((e) => e.endsWith(` ${path}`))) {
      sendJson(res, 405, { message: `Method ${method} not allowed on ${path}` });
    } else {
      sendJson(res, 404, { message: 'Not Found', endpoints: ENDPOINTS });
    }
  } catch (err) {
    if (err instanceof ControlRequestError || err instanceof SettingError) {
      sendJson(res, 400, { message: err.message });
      return;
    }
    throw err;
  }
}
