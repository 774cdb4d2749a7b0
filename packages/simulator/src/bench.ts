#!/usr/bin/env node
/**
 * Measures generation time, memory and page latency for a large history:
 *   npx tsc -b packages/simulator && node --expose-gc packages/simulator/dist/bench.js [events=1000000]
 * Prints one JSON document. Not used by the server.
 */
import { startSimulator } from './server';

const QUERIES = [
  'per_page=1000',
  'per_page=1000&page=500',
  'per_page=1000&sort=-id',
  'per_page=1000&sort=-timestamp',
  'per_page=1000&sort=-timestamp&page=2',
  'per_page=100&q=type:1',
  'per_page=100&q=type:1&page=2',
  'per_page=100&q=description:quota',
  'per_page=100&q=country:Germany|France,rat:6',
  'per_page=100&q=from:2020-01-01T00:00:00Z,until:2040-01-01T00:00:00Z',
  'per_page=100&sort=endpoint,-timestamp',
];

function mb(bytes: number): number {
  return Math.round(bytes / 1e6);
}

async function main(): Promise<void> {
  const events = Number(process.argv[2] ?? 1_000_000);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage();
  const t0 = performance.now();
  const sim = await startSimulator({ port: 0, historyEvents: events, historyMs: 30 * 86_400_000, eventsPerSecond: 0 });
  const generationMs = Math.round(performance.now() - t0);
  gc?.();
  const mem = process.memoryUsage();
  const auth = await fetch(`${sim.url}/api/v1/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ application_token: sim.applicationToken }),
  });
  const { auth_token: jwt } = (await auth.json()) as { auth_token: string };
  const latencies: Record<string, { ms: number; totalCount: string | null; bytes: number }> = {};
  for (const q of QUERIES) {
    const s = performance.now();
    const r = await fetch(`${sim.url}/api/v1/event?${q}`, { headers: { authorization: `Bearer ${jwt}` } });
    const body = await r.text();
    latencies[q] = {
      ms: Math.round((performance.now() - s) * 10) / 10,
      totalCount: r.headers.get('x-total-count'),
      bytes: body.length,
    };
  }
  const after = process.memoryUsage();
  await sim.close();
  process.stdout.write(
    JSON.stringify(
      {
        events,
        node: process.version,
        generationMs,
        gcExposed: gc !== undefined,
        memoryMB: {
          rssBefore: mb(base.rss),
          rssAfterGeneration: mb(mem.rss),
          heapUsedAfterGeneration: mb(mem.heapUsed),
          heapUsedPerEventBytes: Math.round((mem.heapUsed - base.heapUsed) / Math.max(1, events)),
          rssAfterQueries: mb(after.rss),
        },
        latencies,
      },
      null,
      2
    ) + '\n'
  );
}

void main();
