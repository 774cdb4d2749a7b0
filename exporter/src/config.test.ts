import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, SETTINGS, describeConfig, loadConfig, parseCommandLine, parseListenAddress } from './config';

const TOKEN = { EMNIFY_APPLICATION_TOKEN: 'app-token-123' };

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) {
      return err.message;
    }
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('fills every default', () => {
    const c = loadConfig([], TOKEN);
    expect(c).toMatchObject({
      apiUrl: 'https://cdn.emnify.net',
      applicationToken: 'app-token-123',
      listen: { host: '', port: 8486 },
      pollIntervalMs: 30_000,
      stateFile: './emnify-exporter-state.json',
      backfillMs: 3_600_000,
      overlapMs: 300_000,
      settleMs: 10_000,
      maxWindowMs: 86_400_000,
      maxWindowEvents: 20_000,
      pageSize: 1000,
      pageConcurrency: 2,
      dropLabels: [],
      eventTypes: [],
      logLevel: 'info',
    });
    expect(c.dataStreamerToken).toBeUndefined();
  });

  it('takes flags over environment variables', () => {
    const c = loadConfig(
      [
        '--poll.interval',
        '1m',
        '--web.listen-address=127.0.0.1:9000',
        '--labels.drop',
        'operator',
        '--events.types',
        '3,5',
      ],
      {
        ...TOKEN,
        EXPORTER_POLL_INTERVAL: '5m',
        EMNIFY_API_URL: 'http://127.0.0.1:8485/',
      }
    );
    expect(c).toMatchObject({
      pollIntervalMs: 60_000,
      listen: { host: '127.0.0.1', port: 9000 },
      dropLabels: ['operator'],
      eventTypes: [3, 5],
      apiUrl: 'http://127.0.0.1:8485',
    });
  });

  it('reads the token from a file and never shows it in the described config', () => {
    const c = loadConfig(['--emnify.token-file', '/run/secrets/emnify'], {}, () => '  file-token-456\n');
    expect(c.applicationToken).toBe('file-token-456');
    expect(JSON.stringify(describeConfig(c))).not.toContain('file-token-456');
    expect(describeConfig(c).applicationToken).toBe('<set>');
  });

  it.each([
    [
      [],
      {},
      'EMNIFY_APPLICATION_TOKEN or EMNIFY_APPLICATION_TOKEN_FILE (--emnify.token-file) must be set: the emnify application token',
    ],
    [
      ['--poll.interval', 'often'],
      TOKEN,
      'EXPORTER_POLL_INTERVAL (--poll.interval): "often" is not a duration (e.g. 0, 500ms, 30s, 5m, 1h30m, 7d: units y w d h m s ms, largest first)',
    ],
    [
      ['--poll.interval', '100ms'],
      TOKEN,
      'EXPORTER_POLL_INTERVAL (--poll.interval): "100ms" is shorter than the minimum 1000 ms',
    ],
    [
      ['--poll.interval', '25d'],
      TOKEN,
      'EXPORTER_POLL_INTERVAL (--poll.interval): "25d" is longer than a timer can wait (2147483647 ms, about 24.8 days; Node would fire it after 1 ms)',
    ],
    [
      ['--web.listen-address', '8486'],
      TOKEN,
      'EXPORTER_LISTEN_ADDRESS (--web.listen-address): "8486" is not a listen address (expected host:port or :port, e.g. :8486)',
    ],
    [
      ['--emnify.url', 'cdn.emnify.net'],
      TOKEN,
      'EMNIFY_API_URL (--emnify.url): "cdn.emnify.net" is not a URL (expected e.g. https://cdn.emnify.net)',
    ],
    [
      ['--labels.drop', 'event_type'],
      TOKEN,
      'EXPORTER_DROP_LABELS (--labels.drop): "event_type" cannot be dropped (expected operator, country or both)',
    ],
    [
      ['--events.types', 'attach'],
      TOKEN,
      'EXPORTER_EVENT_TYPES (--events.types): "attach" is not an event type id (expected e.g. 3,5)',
    ],
    [
      ['--poll.page-size', '5000'],
      TOKEN,
      'EXPORTER_PAGE_SIZE (--poll.page-size): "5000" is not a whole number from 1 to 1000',
    ],
    [
      ['--poll.max-window', '1m', '--poll.overlap', '5m'],
      TOKEN,
      'EXPORTER_POLL_MAX_WINDOW (--poll.max-window): must be longer than EXPORTER_POLL_OVERLAP (--poll.overlap) (300000 ms)',
    ],
    [['--nope'], TOKEN, "Unknown option '--nope' (see --help)"],
    [
      ['--emnify.token-file', '/x'],
      TOKEN,
      'EMNIFY_APPLICATION_TOKEN and EMNIFY_APPLICATION_TOKEN_FILE (--emnify.token-file) are both set: set only one',
    ],
  ])('rejects %j with one line naming the setting', (argv, env, message) => {
    expect(configError(() => loadConfig(argv as string[], env as NodeJS.ProcessEnv, () => 'x'))).toBe(message);
  });

  it('takes a poll interval up to the longest timer (24 days), not past it', () => {
    expect(loadConfig(['--poll.interval', '24d'], TOKEN).pollIntervalMs).toBe(24 * 86_400_000);
  });

  it('says which token file cannot be read', () => {
    const message = configError(() =>
      loadConfig(['--emnify.token-file', '/missing'], {}, () => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      })
    );
    expect(message).toBe('EMNIFY_APPLICATION_TOKEN_FILE (--emnify.token-file): cannot read "/missing" (ENOENT)');
  });

  it('turns the events gateway on with its token (file), a cache size and max-age; off without a token', () => {
    expect(loadConfig([], TOKEN).gateway).toBeUndefined();
    const c = loadConfig(
      ['--gateway.token-file', '/run/secrets/gateway', '--gateway.cache-size', '64MB', '--gateway.max-age', '10s'],
      TOKEN,
      () => ' 0123456789abcdef0123\n'
    );
    expect(c.gateway).toEqual({ token: '0123456789abcdef0123', cacheBytes: 64 * 2 ** 20, maxAgeMs: 10_000 });
    expect(describeConfig(c).gateway).toEqual({ token: '<set>', cacheBytes: 64 * 2 ** 20, maxAgeMs: 10_000 });
    expect(loadConfig([], { ...TOKEN, EXPORTER_GATEWAY_TOKEN: 'x'.repeat(16) }).gateway).toEqual({
      token: 'x'.repeat(16),
      cacheBytes: 256 * 2 ** 20,
      maxAgeMs: 30_000,
    });
  });

  it.each([
    [
      { EXPORTER_GATEWAY_TOKEN: 'short-token' },
      'EXPORTER_GATEWAY_TOKEN: the gateway token must be at least 16 characters without blanks (it guards every event of the organisation; e.g. openssl rand -hex 32)',
    ],
    [
      { EXPORTER_GATEWAY_TOKEN: 'a token with blanks in it' },
      'EXPORTER_GATEWAY_TOKEN: the gateway token must be at least 16 characters without blanks (it guards every event of the organisation; e.g. openssl rand -hex 32)',
    ],
    [
      { EMNIFY_APPLICATION_TOKEN: 'same-token-0123456789', EXPORTER_GATEWAY_TOKEN: 'same-token-0123456789' },
      'EXPORTER_GATEWAY_TOKEN: must differ from the application token and the Data Streamer token (each is given to someone else)',
    ],
    [
      { EXPORTER_DATASTREAMER_TOKEN: 'same-token-0123456789', EXPORTER_GATEWAY_TOKEN: 'same-token-0123456789' },
      'EXPORTER_GATEWAY_TOKEN: must differ from the application token and the Data Streamer token (each is given to someone else)',
    ],
    [
      { EXPORTER_GATEWAY_CACHE_SIZE: '256' },
      'EXPORTER_GATEWAY_CACHE_SIZE (--gateway.cache-size): "256" is not a size (expected a whole number and a unit: B, KB, MB, GB, TB (powers of 1024; KiB, MiB... too), e.g. 256MB)',
    ],
    [
      { EXPORTER_GATEWAY_CACHE_SIZE: '1.5GB' },
      'EXPORTER_GATEWAY_CACHE_SIZE (--gateway.cache-size): "1.5GB" is not a size (expected a whole number and a unit: B, KB, MB, GB, TB (powers of 1024; KiB, MiB... too), e.g. 256MB)',
    ],
    [
      { EXPORTER_GATEWAY_CACHE_SIZE: '512KB' },
      'EXPORTER_GATEWAY_CACHE_SIZE (--gateway.cache-size): "512KB" is below the minimum 1MB',
    ],
    [
      { EXPORTER_GATEWAY_TOKEN: 'x'.repeat(16), EXPORTER_GATEWAY_MAX_AGE: '500ms' },
      'EXPORTER_GATEWAY_MAX_AGE (--gateway.max-age): "500ms" is shorter than the minimum 1000 ms',
    ],
  ])('refuses the gateway setting %j', (env, message) => {
    expect(configError(() => loadConfig([], { ...TOKEN, ...env }))).toBe(message);
  });

  it('reads sizes as Prometheus does: powers of 1024 in either spelling', () => {
    const size = (text: string) => loadConfig(['--gateway.cache-size', text], TOKEN);
    expect(configError(() => size('0MB'))).toBe(
      'EXPORTER_GATEWAY_CACHE_SIZE (--gateway.cache-size): "0MB" is below the minimum 1MB'
    );
    const bytes = (text: string) => {
      const c = loadConfig(['--gateway.cache-size', text], { ...TOKEN, EXPORTER_GATEWAY_TOKEN: 'x'.repeat(16) });
      return c.gateway?.cacheBytes;
    };
    expect([bytes('1MB'), bytes('1MiB'), bytes('2gb'), bytes('3072KiB'), bytes('1048576B')]).toEqual([
      2 ** 20,
      2 ** 20,
      2 * 2 ** 30,
      3 * 2 ** 20,
      2 ** 20,
    ]);
  });

  it('parses listen addresses', () => {
    expect(parseListenAddress(':8486', 'x')).toEqual({ host: '', port: 8486 });
    expect(parseListenAddress('[::1]:80', 'x')).toEqual({ host: '::1', port: 80 });
    expect(parseListenAddress('0.0.0.0:1', 'x')).toEqual({ host: '0.0.0.0', port: 1 });
  });

  it('takes Prometheus durations: a bare 0, and units largest first', () => {
    expect(loadConfig(['--backfill', '0', '--poll.settle', '0s', '--poll.interval', '1m30s'], TOKEN)).toMatchObject({
      backfillMs: 0,
      settleMs: 0,
      pollIntervalMs: 90_000,
    });
    expect(configError(() => loadConfig(['--poll.interval', '30s1m'], TOKEN))).toBe(
      'EXPORTER_POLL_INTERVAL (--poll.interval): "30s1m" is not a duration (e.g. 0, 500ms, 30s, 5m, 1h30m, 7d: units y w d h m s ms, largest first)'
    );
    expect(configError(() => loadConfig([], { ...TOKEN, EXPORTER_BACKFILL: '1.5h' }))).toBe(
      'EXPORTER_BACKFILL (--backfill): "1.5h" is not a duration (e.g. 0, 500ms, 30s, 5m, 1h30m, 7d: units y w d h m s ms, largest first)'
    );
  });
});

