/**
 * The built exporter (exporter/dist/main.js, `npm run build:node`) as a child process on a fixed
 * 127.0.0.1 port, as Prometheus discovers it: start, SIGKILL, start again on the same port and state.
 * Only the exporter's public interface is used: flags, EMNIFY_* environment, /-/healthy and /metrics.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const MAIN = join(ROOT, 'exporter/dist/main.js');

/** Builds the exporter and what it depends on (tsc -b; fast when up to date). */
export function buildExporter(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', join(ROOT, 'exporter')], {
    stdio: 'inherit',
  });
}

/** The environment variables the built exporter reads, as its `--help` lists them. */
export function exporterEnvironment(): string[] {
  // --help validates the token setting first: any value will do.
  const help = spawnSync(process.execPath, [MAIN, '--help'], {
    env: { PATH: process.env.PATH, EMNIFY_APPLICATION_TOKEN: 'help' },
    encoding: 'utf8',
  });
  return [...new Set(help.stdout.match(/\b(?:EMNIFY|EXPORTER)_[A-Z_]+\b/g) ?? [])];
}

export interface ExporterProcessOptions {
  apiUrl: string;
  applicationToken: string;
  stateFile: string;
  port: number;
  /** More flags, e.g. ['--poll.interval', '1s']. */
  flags?: string[];
}

export class ExporterProcess {
  readonly address: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The end of its log (stderr), for error messages. */
  private log = '';

  constructor(private readonly options: ExporterProcessOptions) {
    this.address = `127.0.0.1:${options.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** The process id while it runs (for CPU and memory figures). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until /-/healthy answers. */
  async start(): Promise<void> {
    const { apiUrl, applicationToken, stateFile, flags = [] } = this.options;
    const child = spawn(
      process.execPath,
      [MAIN, '--emnify.url', apiUrl, '--state.file', stateFile, '--web.listen-address', this.address, ...flags],
      {
        env: { PATH: process.env.PATH, EMNIFY_APPLICATION_TOKEN: applicationToken },
        stdio: ['ignore', 'ignore', 'pipe'],
      }
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-4000);
    });
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) {
        throw new Error(`exporter ${this.address} exited with ${child.exitCode}: ${this.log}`);
      }
      try {
        if ((await fetch(`http://${this.address}/-/healthy`)).ok) {
          return;
        }
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`exporter ${this.address} not healthy after 10 s: ${this.log}`);
  }

  /** SIGKILL: no shutdown of any kind; resolves when the process is gone. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }

  /** SIGTERM (the exporter compacts its state and exits 0). */
  async stop(): Promise<void> {
    this.child?.kill('SIGTERM');
    await this.exited;
    this.child = undefined;
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://${this.address}/metrics`)).text();
  }
}

/** Sum of the samples of one metric in a text exposition (0 when it has none). */
export function sumOf(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}
