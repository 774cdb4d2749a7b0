/**
 * The exporter's configuration: flags (parsed by node:util's parseArgs) over environment variables over
 * defaults, parsed and validated in one place. A bad setting throws a ConfigError with one line naming it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MAX_TIMER_MS, normalizeBaseUrl } from '@emnify-events/client';
import { parseByteSize } from './byteSize';
import { parseDuration } from './duration';
import { ConfigError } from './errors';
import { MODE_FLAGS, SETTINGS, Setting, SettingKey } from './settings';

// What others import from here (the stack test reads the variable names off SETTINGS).
export { ConfigError } from './errors';
export { SETTINGS, usage } from './settings';

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
  /** The events gateway (`/api/v1/...`); off without a token. */
  gateway?: {
    /** Bearer token its clients send. */
    token: string;
    /** Bound of its cache, in approximate bytes. */
    cacheBytes: number;
    /** How old an answer about time that still changes may be. */
    maxAgeMs: number;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** What the command line asks for: a mode, and the settings given as flags. */
export interface CommandLine {
  mode: 'run' | 'check' | 'help' | 'version';
  flags: Partial<Record<SettingKey, string>>;
}

const settingKeys = Object.keys(SETTINGS) as SettingKey[];

/** The shortest gateway token accepted: 16 characters (a hex token of 64 bits). */
export const MIN_GATEWAY_TOKEN_LENGTH = 16;

/** `EXPORTER_POLL_INTERVAL (--poll.interval)`: how errors name a setting. */
export function settingName(key: SettingKey): string {
  const s: Setting = SETTINGS[key];
  return s.flag ? `${s.env} (${s.flag})` : s.env;
}

/** Parses argv (`--flag value` and `--flag=value`; the last of a repeated flag wins). Needs no setting. */
export function parseCommandLine(argv: string[]): CommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const key of settingKeys) {
    const flag = (SETTINGS[key] as Setting).flag;
    if (flag) {
      options[flag.slice(2)] = { type: 'string' };
    }
  }
  for (const { flag } of MODE_FLAGS) {
    options[flag.slice(2)] = { type: 'boolean' };
  }
  options.help.short = 'h';
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (err) {
    if (String((err as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS_')) {
      throw new ConfigError(`${(err as Error).message} (see --help)`);
    }
    throw err;
  }
  const flags: CommandLine['flags'] = {};
  for (const key of settingKeys) {
    const flag = (SETTINGS[key] as Setting).flag;
    const value = flag ? values[flag.slice(2)] : undefined;
    if (typeof value === 'string') {
      flags[key] = value;
    }
  }
  const mode = values.help ? 'help' : values.version ? 'version' : values['config.check'] ? 'check' : 'run';
  return { mode, flags };
}

/**
 * Listen addresses as Prometheus exporters take them (Go's `host:port`, `:port`, `[v6]:port`); Node has
 * no parser for that form (URL needs a scheme), hence this one.
 */
export function parseListenAddress(text: string, name: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw new ConfigError(`${name}: "${text}" is not a listen address (expected host:port or :port, e.g. :8486)`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

/** The configuration from flags (first), environment and defaults. Throws ConfigError naming the setting. */
export function configFrom(
  flags: CommandLine['flags'],
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')
): ExporterConfig {
  const raw = (key: SettingKey): string | undefined => {
    const s: Setting = SETTINGS[key];
    const fromEnv = env[s.env];
    return flags[key] ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined) ?? s.default;
  };
  const name = settingName;
  const duration = (key: SettingKey, min: number): number => {
    const text = raw(key)!;
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (err) {
      throw new ConfigError(`${name(key)}: ${(err as Error).message}`);
    }
    if (ms < min) {
      throw new ConfigError(`${name(key)}: "${text}" is shorter than the minimum ${min} ms`);
    }
    return ms;
  };
  /** A duration a timer waits: at most 2^31-1 ms (24.8 days), past which Node fires timers after 1 ms. */
  const timerDuration = (key: SettingKey, min: number): number => {
    const ms = duration(key, min);
    if (ms > MAX_TIMER_MS) {
      throw new ConfigError(
        `${name(key)}: "${raw(key)!}" is longer than a timer can wait (2147483647 ms, about 24.8 days; Node would fire it after 1 ms)`
      );
    }
    return ms;
  };
  const integer = (key: SettingKey, min: number, max: number): number => {
    const text = raw(key)!;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name(key)}: "${text}" is not a whole number from ${min} to ${max}`);
    }
    return n;
  };
  const secret = (valueKey: SettingKey, fileKey: SettingKey, required: boolean): string | undefined => {
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
  const list = (key: SettingKey): string[] =>
    raw(key)!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);

  const apiUrl = checkApiUrl(raw('apiUrl')!);
  const dropLabels = list('dropLabels');
  for (const label of dropLabels) {
    if (label !== 'operator' && label !== 'country') {
      throw new ConfigError(`${name('dropLabels')}: "${label}" cannot be dropped (expected operator, country or both)`);
    }
  }
  const eventTypes = list('eventTypes').map((s) => {
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
  const applicationToken = secret('token', 'tokenFile', true)!;
  const dataStreamerToken = secret('dsToken', 'dsTokenFile', false);
  const gatewayToken = secret('gatewayToken', 'gatewayTokenFile', false);
  if (gatewayToken !== undefined) {
    if (gatewayToken.length < MIN_GATEWAY_TOKEN_LENGTH || /\s/.test(gatewayToken)) {
      throw new ConfigError(
        `${name('gatewayToken')}: the gateway token must be at least ${MIN_GATEWAY_TOKEN_LENGTH} characters without blanks (it guards every event of the organisation; e.g. openssl rand -hex 32)`
      );
    }
    if (gatewayToken === applicationToken || gatewayToken === dataStreamerToken) {
      throw new ConfigError(
        `${name('gatewayToken')}: must differ from the application token and the Data Streamer token (each is given to someone else)`
      );
    }
  }
  let cacheBytes: number;
  try {
    cacheBytes = parseByteSize(raw('gatewayCacheSize')!);
  } catch (err) {
    throw new ConfigError(`${name('gatewayCacheSize')}: ${(err as Error).message}`);
  }
  if (cacheBytes < 2 ** 20) {
    throw new ConfigError(`${name('gatewayCacheSize')}: "${raw('gatewayCacheSize')!}" is below the minimum 1MB`);
  }
  const config: ExporterConfig = {
    apiUrl,
    applicationToken,
    listen: parseListenAddress(raw('listen')!, name('listen')),
    pollIntervalMs: timerDuration('pollInterval', 1000),
    stateFile: raw('stateFile')!,
    backfillMs: duration('backfill', 0),
    overlapMs: duration('overlap', 1000),
    settleMs: duration('settle', 0),
    maxWindowMs: duration('maxWindow', 60_000),
    maxWindowEvents: integer('maxWindowEvents', 1000, 10_000_000),
    pageSize: integer('pageSize', 1, 1000),
    pageConcurrency: integer('pageConcurrency', 1, 8),
    dropLabels: dropLabels as DroppableLabel[],
    eventTypes,
    webConfigFile: raw('webConfig') || undefined,
    dataStreamerToken,
    gateway: gatewayToken ? { token: gatewayToken, cacheBytes, maxAgeMs: duration('gatewayMaxAge', 1000) } : undefined,
    logLevel: logLevel as ExporterConfig['logLevel'],
  };
  if (config.backfillMs > MAX_BACKFILL_MS) {
    throw new ConfigError(
      `${name('backfill')}: "${raw('backfill')!}" reaches further back than the 30 days emnify keeps events: at most 30d (the events before were deleted)`
    );
  }
  if (config.maxWindowMs <= config.overlapMs) {
    throw new ConfigError(`${name('maxWindow')}: must be longer than ${name('overlap')} (${config.overlapMs} ms)`);
  }
  return config;
}

/** The longest `--backfill`: the 30 days emnify keeps events (emnify-api.md §6.2). */
export const MAX_BACKFILL_MS = 30 * 86_400_000;

/** A URL's text with its user and password (what comes before an `@` of the authority) blanked out, for messages. */
export function withoutUrlCredentials(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1<credentials>@');
}

/**
 * The API base URL, checked by the shared client's own rule (http or https, no query, fragment or
 * credentials: the emnify API takes the application token only). Messages never repeat credentials.
 */
function checkApiUrl(text: string): string {
  const name = settingName('apiUrl');
  const shown = withoutUrlCredentials(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${name}: "${shown}" is not a URL (expected e.g. https://cdn.emnify.net)`);
  }
  if (url.username || url.password) {
    throw new ConfigError(
      `${name}: "${shown}" carries a user or password; the emnify API takes the application token only (EMNIFY_APPLICATION_TOKEN(_FILE)): remove them`
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name}: "${shown}" is not an http(s) URL`);
  }
  if (url.search || url.hash) {
    throw new ConfigError(
      `${name}: "${shown.replace(/[?#].*$/, '')}" has a query or fragment; give the base URL only (e.g. https://cdn.emnify.net)`
    );
  }
  try {
    return normalizeBaseUrl(text);
  } catch (err) {
    throw new ConfigError(`${name}: ${withoutUrlCredentials((err as Error).message)}`);
  }
}

/** The configuration from argv and environment (for programs that only run the exporter: tests, benchmarks). */
export function loadConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
  readFile?: (path: string) => string
): ExporterConfig {
  return configFrom(parseCommandLine(argv).flags, env, readFile);
}

/** The effective configuration for the start-up line and `--config.check`: secrets as whether they are set. */
export function describeConfig(config: ExporterConfig): Record<string, unknown> {
  const { applicationToken, dataStreamerToken, gateway, ...rest } = config;
  return {
    ...rest,
    webConfigFile: rest.webConfigFile ?? null,
    applicationToken: applicationToken ? '<set>' : '<unset>',
    dataStreamerToken: dataStreamerToken ? '<set>' : '<unset>',
    gateway: gateway ? { ...gateway, token: '<set>' } : null,
  };
}
