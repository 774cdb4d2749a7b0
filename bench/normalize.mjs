#!/usr/bin/env node
// Normalisation cost per event, never pass/fail: `npm run build:node && node --expose-gc bench/normalize.mjs`.
// The items of 100 simulator pages (100,000 events, parsed once) go through normalizeEvent; rounds alternate
// with JSON.parse of the same page texts, the baseline measured in the same run. `--baseline=<path of another
// build of packages/client/dist/index.js>` adds that build's normalizeEvent as a third alternating column
// (e.g. the client of an earlier commit, to measure a change before/after). `--at=<ISO time>` sets the
// simulator's clock (its 24 hours of history end there; the default is now): days 29-31 take a longer path
// in the timestamp check. The first round warms the JIT; medians of the others are shown.
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';

const require = createRequire(import.meta.url);
const client = require('../packages/client/dist/index.js');
const { startSimulator } = require('../packages/simulator/dist/index.js');
const baselineArg = process.argv.find((a) => a.startsWith('--baseline='));
const other = baselineArg ? require(baselineArg.slice('--baseline='.length)) : undefined;
const atArg = process.argv.find((a) => a.startsWith('--at='));
const at = atArg ? Date.parse(atArg.slice('--at='.length)) : undefined;
const ROUNDS = 15;
const EVENTS = 100_000;

const sim = await startSimulator({
  port: 0,
  seed: 99,
  historyMs: 24 * 3_600_000,
  historyEvents: EVENTS,
  eventsPerSecond: 0,
  ...(at !== undefined ? { now: () => at } : {}),
});
const transport = client.fetchTransport({ baseUrl: sim.url });
const auth = await transport({
  method: 'POST',
  path: '/api/v1/authenticate',
  body: { application_token: sim.applicationToken },
  kind: 'authenticate',
});
const token = JSON.parse(auth.body).auth_token;
const texts = [];
for (let page = 1; page <= EVENTS / 1000; page++) {
  const res = await transport({
    method: 'GET',
    path: '/api/v1/event',
    query: { page: String(page), per_page: '1000' },
    headers: { authorization: `Bearer ${token}` },
    kind: 'api',
  });
  texts.push(res.body);
}
await sim.close();
const items = texts.flatMap((text) => JSON.parse(text));

const time = (fn) => {
  globalThis.gc?.();
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};
let sink = 0;
const normaliseAll = (normalizeEvent) => () => {
  for (const item of items) {
    sink += normalizeEvent(item).time;
  }
};
const columns = [
  ['normalizeEvent (this build)', normaliseAll(client.normalizeEvent)],
  ...(other ? [['normalizeEvent (baseline build)', normaliseAll(other.normalizeEvent)]] : []),
  [
    'JSON.parse of the same pages',
    () => {
      for (const text of texts) {
        sink += JSON.parse(text).length;
      }
    },
  ],
];
const runs = columns.map(() => []);
console.log(
  `machine: ${cpus().length} × ${cpus()[0].model}, Node ${process.version}, load average ${loadavg()[0].toFixed(2)}`
);
// Each round starts with another column, so no column always runs first (or right after a collection).
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < columns.length; k++) {
    const i = (round + k) % columns.length;
    runs[i].push(time(columns[i][1]));
  }
}
const median = (xs) => xs.slice(1).sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
console.log(`${items[0].timestamp} … ${items[items.length - 1].timestamp}`);
console.log(`${items.length} events, ${ROUNDS} alternating rounds, median of the last ${ROUNDS - 1}:`);
for (const [i, [name]] of columns.entries()) {
  const ms = median(runs[i]);
  console.log(
    `${name}: ${((ms * 1000) / items.length).toFixed(3)} µs/event (rounds: ${runs[i].map((r) => r.toFixed(0)).join(' ')} ms)`
  );
}
if (sink === 0) {
  console.log('');
}
