/**
 * The exporter's configuration: every setting is an environment variable and a flag (flags win),
 * parsed, defaulted and validated in one place. A bad setting stops start-up with one line that names it.
 */
import { readFileSync } from 'node:fs';
import { parseDuration } from '@emnify-events/client';

export type DroppableLabel = 'operator' | 'country';

export interface ExporterConfig {
  apiUrl: string;
  /** The application token. Never logged: see `describeConfig`. */
  applicationToken: string;
  listen: { host: string; port: number };
  pollIntervalMs: number;
  stateFile: string;
  backfillMs: number;
  /** How far before the watermark each poll starts again (covers events that show up late). */
  overlapMs: number;
  /** How far behind "now" each poll ends (lets the platform settle). */
  settleMs: number;
  /** The longest window one poll covers; a longer backlog is caught up window by window. */
  maxWindowMs: number;
  /** The most events one window may hold; a denser window is shortened. */
  maxWindowEvents: number;
  pageSize: number;
  /** Pages fetched in parallel after the first. */
  pageConcurrency: number;
  dropLabels: DroppableLabel[];
  /** Only count these event type ids (empty: all). */
  eventTypes: number[];
  webConfigFile?: string;
  /** Bearer token the Data Streamer must send to POST /datastreamer; the endpoint is off without it. */
  dataStreamerToken?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  checkOnly: boolean;
}

export class ConfigError extends Error {}

interface Setting {
  env: string;
  flag: string;
  help: string;
  default?: string;
}

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
    help: 'how far back the very first start counts',
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
  logLevel: { env: 'EXPORTER_LOG_LEVEL', flag: '--log.level', default: 'info', help: 'debug, info, warn or error' },
} satisfies Record<string, Setting>;

type Key = keyof typeof SETTINGS;

function parseArgs(argv: string[]): { values: Map<string, string>; checkOnly: boolean; help: boolean } {
  const values = new Map<string, string>();
  let checkOnly = false;
  let help = false;
  const known = new Set(
    Object.values(SETTINGS)
      .map((s: Setting) => s.flag)
      .filter(Boolean)
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config.check') {
      checkOnly = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.has(flag)) {
      throw new ConfigError(`unknown flag ${flag} (see --help)`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      throw new ConfigError(`${flag} needs a value`);
    }
    values.set(flag, value);
  }
  return { values, checkOnly, help };
}

export function usage(): string {
  const rows = Object.values(SETTINGS).map(
    (s: Setting) =>
      `  ${(s.flag || '(env only)').padEnd(26)} ${s.env.padEnd(34)} ${s.help}${s.default !== undefined && s.default !== '' ? ` (default ${s.default})` : ''}`
  );
  return [
    'Usage: emnify-events-exporter [flags]',
    '',
    ...rows,
    '  --config.check             validate the configuration and exit',
  ].join('\n');
}

