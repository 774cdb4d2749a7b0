/**
 * Start-up from the environment, separate from the process wiring of main.ts so it can be tested: read
 * SIMULATOR_* (one clear line and exit code 2 on a bad value), start, and log one JSON line. Anything
 * else thrown is a bug and propagates (main.ts prints its stack).
 */
import { DEFAULTS, DEMO_APPLICATION_TOKEN, SimulatorOptions, loadSimulatorOptions } from './config';
import { SettingError } from './errors';
import { RunningSimulator, startSimulator } from './server';

export type LineWriter = (line: string) => void;

export function logLine(write: LineWriter, fields: Record<string, unknown>): void {
  write(
    JSON.stringify({ time: new Date().toISOString(), level: 'info', component: 'emnify-simulator', ...fields }) + '\n'
  );
}

/** Never prints a token that is not the public demo token. */
export function tokenHint(applicationToken: string): string {
  return applicationToken === DEMO_APPLICATION_TOKEN
    ? `${DEMO_APPLICATION_TOKEN} (the public demo token: set SIMULATOR_APPLICATION_TOKEN for anything shared)`
    : 'the value of SIMULATOR_APPLICATION_TOKEN (not shown)';
}

export type StartResult =
  { ok: true; sim: RunningSimulator; options: SimulatorOptions } | { ok: false; exitCode: number; message: string };

/** Parses the environment and starts the simulator; logs the start line to `out`. */
export async function startFromEnv(env: NodeJS.ProcessEnv, out: LineWriter): Promise<StartResult> {
  let options: SimulatorOptions;
  try {
    options = loadSimulatorOptions(env);
  } catch (err) {
    if (!(err instanceof SettingError)) {
      throw err;
    }
    return { ok: false, exitCode: 2, message: `emnify simulator: ${err.message}` };
  }
  let sim: RunningSimulator;
  try {
    sim = await startSimulator(options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const where = `${options.host ?? DEFAULTS.host}:${options.port ?? DEFAULTS.port}`;
    const hint =
      e.code === 'EADDRINUSE'
        ? ` (port in use: set SIMULATOR_PORT)`
        : e.code === 'EADDRNOTAVAIL'
          ? ' (no such interface: check SIMULATOR_HOST)'
          : '';
    return { ok: false, exitCode: 1, message: `emnify simulator: cannot listen on ${where}: ${e.message}${hint}` };
  }
  const { visible, pending } = sim.counts();
  logLine(out, {
    msg: 'emnify API simulator listening',
    url: sim.url,
    application_token: tokenHint(sim.applicationToken),
    organisation: sim.organisation,
    events: { visible, pending, history: options.historyEvents ?? DEFAULTS.historyEvents },
    events_per_second: options.eventsPerSecond ?? DEFAULTS.eventsPerSecond,
    seed: options.seed ?? DEFAULTS.seed,
    drift: options.drift ?? DEFAULTS.drift,
    rate_limits: options.rateLimits ?? DEFAULTS.rateLimits,
    faults: options.faults ?? {},
    ground_truth: `${sim.url}/_simulator/truth`,
  });
  return { ok: true, sim, options };
}
