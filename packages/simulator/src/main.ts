#!/usr/bin/env node
/** `npm run simulator`: the emnify API simulator, configured from SIMULATOR_* variables. */
import { DEFAULTS, DEMO_APPLICATION_TOKEN, loadSimulatorOptions } from './config';
import { startSimulator } from './server';

function log(fields: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), component: 'simulator', ...fields }) + '\n');
}

async function main(): Promise<void> {
  let options;
  try {
    options = loadSimulatorOptions(process.env);
  } catch (err) {
    process.stderr.write(`emnify simulator: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const sim = await startSimulator(options);
  const token = sim.applicationToken === DEMO_APPLICATION_TOKEN ? `${DEMO_APPLICATION_TOKEN} (the demo token)` : 'as set in SIMULATOR_APPLICATION_TOKEN';
  log({
    level: 'info',
    msg: 'emnify API simulator listening',
    url: sim.url,
    application_token: token,
    events: sim.counts().visible,
    events_per_second: options.eventsPerSecond ?? DEFAULTS.eventsPerSecond,
    seed: options.seed ?? DEFAULTS.seed,
    rate_limits: options.rateLimits ?? DEFAULTS.rateLimits,
  });
  const stop = (signal: string) => {
    log({ level: 'info', msg: 'stopping', signal });
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`emnify simulator: ${(err as Error).message}\n`);
  process.exit(1);
});
