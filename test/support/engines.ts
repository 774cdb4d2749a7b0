/** Real Prometheus, Alertmanager and VictoriaMetrics processes (Debian's) on 127.0.0.1, for the stack and scale tests. */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './freePort';

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningEngine {
  url: string;
  /** The process id (for CPU and memory figures). */
  pid: number;
  stop(): Promise<void>;
}

export interface RunningPrometheus extends RunningEngine {
  /** An instant query, now or at `time` (Unix seconds); throws with the engine's own error text. */
  query(expr: string, time?: number): Promise<Sample[]>;
}

/** VictoriaMetrics answers the same query API. */
export type RunningVictoriaMetrics = RunningPrometheus;

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export interface RunningAlertmanager extends RunningEngine {
  /** GET /api/v2/alerts: every alert Alertmanager holds, active, suppressed or not. */
  alerts(): Promise<AlertmanagerAlert[]>;
}

async function waitReady(url: string, child: ChildProcess, name: string, path = '/-/ready'): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with code ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${url}${path}`)).ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} at ${url} not ready after 10 s`);
}

/** SIGTERM, and SIGKILL if the process has not exited 10 s later (Prometheus waits for remote_write to flush). */
function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve();
        return;
      }
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** The instant query API both engines answer (`/api/v1/query`). */
function queryApi(url: string): RunningPrometheus['query'] {
  return async (expr, time) => {
    const at = time === undefined ? '' : `&time=${time}`;
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}${at}`);
    const body = (await res.json()) as { status: string; error?: string; data: { result: Sample[] } };
    if (body.status !== 'success') {
      throw new Error(`${body.error ?? res.statusText}: ${expr}`);
    }
    return body.data.result;
  };
}

/** `env`: extra environment (e.g. for `--enable-feature=expand-external-labels`). */
export async function startPrometheus(
  configFile: string,
  dataDir: string,
  flags: string[] = [],
  env: Record<string, string> = {}
): Promise<RunningPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dataDir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...flags,
    ],
    { stdio: 'ignore', env: { ...process.env, ...env } }
  );
  await waitReady(url, child, 'prometheus');
  return { url, pid: child.pid!, stop: stopper(child), query: queryApi(url) };
}

/**
 * Single-node VictoriaMetrics (Debian's `victoria-metrics`), accepting Prometheus remote_write at
 * `${url}/api/v1/write` and answering PromQL (MetricsQL) at `${url}/api/v1/query`.
 */
export async function startVictoriaMetrics(dataDir: string, flags: string[] = []): Promise<RunningVictoriaMetrics> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'victoria-metrics',
    [`-storageDataPath=${dataDir}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR', ...flags],
    { stdio: 'ignore' }
  );
  await waitReady(url, child, 'victoria-metrics', '/health');
  return { url, pid: child.pid!, stop: stopper(child), query: queryApi(url) };
}

export async function startAlertmanager(configFile: string, dataDir: string): Promise<RunningAlertmanager> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dataDir, 'alertmanager')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // A single instance: no gossip port.
      '--cluster.listen-address=',
    ],
    { stdio: 'ignore' }
  );
  await waitReady(url, child, 'prometheus-alertmanager');
  return {
    url,
    pid: child.pid!,
    stop: stopper(child),
    alerts: async () => (await (await fetch(`${url}/api/v2/alerts`)).json()) as AlertmanagerAlert[],
  };
}
