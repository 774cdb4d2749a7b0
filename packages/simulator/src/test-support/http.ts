/** Test helpers: talk to a running simulator over real HTTP. Not part of the build. */
import type { RawEvent } from '@emnify-events/client';
import type { RunningSimulator } from '../server';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

export async function authenticate(sim: RunningSimulator, token = sim.applicationToken): Promise<string> {
  const res = await fetch(`${sim.url}/api/v1/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ application_token: token }),
  });
  if (res.status !== 200) {
    throw new Error(`authenticate answered ${res.status}`);
  }
  return ((await res.json()) as { auth_token: string }).auth_token;
}

export async function get(sim: RunningSimulator, path: string, jwt?: string): Promise<Answer> {
  const res = await fetch(`${sim.url}${path}`, {
    headers: jwt === undefined ? {} : { authorization: `Bearer ${jwt}` },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

export async function post(sim: RunningSimulator, path: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** Every event of a list path, page by page (per_page 1000), stopping on x-current-page >= x-total-pages. */
export async function readAll(
  sim: RunningSimulator,
  jwt: string,
  path = '/api/v1/event',
  query = ''
): Promise<RawEvent[]> {
  const events: RawEvent[] = [];
  for (let page = 1; ; page++) {
    const r = await get(sim, `${path}?per_page=1000&page=${page}${query ? `&${query}` : ''}`, jwt);
    if (r.status !== 200) {
      throw new Error(`${path} answered ${r.status}: ${r.text}`);
    }
    events.push(...r.json<RawEvent[]>());
    if (Number(r.headers.get('x-current-page')) >= Number(r.headers.get('x-total-pages'))) {
      return events;
    }
  }
}

/** Epoch ms of any timestamp format the simulator serves (drift included). */
export function timeOf(timestamp: string): number {
  const iso = timestamp.includes('T') ? timestamp : timestamp.replace(' ', 'T') + 'Z';
  return Date.parse(iso.replace(/\+0000$/, 'Z'));
}
