/**
 * Every setting of the exporter: its environment variable, its flag (none for the tokens themselves: a
 * token in argv is visible to every local user), default and one-line help. The source of `--help`, of
 * the flag parser's options, and of the README's table.
 */
import { DURATION_SYNTAX } from './duration';

export interface Setting {
  env: string;
  /** `--name`, or '' for a setting only the environment can give. */
  flag: string;
  help: string;
  default?: string;
}

/** Flags that select a mode instead of setting something. */
export const MODE_FLAGS = [
  { flag: '--config.check', help: 'check the configuration (settings, files, directories, state) and exit' },
  { flag: '--version', help: 'print the version and exit' },
  { flag: '--help', help: 'print this help and exit (also -h)' },
] as const;

/** Every setting, in the order of the README's table. */
export const SETTINGS = {
  apiUrl: {
    env: 'EMNIFY_API_URL',
    flag: '--emnify.url',
    default: 'https://cdn.emnify.net',
    help: 'emnify API base URL',
  },
  token: {
    env: 'EMNIFY_APPLICATION_TOKEN',
    flag: '',
    help: 'the application token (no flag: a token in argv is visible to every local user)',
  },
  tokenFile: {
    env: 'EMNIFY_APPLICATION_TOKEN_FILE',
    flag: '--emnify.token-file',
    help: 'file holding the application token (Docker secrets)',
  },
  listen: {
    env: 'EXPORTER_LISTEN_ADDRESS',
    flag: '--web.listen-address',
    default: ':8486',
    help: 'address to serve /metrics on',
  },
  webConfig: {
    env: 'EXPORTER_WEB_CONFIG_FILE',
    flag: '--web.config.file',
    help: 'exporter-toolkit web-config.yml (TLS, basic auth)',
  },
  pollInterval: {
    env: 'EXPORTER_POLL_INTERVAL',
    flag: '--poll.interval',
    default: '30s',
    help: 'time between polls of the Event API',
  },
  stateFile: {
    env: 'EXPORTER_STATE_FILE',
    flag: '--state.file',
    default: './emnify-exporter-state.json',
    help: 'where the state lives',
  },
  backfill: {
    env: 'EXPORTER_BACKFILL',
    flag: '--backfill',
    default: '1h',
    help: 'how far back the very first start counts (at most 30d: what emnify keeps)',
  },
  overlap: {
    env: 'EXPORTER_POLL_OVERLAP',
    flag: '--poll.overlap',
    default: '5m',
    help: 'how far each poll reaches back before the watermark',
  },
  settle: {
    env: 'EXPORTER_POLL_SETTLE',
    flag: '--poll.settle',
    default: '10s',
    help: 'how far behind now each poll ends',
  },
  maxWindow: {
    env: 'EXPORTER_POLL_MAX_WINDOW',
    flag: '--poll.max-window',
    default: '1d',
    help: 'longest window of one poll (catch-up step)',
  },
  maxWindowEvents: {
    env: 'EXPORTER_POLL_MAX_WINDOW_EVENTS',
    flag: '--poll.max-window-events',
    default: '20000',
    help: 'most events past the watermark in one window (the overlap is read whole on top); denser windows are shortened',
  },
  pageSize: {
    env: 'EXPORTER_PAGE_SIZE',
    flag: '--poll.page-size',
    default: '1000',
    help: 'per_page asked of the API (it may clamp)',
  },
  pageConcurrency: {
    env: 'EXPORTER_PAGE_CONCURRENCY',
    flag: '--poll.page-concurrency',
    default: '2',
    help: 'pages fetched in parallel',
  },
  dropLabels: {
    env: 'EXPORTER_DROP_LABELS',
    flag: '--labels.drop',
    default: '',
    help: 'labels to drop: operator, country or both (comma-separated)',
  },
  eventTypes: {
    env: 'EXPORTER_EVENT_TYPES',
    flag: '--events.types',
    default: '',
    help: 'event type ids to count, comma-separated (empty: all)',
  },
  dsToken: {
    env: 'EXPORTER_DATASTREAMER_TOKEN',
    flag: '',
    help: 'bearer token the Data Streamer sends to POST /datastreamer',
  },
  dsTokenFile: {
    env: 'EXPORTER_DATASTREAMER_TOKEN_FILE',
    flag: '--datastreamer.token-file',
    help: 'file holding that token',
  },
  gatewayToken: {
    env: 'EXPORTER_GATEWAY_TOKEN',
    flag: '',
    help: 'bearer token clients of the events gateway (/api/v1) send; the gateway is off without it',
  },
  gatewayTokenFile: {
    env: 'EXPORTER_GATEWAY_TOKEN_FILE',
    flag: '--gateway.token-file',
    help: 'file holding that token',
  },
  gatewayCacheSize: {
    env: 'EXPORTER_GATEWAY_CACHE_SIZE',
    flag: '--gateway.cache-size',
    default: '256MB',
    help: 'bound of the events gateway cache (approximate bytes, powers of 1024)',
  },
  gatewayMaxAge: {
    env: 'EXPORTER_GATEWAY_MAX_AGE',
    flag: '--gateway.max-age',
    default: '30s',
    help: 'how old a gateway answer about time that still changes may be',
  },
  logLevel: { env: 'EXPORTER_LOG_LEVEL', flag: '--log.level', default: 'info', help: 'debug, info, warn or error' },
} satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;

/** `--help`: every flag with its variable, default and meaning. */
export function usage(): string {
  const settings = Object.values(SETTINGS).map((s: Setting) => {
    const fallback = s.default !== undefined && s.default !== '' ? ` (default ${s.default})` : '';
    return `  ${(s.flag || '(env only)').padEnd(26)} ${s.env.padEnd(34)} ${s.help}${fallback}`;
  });
  return [
    'Usage: emnify-events-exporter [flags]',
    '',
    'Counts emnify events exactly once and serves them to Prometheus. Every setting is a flag and an',
    'environment variable; a flag wins. Durations are written as in Prometheus:',
    `${DURATION_SYNTAX}.`,
    '',
    '  flag                       environment variable               meaning',
    ...settings,
    '',
    ...MODE_FLAGS.map((m) => `  ${m.flag.padEnd(26)} ${m.help}`),
  ].join('\n');
}