export function parseListenAddress(text: string, name: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ConfigError(`${name}: "${text}" is not a listen address (expected host:port or :port, e.g. :8486)`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

/** Loads the configuration from flags (first) and environment. Throws ConfigError naming the setting. */
export function loadConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')
): ExporterConfig & { help: boolean } {
  const args = parseArgs(argv);
  const raw = (key: Key): string | undefined => {
    const s: Setting = SETTINGS[key];
    return (
      (s.flag ? args.values.get(s.flag) : undefined) ??
      (env[s.env] !== undefined && env[s.env] !== '' ? env[s.env] : undefined) ??
      s.default
    );
  };
  const name = (key: Key) => (SETTINGS[key].flag ? `${SETTINGS[key].env} (${SETTINGS[key].flag})` : SETTINGS[key].env);
  const duration = (key: Key, min: number): number => {
    const text = raw(key)!;
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch {
      throw new ConfigError(`${name(key)}: "${text}" is not a duration (expected e.g. 30s, 5m, 1h)`);
    }
    if (ms < min) {
      throw new ConfigError(`${name(key)}: "${text}" is shorter than the minimum ${min} ms`);
    }
    return ms;
  };
  const integer = (key: Key, min: number, max: number): number => {
    const text = raw(key)!;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name(key)}: "${text}" is not a whole number from ${min} to ${max}`);
    }
    return n;
  };
  const secret = (valueKey: Key, fileKey: Key, required: boolean): string | undefined => {
    const file = raw(fileKey);
    const value = raw(valueKey);
    if (file && value) {
      throw new ConfigError(`${name(valueKey)} and ${name(fileKey)} are both set: set only one`);
    }
    if (file) {
      let text: string;
      try {
        text = readFile(file);
      } catch (err) {
        throw new ConfigError(
          `${name(fileKey)}: cannot read "${file}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
        );
      }
      const token = text.trim();
      if (!token) {
        throw new ConfigError(`${name(fileKey)}: "${file}" is empty`);
      }
      return token;
    }
    if (value !== undefined && value.trim() === '' && required) {
      throw new ConfigError(`${name(valueKey)}: must not be empty`);
    }
    if (required && !value) {
      throw new ConfigError(`${name(valueKey)} or ${name(fileKey)} must be set: the emnify application token`);
    }
    return value?.trim() || undefined;
  };

  const apiUrl = raw('apiUrl')!;
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new ConfigError(`${name('apiUrl')}: "${apiUrl}" is not a URL (expected e.g. https://cdn.emnify.net)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name('apiUrl')}: "${apiUrl}" is not an http(s) URL`);
  }

  const dropLabels = raw('dropLabels')!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const label of dropLabels) {
    if (label !== 'operator' && label !== 'country') {
      throw new ConfigError(`${name('dropLabels')}: "${label}" cannot be dropped (expected operator, country or both)`);
    }
  }
  const eventTypes = raw('eventTypes')!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      if (!/^\d+$/.test(s)) {
        throw new ConfigError(`${name('eventTypes')}: "${s}" is not an event type id (expected e.g. 3,5)`);
      }
      return Number(s);
    });
  if (eventTypes.length > 6) {
    throw new ConfigError(
      `${name('eventTypes')}: ${eventTypes.length} ids given; the emnify API filters at most 6 types`
    );
  }
  const logLevel = raw('logLevel')!;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new ConfigError(`${name('logLevel')}: "${logLevel}" is not debug, info, warn or error`);
  }
  const pollIntervalMs = duration('pollInterval', 1000);
  const overlapMs = duration('overlap', 1000);
  const config = {
    apiUrl: url.toString().replace(/\/+$/, ''),
    applicationToken: secret('token', 'tokenFile', true)!,
    listen: parseListenAddress(raw('listen')!, name('listen')),
    pollIntervalMs,
    stateFile: raw('stateFile')!,
    backfillMs: duration('backfill', 0),
    overlapMs,
    settleMs: duration('settle', 0),
    maxWindowMs: duration('maxWindow', 60_000),
    maxWindowEvents: integer('maxWindowEvents', 1000, 10_000_000),
    pageSize: integer('pageSize', 1, 1000),
    pageConcurrency: integer('pageConcurrency', 1, 8),
    dropLabels: dropLabels as DroppableLabel[],
    eventTypes,
    webConfigFile: raw('webConfig') || undefined,
    dataStreamerToken: secret('dsToken', 'dsTokenFile', false),
    logLevel: logLevel as ExporterConfig['logLevel'],
    checkOnly: args.checkOnly,
    help: args.help,
  };
  if (config.maxWindowMs <= config.overlapMs) {
    throw new ConfigError(`${name('maxWindow')}: must be longer than ${name('overlap')} (${config.overlapMs} ms)`);
  }
  return config;
}

/** The effective configuration for the start-up log line: secrets replaced by whether they are set. */
export function describeConfig(config: ExporterConfig): Record<string, unknown> {
  const { applicationToken, dataStreamerToken, ...rest } = config;
  return {
    ...rest,
    applicationToken: applicationToken ? '<set>' : '<unset>',
    dataStreamerToken: dataStreamerToken ? '<set>' : '<unset>',
  };
}
