/**
 * The hostile-input suite, files and settings: base state files of the wrong shape (each a row: the file,
 * the one line the start must fail with, naming the file and what is wrong), a compaction that fails on a
 * full disk (its temp file removed, the counts exact against the simulator's truth, over HTTP), and
 * credentials in EMNIFY_API_URL or a backfill past emnify's 30 days, refused by the built process without
 * repeating the credentials and without writing anything.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningSimulator, startSimulator } from '@emnify-events/simulator';
import { Exporter } from '../src/exporter';
import { readState } from '../src/journal';
import { ROOT, buildNodePackages } from './build';
import { countsFromMetrics, exporterOn, scrape, truthAsCounts } from './helpers';
import { parseSamples } from './metricsText';

const T = 1_767_225_600_000;
const KEY = JSON.stringify(['Update location', 'INFO', 'Network', 'DE', 'Telekom']);
const VKEY = JSON.stringify(['rx', 'DE', 'Telekom']);
const base = (fields: Record<string, unknown>, drop: string[] = []) => {
  const file: Record<string, unknown> = {
    version: 2,
    seq: 0,
    watermark: T,
    ids: [[7, T - 1000]],
    events: [[KEY, 300_000]],
    volume: [[VKEY, 5_000_000]],
    late_events: 0,
    ...fields,
  };
  for (const key of drop) {
    delete file[key];
  }
  return JSON.stringify(file);
};
const LABEL_KEY =
  'a label key (the JSON text of 5 label values: event_type, event_severity, event_source, country, operator)';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'emnify-exporter-hostile-state-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('base state files of the wrong shape', () => {
  const rows: Array<[string, string, string]> = [
    ['an array', '[]', 'the JSON is [], not an object'],
    ['null', 'null', 'the JSON is null, not an object'],
    ['no version', base({}, ['version']), '"version" is missing'],
    ['version 4', base({ version: 4 }), '"version": 4 is not 1 or 2 or 3'],
    ['version as a text', base({ version: '2' }), '"version": "2" is not 1 or 2 or 3'],
    ['push-only ids in version 2', base({ push_ids: [7] }), '"push_ids" is not a field of version 2'],
    [
      'a push-only id that is a text',
      base({ version: 3, push_ids: ['7'] }),
      '"push_ids"[0]: "7" is not an event id (a positive integer up to 2^53-1)',
    ],
    [
      'a push-only id listed twice',
      base({ version: 3, push_ids: [7, 7] }),
      '"push_ids"[1]: the event id 7 is listed twice',
    ],
    [
      'forgotten_below as a date text',
      base({ version: 3, forgotten_below: '2026-01-01' }),
      '"forgotten_below": "2026-01-01" is not a time (milliseconds since 1970)',
    ],
    ['version 2 without seq', base({}, ['seq']), '"seq" is missing'],
    ['a negative seq', base({ seq: -1 }), '"seq": -1 is not a whole number of at least 0'],
    ['version 1 with a seq', base({ version: 1 }), '"seq" is not a field of version 1'],
    ['no watermark', base({}, ['watermark']), '"watermark" is missing'],
    [
      'a watermark as a date text',
      base({ watermark: '2026-01-01' }),
      '"watermark": "2026-01-01" is not a time (milliseconds since 1970)',
    ],
    [
      'a watermark past any date',
      base({ watermark: 1e20 }),
      '"watermark": 100000000000000000000 is not a time (milliseconds since 1970)',
    ],
    ['no ids', base({}, ['ids']), '"ids" is missing'],
    ['ids as an object', base({ ids: {} }), '"ids": {} is not a list'],
    [
      'an id of 1.5',
      base({ ids: [[1.5, T]] }),
      '"ids"[0][0] (event id): 1.5 is not an event id (a positive integer up to 2^53-1)',
    ],
    [
      'an id of 0',
      base({ ids: [[0, T]] }),
      '"ids"[0][0] (event id): 0 is not an event id (a positive integer up to 2^53-1)',
    ],
    [
      'an id past 2^53',
      base({ ids: [[2 ** 60, T]] }),
      '"ids"[0][0] (event id): 1152921504606847000 is not an event id (a positive integer up to 2^53-1)',
    ],
    [
      'an id time that is a text',
      base({ ids: [[7, 'now']] }),
      '"ids"[0][1] (event time): "now" is not a time (milliseconds since 1970)',
    ],
    ['an id entry of three', base({ ids: [[7, T, 1]] }), '"ids"[0]: [7,1767225600000,1] is not [event id, event time]'],
    [
      'an id listed twice',
      base({
        ids: [
          [7, T],
          [7, T + 1],
        ],
      }),
      '"ids"[1]: the event id 7 is listed twice',
    ],
    [
      'events [[1,2]] (the counts that vanished)',
      base({ events: [[1, 2]] }),
      `"events"[0][0] (label key): 1 is not ${LABEL_KEY}`,
    ],
    [
      'an event key that is not JSON',
      base({ events: [['x', 2]] }),
      `"events"[0][0] (label key): "x" is not ${LABEL_KEY}`,
    ],
    [
      'an event key of 4 labels',
      base({ events: [[JSON.stringify(['a', 'b', 'c', 'd']), 2]] }),
      `"events"[0][0] (label key): "[\\"a\\",\\"b\\",\\"c\\",\\"d\\"]" is not ${LABEL_KEY}`,
    ],
    [
      'a negative count',
      base({ events: [[KEY, -3]] }),
      '"events"[0][1] (events): -3 is not a whole number of at least 0',
    ],
    [
      'a fractional count',
      base({ events: [[KEY, 1.5]] }),
      '"events"[0][1] (events): 1.5 is not a whole number of at least 0',
    ],
    [
      'a label key listed twice',
      base({
        events: [
          [KEY, 1],
          [KEY, 2],
        ],
      }),
      `"events"[1]: the label key ${JSON.stringify(KEY).slice(0, 37)}... is listed twice`,
    ],
    [
      'events as an object',
      base({ events: { [KEY]: 1 } }),
      `"events": {${JSON.stringify(KEY).slice(0, 36)}... is not a list`,
    ],
    [
      'a volume direction "up"',
      base({ volume: [[JSON.stringify(['up', 'DE', 'x']), 1]] }),
      '"volume"[0][0] (label key): "[\\"up\\",\\"DE\\",\\"x\\"]" has the direction "up", not rx or tx',
    ],
    [
      'volume bytes as a text',
      base({ volume: [[VKEY, '5']] }),
      '"volume"[0][1] (bytes): "5" is not a whole number of at least 0',
    ],
    ['negative late events', base({ late_events: -1 }), '"late_events": -1 is not a whole number of at least 0'],
    ['an unknown field', base({ extra: 1 }), 'unknown field "extra"'],
  ];

  it.each(rows)('%s', (_name, text, problem) => {
    const path = join(dir, `corrupt-${rows.findIndex((r) => r[1] === text)}.json`);
    writeFileSync(path, text);
    expect(() => readState(path)).toThrow(
      `state file ${path} is not a state of this exporter: ${problem}: restore it, or move it and its journal (${path}.journal) away to start counting afresh`
    );
  });

  it('the well-formed file the rows are made from loads, 300,000 counts included', () => {
    const path = join(dir, 'good.json');
    writeFileSync(path, base({}));
    const stored = readState(path);
    expect(stored.state?.counts.events.get(KEY)).toBe(300_000);
    expect(stored.state?.counts.volume.get(VKEY)).toBe(5_000_000);
  });

  it('a journal line of the wrong shape before the last names the line and what is wrong', () => {
    const path = join(dir, 'journal-bad.json');
    writeFileSync(path, base({}));
    writeFileSync(`${path}.journal`, '{"seq":1,"late":1}\n{"seq":2,"ids":[[1.5,1767225600000]]}\n{"seq":3,"late":1}\n');
    expect(() => readState(path)).toThrow(
      `state journal ${path}.journal is corrupt at line 2 (byte 19), before its last line ("ids"[0][0] (event id): 1.5 is not an event id (a positive integer up to 2^53-1)): restore it, or move it and the state file away to start counting afresh`
    );
  });
});

describe('a compaction on a full disk', () => {
  let sim: RunningSimulator;
  let now = Date.UTC(2026, 2, 1, 8);
  beforeAll(async () => {
    sim = await startSimulator({
      port: 0,
      seed: 9,
      historyMs: 20 * 60_000,
      historyEvents: 200,
      eventsPerSecond: 0,
      now: () => now,
    });
  });
  afterAll(() => sim.close());

  const make = (stateFile: string): Exporter =>
    exporterOn(sim, stateFile, { now: () => now, args: ['--poll.settle', '0s'] });
  const failures = (text: string) =>
    parseSamples(text, 'emnify_exporter_state_writes_total').find((s) => s.labels.result === 'failure')?.value;

  it('removes its partial temp file, keeps counting exactly, and the next compaction succeeds', async () => {
    const stateFile = join(dir, 'full-disk', 'state.json');
    mkdirSync(join(dir, 'full-disk'));
    const tmp = `${stateFile}.tmp`;
    let exporter = make(stateFile);
    await exporter.poller.pollOnce();
    expect(failures(await scrape(exporter.app))).toBe(0);

    // The temp file now lands on a device that is always full: the write fails with ENOSPC.
    symlinkSync('/dev/full', tmp);
    now += 60_000;
    sim.addEvents(5, { lateByMs: 1000 });
    await exporter.poller.pollOnce();
    let text = await scrape(exporter.app);
    expect(failures(text)).toBe(1);
    expect(
      existsSync(tmp) ||
        (() => {
          try {
            return lstatSync(tmp).isSymbolicLink();
          } catch {
            return false;
          }
        })()
    ).toBe(false);
    expect(countsFromMetrics(text)).toEqual(truthAsCounts(sim.truth()));

    now += 60_000;
    sim.addEvents(5, { lateByMs: 1000 });
    await exporter.poller.pollOnce();
    text = await scrape(exporter.app);
    expect(failures(text)).toBe(1);
    expect(readdirSync(join(dir, 'full-disk')).sort()).toEqual(['state.json', 'state.json.journal']);
    await exporter.stop();

    exporter = make(stateFile);
    expect(countsFromMetrics(await scrape(exporter.app))).toEqual(truthAsCounts(sim.truth()));
    await exporter.stop();
  });

  it('a temp file left by a crash is removed at the next start', () => {
    const stateFile = join(dir, 'crash-tmp.json');
    writeFileSync(stateFile, base({}));
    writeFileSync(`${stateFile}.tmp`, '{"version":2,"seq":9');
    const exporter = make(stateFile);
    expect(existsSync(`${stateFile}.tmp`)).toBe(false);
    return exporter.stop();
  });
});

describe('settings that must not start the exporter (the built process)', () => {
  const MAIN = join(ROOT, 'exporter/dist/main.js');
  beforeAll(() => buildNodePackages(), 120_000);

  const run = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
      let stdout = '';
      let stderr = '';
      // A setting taken by mistake starts the exporter for real: stop it rather than wait for the test's timeout.
      const stop = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('close', (code) => {
        clearTimeout(stop);
        resolve({ code, stdout, stderr });
      });
    });

  const URL_ROWS: Array<[string, string[], Record<string, string>, string]> = [
    [
      'user and password in EMNIFY_API_URL (--config.check)',
      ['--config.check'],
      { EMNIFY_API_URL: 'https://jane:s3cret-pw@cdn.emnify.net' },
      'EMNIFY_API_URL (--emnify.url): "https://<credentials>@cdn.emnify.net" carries a user or password; the emnify API takes the application token only (EMNIFY_APPLICATION_TOKEN(_FILE)): remove them',
    ],
    [
      'user and password in EMNIFY_API_URL (a start)',
      [],
      { EMNIFY_API_URL: 'https://jane:s3cret-pw@cdn.emnify.net' },
      'EMNIFY_API_URL (--emnify.url): "https://<credentials>@cdn.emnify.net" carries a user or password; the emnify API takes the application token only (EMNIFY_APPLICATION_TOKEN(_FILE)): remove them',
    ],
    [
      'a password in a URL that does not parse',
      [],
      { EMNIFY_API_URL: 'https://jane:s3cret pw@cdn.emnify.net:99999' },
      'EMNIFY_API_URL (--emnify.url): "https://<credentials>@cdn.emnify.net:99999" is not a URL (expected e.g. https://cdn.emnify.net)',
    ],
    [
      'a password without a scheme',
      [],
      { EMNIFY_API_URL: 'jane:s3cret-pw@cdn.emnify.net' },
      'EMNIFY_API_URL (--emnify.url): "<credentials>@cdn.emnify.net" is not an http(s) URL',
    ],
    [
      'a token in the query',
      [],
      { EMNIFY_API_URL: 'https://cdn.emnify.net/?token=s3cret-pw' },
      'EMNIFY_API_URL (--emnify.url): "https://cdn.emnify.net/" has a query or fragment; give the base URL only (e.g. https://cdn.emnify.net)',
    ],
    [
      '--backfill=400d',
      ['--backfill=400d'],
      {},
      'EXPORTER_BACKFILL (--backfill): "400d" reaches further back than the 30 days emnify keeps events: at most 30d (the events before were deleted)',
    ],
    [
      '--backfill=31d',
      ['--backfill', '31d'],
      {},
      'EXPORTER_BACKFILL (--backfill): "31d" reaches further back than the 30 days emnify keeps events: at most 30d (the events before were deleted)',
    ],
  ];

  it.each(URL_ROWS)('%s: one line without the secret, exit code 2, nothing written', async (name, args, env, line) => {
    const stateDir = join(dir, `settings-${URL_ROWS.findIndex((r) => r[0] === name)}`);
    mkdirSync(stateDir);
    const r = await run(
      [...args, '--state.file', join(stateDir, 'state.json'), '--web.listen-address', '127.0.0.1:0'],
      {
        EMNIFY_APPLICATION_TOKEN: 'app-token-x',
        ...env,
      }
    );
    expect(r).toEqual({ code: 2, stdout: '', stderr: `emnify-events-exporter: ${line}\n` });
    expect(`${r.stdout}${r.stderr}`).not.toContain('s3cret');
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it('--backfill=30d is taken', async () => {
    const r = await run(['--config.check', '--backfill=30d', '--state.file', join(dir, 'backfill-30d.json')], {
      EMNIFY_APPLICATION_TOKEN: 'app-token-x',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('\n') + 1)).config.backfillMs).toBe(30 * 86_400_000);
  });
});
