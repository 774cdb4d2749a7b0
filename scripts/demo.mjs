#!/usr/bin/env node
// `npm run demo`: the exporter against the embedded emnify API simulator, live, no account needed.
// `npm run demo -- --help` for the flags; Ctrl-C (or SIGTERM) stops both and removes the demo's state.
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { startSimulator, loadSimulatorOptions } = require('../packages/simulator/dist/index.js');
const { createExporter } = require('../exporter/dist/exporter.js');
const { loadConfig } = require('../exporter/dist/config.js');
const { fatalReport } = require('../exporter/dist/fatal.js');
const { createLogger } = require('../exporter/dist/logger.js');

const PROGRAM = 'emnify-events demo';
const USAGE = `Usage: npm run demo -- [flags]

The exporter against the embedded emnify API simulator, live: no emnify account needed.

  --simulator.port <port>         the simulator's port on 127.0.0.1 (default 8485, or SIMULATOR_PORT; 0: any free port)
  --web.listen-address <address>  where the exporter listens (default 127.0.0.1:8486, or EXPORTER_LISTEN_ADDRESS;
                                  127.0.0.1:0: any free port)
  --state.file <file>             keep the exporter's state there (default, or EXPORTER_STATE_FILE: a temporary
                                  directory, removed when the demo stops)
  -h, --help                      print this help and exit

Every other SIMULATOR_* and EXPORTER_* variable works as for the simulator and the exporter
(e.g. SIMULATOR_EVENTS_PER_SECOND=20, EXPORTER_POLL_INTERVAL=5s).
`;

/** Ends the demo: one line for what we expect (a setting, a busy port), the stack for a bug. */
function fail(text, exitCode) {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
  process.exit(exitCode);
}

let flags;
try {
  flags = parseArgs({
    options: {
      'simulator.port': { type: 'string' },
      'web.listen-address': { type: 'string' },
      'state.file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (err) {
  fail(`${PROGRAM}: ${err.message} (see --help)`, 2);
}
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

let simOptions;
try {
  const env = { ...process.env };
  if (flags['simulator.port'] !== undefined) {
    env.SIMULATOR_PORT = flags['simulator.port'];
  }
  simOptions = { eventsPerSecond: 2, ...loadSimulatorOptions(env) };
} catch (err) {
  fail(`${PROGRAM}: ${err.message}`, 2);
}

// A fresh state per demo (the simulator's events are new each run), removed however the demo ends.
let tempDir;
process.on('exit', () => {
  if (tempDir) {
    rmSync(tempDir, { recursive: true, force: true });
  }
});

let sim;
try {
  sim = await startSimulator(simOptions);
} catch (err) {
  const where = `${simOptions.host ?? '127.0.0.1'}:${simOptions.port ?? 8485}`;
  const why = err.code === 'EADDRINUSE' ? 'the port is in use' : (err.code ?? err.message);
  fail(`${PROGRAM}: cannot start the simulator on ${where}: ${why} (choose another with --simulator.port)`, 1);
}

let exporter;
let config;
try {
  const stateFile =
    flags['state.file'] ??
    process.env.EXPORTER_STATE_FILE ??
    join((tempDir = mkdtempSync(join(tmpdir(), 'emnify-events-demo-'))), 'state.json');
  config = loadConfig(
    [
      '--emnify.url',
      sim.url,
      '--web.listen-address',
      flags['web.listen-address'] ?? process.env.EXPORTER_LISTEN_ADDRESS ?? '127.0.0.1:8486',
      '--state.file',
      stateFile,
      '--poll.interval',
      process.env.EXPORTER_POLL_INTERVAL ?? '10s',
      '--poll.settle',
      '2s',
    ],
    { ...process.env, EMNIFY_APPLICATION_TOKEN: sim.applicationToken, EMNIFY_APPLICATION_TOKEN_FILE: '' }
  );
  exporter = createExporter(config, { logger: createLogger(config.logLevel, [config.applicationToken]) });
  const address = await exporter.start();
  const host = address.address === '::' || address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  process.stdout.write(
    [
      '',
      `emnify API simulator: ${sim.url} (application token: ${sim.applicationToken}, ${simOptions.eventsPerSecond} events/s live)`,
      `exporter:             http://${host}:${address.port}/  — scrape http://${host}:${address.port}/metrics`,
      `state file:           ${config.stateFile}${tempDir ? ' (removed when the demo stops)' : ''}`,
      '',
      `Try:  curl -s http://${host}:${address.port}/metrics | grep emnify_events_total | head`,
      'Ctrl-C to stop.',
      '',
    ].join('\n')
  );
} catch (err) {
  await sim.close();
  const { exitCode, text } = fatalReport(PROGRAM, err, [config?.applicationToken]);
  fail(text, exitCode);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) {
      return;
    }
    stopping = true;
    exporter
      .stop()
      .then(() => sim.close())
      .then(
        () => process.exit(0),
        (err) => fail(fatalReport(PROGRAM, err).text, 1)
      );
  });
}
