#!/usr/bin/env node
// `npm run demo`: the exporter against the embedded emnify API simulator, live, no account needed.
// Starts the simulator on 127.0.0.1:8485 and the exporter on 127.0.0.1:8486; Ctrl-C stops both.
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { startSimulator, loadSimulatorOptions } = require('../packages/simulator/dist/index.js');
const { createExporter } = require('../exporter/dist/exporter.js');
const { loadConfig } = require('../exporter/dist/config.js');
const { createLogger } = require('../exporter/dist/logger.js');

const simOptions = { eventsPerSecond: 2, ...loadSimulatorOptions(process.env) };
const sim = await startSimulator(simOptions);
const config = loadConfig(
  [
    '--emnify.url',
    sim.url,
    '--web.listen-address',
    process.env.EXPORTER_LISTEN_ADDRESS ?? '127.0.0.1:8486',
    '--state.file', // A fresh state per demo: the simulator's events are new each run.
    process.env.EXPORTER_STATE_FILE ?? join(mkdtempSync(join(tmpdir(), 'emnify-events-demo-')), 'state.json'),
    '--poll.interval',
    process.env.EXPORTER_POLL_INTERVAL ?? '10s',
    '--poll.settle',
    '2s',
  ],
  { ...process.env, EMNIFY_APPLICATION_TOKEN: sim.applicationToken, EMNIFY_APPLICATION_TOKEN_FILE: '' }
);
const exporter = createExporter(config, { logger: createLogger(config.logLevel, [config.applicationToken]) });
const address = await exporter.start();
const host = address.address === '::' || address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
process.stdout.write(
  [
    '',
    `emnify API simulator: ${sim.url} (application token: ${sim.applicationToken}, ${simOptions.eventsPerSecond} events/s live)`,
    `exporter:             http://${host}:${address.port}/  — scrape http://${host}:${address.port}/metrics`,
    `state file:           ${config.stateFile}`,
    '',
    'Try:  curl -s http://127.0.0.1:' + address.port + '/metrics | grep emnify_events_total | head',
    'Ctrl-C to stop.',
    '',
  ].join('\n')
);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    await exporter.stop();
    await sim.close();
    process.exit(0);
  });
}
