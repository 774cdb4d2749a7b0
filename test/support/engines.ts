/** Real Prometheus and Alertmanager processes (Debian's) on 127.0.0.1, for the stack test. */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './freePort';

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningEngine {
  url: string;
  stop(): Promise<void>;
}

export interface RunningPrometheus extends RunningEngine {
  /** An instant query now; throws with Prometheus's own error text. */
  query(expr: string): Promise<Sample[]>;
}

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export interface RunningAlertmanager extends RunningEngine {
  /** GET /api/v2/alerts: every alert Alertmanager holds, active, suppressed or not. */
  alerts(): Promise<AlertmanagerAlert[]>;
}

async function waitReady(url: string, child: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) {
      throw new Error(`${name} exited with code ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} at ${url} not ready after 10 s`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

export async function startPrometheus(
  configFile: string,
  dataDir: string,
  flags: string[] = []
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
    { stdio: 'ignore' }
  );
  await waitReady(url, child, 'prometheus');
  return {
    url,
    stop: stopper(child),
    query: async (expr) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: Sample[] } };
      if (body.status !== 'success') {
        throw new Error(`${body.error ?? res.statusText}: ${expr}`);
      }
      return body.data.result;
    },
  };
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
    stop: stopper(child),
    alerts: async () => (await (await fetch(`${url}/api/v2/alerts`)).json()) as AlertmanagerAlert[],
  };
}
