/**
 * The first hour, as a user meets it: the built exporter's command line (--help, --version without any
 * setting, --config.check of files and directories, a busy port in one line) and `npm run demo`
 * (--help, ports as flags, a busy port in one line, no temporary directory left behind).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, buildNodePackages } from './build';
import { parseSamples } from './metricsText';

const MAIN = join(ROOT, 'exporter/dist/main.js');
const DEMO = join(ROOT, 'scripts/demo.mjs');
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'exporter/package.json'), 'utf8')) as { version: string })
  .version;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts a process; `done` resolves when it exits, `output` is what it printed so far. */
function start(args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    // Nothing of the developer's environment (a token, a state file) leaks in.
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (output.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output.stderr += c.toString()));
  const done = new Promise<Run>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal, ...output }))
  );
  return { child, output, done };
}

const run = (args: string[], env?: Record<string, string>) => start(args, env).done;

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  for (const deadline = Date.now() + ms; !check();) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A port held by another server, to meet the busy-port case. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

const lines = (text: string) => text.split('\n').filter(Boolean);
const stackLines = (text: string) => lines(text).filter((l) => /^\s+at /.test(l));

let dir: string;
beforeAll(() => {
  buildNodePackages();
  dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-cli-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exporter command line', () => {
  it('--help lists every flag and needs no setting', async () => {
    const r = await run([MAIN, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('Usage: emnify-events-exporter [flags]\n')).toBe(true);
    for (const flag of [
      '--emnify.url',
      '--emnify.token-file',
      '--web.listen-address',
      '--web.config.file',
      '--poll.interval',
      '--state.file',
      '--backfill',
      '--poll.overlap',
      '--poll.settle',
      '--poll.max-window',
      '--poll.max-window-events',
      '--poll.page-size',
      '--poll.page-concurrency',
      '--labels.drop',
      '--events.types',
      '--datastreamer.token-file',
      '--log.level',
      '--config.check',
      '--version',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^  ${flag.replace(/\./g, '\\.')} `, 'm'));
    }
    expect((await run([MAIN, '-h'])).stdout).toBe(r.stdout);
  });

  it('--version prints the version of exporter/package.json and needs no setting', async () => {
    const r = await run([MAIN, '--version']);
    expect(r).toEqual({
      code: 0,
      signal: null,
      stdout: `emnify-events-exporter version ${PACKAGE_VERSION} (node ${process.version})\n`,
      stderr: '',
    });
  });

  it('a bad flag is one line naming it, exit code 2', async () => {
    expect(await run([MAIN, '--poll.intervall', '1m'])).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "emnify-events-exporter: Unknown option '--poll.intervall' (see --help)\n",
    });
  });

  describe('--config.check', () => {
    const token = { EMNIFY_APPLICATION_TOKEN: 'cli-secret-token-42' };

    it('prints the effective configuration, secrets as <set>/<unset>, no internal field, and the state', async () => {
      const stateFile = join(dir, 'check-ok', 'state.json');
      mkdirSync(join(dir, 'check-ok'));
      const r = await run([MAIN, '--config.check', '--state.file', stateFile, '--poll.interval', '1m'], token);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toContain('cli-secret-token-42');
      const [first, ...rest] = r.stdout.split('\n');
      expect(first).toBe('emnify-events-exporter: the configuration is valid');
      expect(JSON.parse(rest.join('\n'))).toEqual({
        config: {
          apiUrl: 'https://cdn.emnify.net',
          applicationToken: '<set>',
          listen: { host: '', port: 8486 },
          pollIntervalMs: 60_000,
          stateFile,
          backfillMs: 3_600_000,
          overlapMs: 300_000,
          settleMs: 10_000,
          maxWindowMs: 86_400_000,
          maxWindowEvents: 20_000,
          pageSize: 1000,
          pageConcurrency: 2,
          dropLabels: [],
          eventTypes: [],
          webConfigFile: null,
          dataStreamerToken: '<unset>',
          gateway: null,
          logLevel: 'info',
        },
        state: { file: stateFile, exists: false },
      });
      // Checking writes nothing.
      expect(readdirSync(join(dir, 'check-ok'))).toEqual([]);
    });

    it('reads an existing state without changing it', async () => {
      const stateFile = join(dir, 'check-state.json');
      const base = JSON.stringify({ version: 2, seq: 0, watermark: 1_767_225_600_000, ids: [[7, 1_767_225_590_000]] });
      writeFileSync(stateFile, base);
      writeFileSync(
        `${stateFile}.journal`,
        '{"seq":1,"ids":[[8,1767225599000]],"events":[["[\\"a\\",\\"INFO\\",\\"API\\",\\"\\",\\"\\"]",1]]}\n'
      );
      const r = await run([MAIN, '--config.check', '--state.file', stateFile], token);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('\n') + 1)).state).toEqual({
        file: stateFile,
        exists: true,
        watermark: '2026-01-01T00:00:00.000Z',
        rememberedIds: 2,
        journalDeltas: 1,
        tornJournalBytes: 0,
      });
      expect(readFileSync(stateFile, 'utf8')).toBe(base);
    });

    it.each([
      [
        'a web config file that does not exist',
        () => ['--web.config.file', join(dir, 'missing-web.yml'), '--state.file', join(dir, 'a.json')],
        () => `web config ${join(dir, 'missing-web.yml')}: cannot read it (ENOENT)`,
      ],
      [
        'a web config whose certificate does not exist',
        () => {
          writeFileSync(join(dir, 'tls.yml'), 'tls_server_config:\n  cert_file: nope.pem\n  key_file: nope.key\n');
          return ['--web.config.file', join(dir, 'tls.yml'), '--state.file', join(dir, 'a.json')];
        },
        () => `web config ${join(dir, 'tls.yml')}: cannot read nope.pem (ENOENT)`,
      ],
      [
        'a state directory that does not exist',
        () => ['--state.file', join(dir, 'no-such-dir', 'state.json')],
        () =>
          `EXPORTER_STATE_FILE (--state.file): the directory ${join(dir, 'no-such-dir')} cannot be used (ENOENT): create it, or choose another`,
      ],
      [
        'a state "directory" that is a file',
        () => {
          writeFileSync(join(dir, 'plain-file'), '');
          return ['--state.file', join(dir, 'plain-file', 'state.json')];
        },
        () => `EXPORTER_STATE_FILE (--state.file): ${join(dir, 'plain-file')} is not a directory`,
      ],
      [
        'a state file that is a directory',
        () => {
          mkdirSync(join(dir, 'state-dir.json'));
          return ['--state.file', join(dir, 'state-dir.json')];
        },
        () => `EXPORTER_STATE_FILE (--state.file): ${join(dir, 'state-dir.json')} is not a regular file`,
      ],
      [
        'a token file that does not exist',
        () => ['--emnify.token-file', join(dir, 'no-token'), '--state.file', join(dir, 'a.json')],
        () => `EMNIFY_APPLICATION_TOKEN_FILE (--emnify.token-file): cannot read "${join(dir, 'no-token')}" (ENOENT)`,
      ],
    ])('refuses %s: one line, exit code 2', async (_case, args, message) => {
      const argv = args();
      const env = argv.includes('--emnify.token-file') ? {} : token;
      expect(await run([MAIN, '--config.check', ...argv], env)).toEqual({
        code: 2,
        signal: null,
        stdout: '',
        stderr: `emnify-events-exporter: ${message()}\n`,
      });
    });

    it('a corrupt state is one line naming the file, exit code 1', async () => {
      const stateFile = join(dir, 'corrupt.json');
      writeFileSync(stateFile, '{"version":2,');
      expect(await run([MAIN, '--config.check', '--state.file', stateFile], token)).toEqual({
        code: 1,
        signal: null,
        stdout: '',
        stderr: `emnify-events-exporter: state file ${stateFile} is not valid JSON: move it and its journal (${stateFile}.journal) away to start counting afresh\n`,
      });
    });
  });

  it('a busy port is one line that says what to do, exit code 1, no stack', async () => {
    const { server, port } = await holdPort();
    try {
      const r = await run([MAIN, '--web.listen-address', `127.0.0.1:${port}`, '--state.file', join(dir, 'busy.json')], {
        EMNIFY_APPLICATION_TOKEN: 'x',
        EMNIFY_API_URL: 'http://127.0.0.1:1',
      });
      expect(r.code).toBe(1);
      expect(stackLines(r.stderr)).toEqual([]);
      expect(lines(r.stderr).pop()).toBe(
        `emnify-events-exporter: cannot listen on 127.0.0.1:${port}: the port is in use (stop what holds it, or choose another with EXPORTER_LISTEN_ADDRESS (--web.listen-address))`
      );
    } finally {
      server.close();
    }
  });
});

describe('npm run demo', () => {
  /** Each demo run gets its own temp root, so what it leaves behind is visible. */
  const demoEnv = (name: string) => {
    const tmp = join(dir, name);
    mkdirSync(tmp);
    return { tmp, env: { TMPDIR: tmp, SIMULATOR_HISTORY_EVENTS: '200' } };
  };

  it('--help prints the flags and starts nothing', async () => {
    const { tmp, env } = demoEnv('demo-help');
    const r = await run([DEMO, '--help'], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('Usage: npm run demo -- [flags]\n')).toBe(true);
    expect(r.stdout).toMatch(/^ {2}--simulator\.port <port> /m);
    expect(r.stdout).toMatch(/^ {2}--web\.listen-address <address> /m);
    expect(r.stdout).toMatch(/^ {2}--state\.file <file> /m);
    expect(r.stdout).not.toContain('emnify API simulator:');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'serves on the ports given as flags, and leaves no temporary directory after %s',
    async (signal) => {
      const { tmp, env } = demoEnv(`demo-${signal}`);
      const demo = start([DEMO, '--simulator.port', '0', '--web.listen-address', '127.0.0.1:0'], env);
      await until('the demo to start', () => demo.output.stdout.includes('Ctrl-C to stop.'));
      const port = Number(/exporter: +http:\/\/127\.0\.0\.1:(\d+)\//.exec(demo.output.stdout)?.[1]);
      const stateDir = /state file: +(\S+)\/state\.json/.exec(demo.output.stdout)?.[1];
      expect(stateDir?.startsWith(join(tmp, 'emnify-events-demo-'))).toBe(true);
      expect(readdirSync(tmp)).toHaveLength(1);
      let total = 0;
      await until('the first poll', () => {
        void fetch(`http://127.0.0.1:${port}/metrics`)
          .then((res) => res.text())
          .then((text) => (total = parseSamples(text, 'emnify_events_total').reduce((a, s) => a + s.value, 0)))
          .catch(() => undefined);
        return total > 0;
      });
      demo.child.kill(signal);
      const r = await demo.done;
      expect(r.code).toBe(0);
      expect(readdirSync(tmp)).toEqual([]);
    }
  );

  it('a busy simulator port is one line, exit code 1, nothing left behind', async () => {
    const { tmp, env } = demoEnv('demo-busy-sim');
    const { server, port } = await holdPort();
    try {
      expect(await run([DEMO, '--simulator.port', String(port)], env)).toEqual({
        code: 1,
        signal: null,
        stdout: '',
        stderr: `emnify-events demo: cannot start the simulator on 127.0.0.1:${port}: the port is in use (choose another with --simulator.port)\n`,
      });
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('a busy exporter port is one line, exit code 1, nothing left behind', async () => {
    const { tmp, env } = demoEnv('demo-busy-exporter');
    const { server, port } = await holdPort();
    try {
      const r = await run([DEMO, '--simulator.port', '0', '--web.listen-address', `127.0.0.1:${port}`], env);
      expect(r.code).toBe(1);
      expect(stackLines(r.stderr)).toEqual([]);
      expect(lines(r.stderr).pop()).toBe(
        `emnify-events demo: cannot listen on 127.0.0.1:${port}: the port is in use (stop what holds it, or choose another with EXPORTER_LISTEN_ADDRESS (--web.listen-address))`
      );
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      server.close();
    }
  });
});