describe('parseCommandLine', () => {
  it.each([
    [['--help'], 'help'],
    [['-h'], 'help'],
    [['--version'], 'version'],
    [['--config.check'], 'check'],
    [['--config.check', '--help'], 'help'],
    [[], 'run'],
  ])('%j selects the mode %s, with no setting needed', (argv, mode) => {
    expect(parseCommandLine(argv)).toEqual({ mode, flags: {} });
  });

  it('maps flags to settings, --flag value and --flag=value alike; the last of a repeated flag wins', () => {
    expect(
      parseCommandLine(['--poll.interval', '1m', '--web.listen-address=:9000', '--poll.interval=2m', '--config.check'])
    ).toEqual({ mode: 'check', flags: { pollInterval: '2m', listen: ':9000' } });
  });

  it.each([
    [['--poll.interval'], "Option '--poll.interval <value>' argument missing (see --help)"],
    [['serve'], "Unexpected argument 'serve'. This command does not take positional arguments (see --help)"],
    [['--version=1'], "Option '--version' does not take an argument (see --help)"],
  ])('refuses %j in one line', (argv, message) => {
    expect(configError(() => parseCommandLine(argv))).toBe(message);
  });
});

describe('the README', () => {
  it("lists every setting in its table with the code's variable, flag and default", () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const rows = readme
      .split('\n')
      .filter((line) => /^\| `[A-Z_]+` /.test(line))
      .map((line) => line.split('|').map((cell) => cell.trim()));
    const code = (cell: string) => /^`([^`]+)`$/.exec(cell)?.[1] ?? '';
    expect(rows.map(([, env, flag, fallback]) => [code(env), code(flag), code(fallback)])).toEqual(
      Object.values(SETTINGS).map((s) => [s.env, s.flag, 'default' in s ? s.default : ''])
    );
  });
});
