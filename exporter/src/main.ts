#!/usr/bin/env node
/** `npm run exporter`: flags and environment → configuration → exporter. */
import { ConfigError, describeConfig, loadConfig, usage } from './config';
import { VERSION, createExporter } from './exporter';
import { createLogger } from './logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`emnify-events-exporter: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.help) {
    process.stdout.write(usage() + '\n');
    return;
  }
  const logger = createLogger(config.logLevel, [config.applicationToken, config.dataStreamerToken]);
  if (config.checkOnly) {
    logger.info('configuration is valid', { config: describeConfig(config) });
    return;
  }
  logger.info('starting emnify-events-exporter', { version: VERSION, config: describeConfig(config) });
  let exporter;
  try {
    exporter = createExporter(config, { logger });
  } catch (err) {
    process.stderr.write(`emnify-events-exporter: ${(err as Error).message}\n`);
    process.exit(2);
  }
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

main().catch((err: Error) => {
  process.stderr.write(`emnify-events-exporter: ${err.message}\n`);
  process.exit(1);
});
