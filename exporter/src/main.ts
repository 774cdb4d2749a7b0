#!/usr/bin/env node
/** `npm run exporter`: command line and environment → configuration → exporter; errors → one line and an exit code. */
import { ExporterConfig, configFrom, describeConfig, parseCommandLine, usage } from './config';
import { checkPaths } from './configCheck';
import { createExporter } from './exporter';
import { fatalReport } from './fatal';
import { readState } from './journal';
import { createLogger } from './logger';
import { VERSION } from './version';

const PROGRAM = 'emnify-events-exporter';
const print = (text: string) => process.stdout.write(text + '\n');

/** Secrets to blank out of a bug's stack trace, once the configuration is known. */
let secrets: Array<string | undefined> = [];

/** `--config.check`: what the state files hold, read without changing them. */
function describeState(config: ExporterConfig): Record<string, unknown> {
  const stored = readState(config.stateFile);
  if (!stored.state) {
    return { file: config.stateFile, exists: false };
  }
  return {
    file: config.stateFile,
    exists: true,
    watermark: new Date(stored.state.watermark).toISOString(),
    rememberedIds: stored.state.ids.length,
    journalDeltas: stored.replayed,
    tornJournalBytes: stored.journalBytes - stored.goodLength,
  };
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const command = parseCommandLine(argv);
  if (command.mode === 'help') {
    print(usage());
    return;
  }
  if (command.mode === 'version') {
    print(`${PROGRAM} version ${VERSION} (node ${process.version})`);
    return;
  }
  const config = configFrom(command.flags, env);
  secrets = [config.applicationToken, config.dataStreamerToken, config.gateway?.token];
  checkPaths(config);
  if (command.mode === 'check') {
    const state = describeState(config);
    print(`${PROGRAM}: the configuration is valid`);
    print(JSON.stringify({ config: describeConfig(config), state }, null, 2));
    return;
  }
  const logger = createLogger(config.logLevel, secrets);
  logger.info(`starting ${PROGRAM}`, { version: VERSION, config: describeConfig(config) });
  const exporter = createExporter(config, { logger });
  await exporter.start();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info('shutting down', { signal });
    exporter
      .stop()
      .then(() => process.exit(0))
      .catch((err: Error) => {
        logger.error('shutdown failed', { error: err.message });
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main(process.argv.slice(2), process.env).catch((err: unknown) => {
  const { exitCode, text } = fatalReport(PROGRAM, err, secrets);
  process.stderr.write(text);
  process.exit(exitCode);
});
