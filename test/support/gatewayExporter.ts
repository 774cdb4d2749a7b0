/**
 * A real exporter process with its events gateway, in front of an emnify API (the simulator): what the
 * plugin's gateway-mode tests talk to through the Grafana proxy stand-in. The exporter's sources are
 * bundled by esbuild once per test process (no build needed), then run by `node` like the shipped
 * exporter, configured by its environment as docker-compose configures it. Its poller runs too, paced
 * every hour so that it stays out of the tests' way.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './freePort';

const ROOT = resolve(__dirname, '../..');

let bundled: Promise<string> | undefined;

/**
 * exporter/src/main.ts bundled for Node, in memory (once per test process), by esbuild's own command in a
 * child process: esbuild's JavaScript API refuses to run inside a jsdom test environment. The bundle is
 * fed to `node -`, so no file is left behind.
 */
function exporterBundle(): Promise<string> {
  bundled ??= new Promise((resolveBundle, reject) => {
    execFile(
      join(ROOT, 'node_modules/.bin/esbuild'),
      [
        join(ROOT, 'exporter/src/main.ts'),
        '--bundle',
        '--platform=node',
        '--format=cjs',
        '--target=node20',
        '--log-level=warning',
        `--alias:@emnify-events/client=${join(ROOT, 'packages/client/src/index.ts')}`,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`esbuild: ${stderr}`)) : resolveBundle(stdout))
    );
  });
  return bundled;
}

export interface GatewayExporterOptions {
  /** The emnify API it reads (the simulator's URL). */
  apiUrl: string;
  applicationToken: string;
  /** EXPORTER_GATEWAY_TOKEN; without it the gateway is off. */
  gatewayToken?: string;
}

export interface GatewayExporter {
  /** The exporter's base URL: the gateway URL of a data source. */
  url: string;
  /** Everything it logged so far. */
  log(): string;
  close(): Promise<void>;
}

async function healthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) {
      throw new Error(`the exporter exited with ${child.exitCode}: ${output()}`);
    }
    try {
      if ((await fetch(`${url}/-/healthy`)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the exporter did not answer /-/healthy: ${output()}`);
}

export async function startGatewayExporter(options: GatewayExporterOptions): Promise<GatewayExporter> {
  const [bundle, port] = await Promise.all([exporterBundle(), freePort()]);
  const dir = mkdtempSync(join(tmpdir(), 'exporter-gateway-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    EMNIFY_API_URL: options.apiUrl,
    EMNIFY_APPLICATION_TOKEN: options.applicationToken,
    EXPORTER_LISTEN_ADDRESS: `127.0.0.1:${port}`,
    EXPORTER_STATE_FILE: join(dir, 'state.json'),
    EXPORTER_POLL_INTERVAL: '1h',
    EXPORTER_BACKFILL: '1m',
  };
  if (options.gatewayToken !== undefined) {
    env.EXPORTER_GATEWAY_TOKEN = options.gatewayToken;
  }
  // A script read from stdin has `.` as its __dirname: from exporter/src, `..` holds the exporter's
  // package.json, where it reads its version (as dist/main.js does in the shipped layout).
  const child = spawn(process.execPath, ['-'], {
    cwd: join(ROOT, 'exporter/src'),
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end(bundle);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await healthy(url, child, () => output);
  } catch (err) {
    await close();
    throw err;
  }
  return { url, log: () => output, close };
}
