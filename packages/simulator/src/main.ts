#!/usr/bin/env node
/** `npm run simulator`: the emnify API simulator, configured from SIMULATOR_* variables (see README). */
import { logLine, startFromEnv } from './cli';

const write = (line: string) => void process.stdout.write(line);

async function main(): Promise<void> {
  const started = await startFromEnv(process.env, write);
  if (!started.ok) {
    process.stderr.write(started.message + '\n');
    process.exit(started.exitCode);
  }
  const { sim } = started;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logLine(write, { msg: 'stopping', signal });
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  // Not a setting or a busy port (those are answered above): a bug, so the stack helps.
  process.stderr.write(`emnify simulator: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
