import { ConfigError, describeConfig, loadConfig, parseListenAddress } from './config';

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

  it('says which token file cannot be read', () => {
    const message = configError(() =>
      loadConfig(['--emnify.token-file', '/missing'], {}, () => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      })
    );
    expect(message).toBe('EMNIFY_APPLICATION_TOKEN_FILE (--emnify.token-file): cannot read "/missing" (ENOENT)');
  });

  it('parses listen addresses', () => {
    expect(parseListenAddress(':8486', 'x')).toEqual({ host: '', port: 8486 });
    expect(parseListenAddress('[::1]:80', 'x')).toEqual({ host: '::1', port: 80 });
    expect(parseListenAddress('0.0.0.0:1', 'x')).toEqual({ host: '0.0.0.0', port: 1 });
  });
});
