/** Simulator settings from the environment: one function, defaults in one place, one clear line per bad value. */
import { parseDuration } from './duration';
import { DurationError, SettingError } from './errors';
import type { Faults } from './faults';
import { ORGANISATION } from './world';

export interface SimulatorOptions {
  host?: string;
  /** 0 = an ephemeral port. */
  port?: number;
  applicationToken?: string;
  /** The organisation (workspace) of the application token: id and name of every event's `organisation`. */
  organisationId?: number;
  organisationName?: string;
  seed?: number;
  historyMs?: number;
  historyEvents?: number;
  /** Live rate; 0 = history only. */
  eventsPerSecond?: number;
  lateFraction?: number;
  maxLatenessMs?: number;
  /** When live events get their ids: as they become visible (default) or as they happen. */
  idOrder?: 'visibility' | 'timestamp';
  tokenLifetimeSeconds?: number;
  maxPerPage?: number;
  drift?: boolean;
  rateLimits?: boolean;
  faults?: Partial<Faults>;
  /** Injectable clock, default Date.now. */
  now?: () => number;
}

export const DEMO_APPLICATION_TOKEN = 'emnify-simulator-demo-token';

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8485,
  applicationToken: DEMO_APPLICATION_TOKEN,
  organisationId: ORGANISATION.id,
  organisationName: ORGANISATION.name,
  seed: 1,
  eventsPerSecond: 1,
  historyMs: 7 * 86_400_000,
  historyEvents: 20_000,
  tokenLifetimeSeconds: 4 * 3600,
  maxPerPage: 1000,
  drift: true,
  rateLimits: false,
  lateFraction: 0.1,
  maxLatenessMs: 20_000,
  idOrder: 'visibility',
} as const;

const MAX_HISTORY_MS = 30 * 86_400_000;

export type ResolvedOptions = Required<Omit<SimulatorOptions, 'faults'>> & { faults: Partial<Faults> };

/**
 * Programmatic options with defaults filled in. Throws a SettingError naming the option for values that
 * make no sense (negative counts, shares outside 0..1, history beyond the 30-day retention...).
 */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const o: ResolvedOptions = { ...DEFAULTS, now: Date.now, faults: {}, ...stripUndefined(options) };
  const check = (name: keyof SimulatorOptions, ok: boolean, expected: string) => {
    if (!ok) {
      throw new SettingError(`${name}: ${JSON.stringify(o[name])} is not ${expected}`);
    }
  };
  const whole = (n: number, min: number) => Number.isSafeInteger(n) && n >= min;
  const share = (n: number) => Number.isFinite(n) && n >= 0 && n <= 1;
  check('port', whole(o.port, 0) && o.port <= 65535, 'a port number (0-65535)');
  check(
    'applicationToken',
    typeof o.applicationToken === 'string' && o.applicationToken.trim() !== '',
    'a non-empty token'
  );
  check('organisationId', whole(o.organisationId, 1), 'a whole number of 1 or more');
  check(
    'organisationName',
    typeof o.organisationName === 'string' && o.organisationName.trim() !== '',
    'a non-empty name'
  );
  check('seed', whole(o.seed, 0), 'a whole number of 0 or more');
  check(
    'historyMs',
    Number.isFinite(o.historyMs) && o.historyMs >= 0 && o.historyMs <= MAX_HISTORY_MS,
    'between 0 and 30 days in ms'
  );
  check('historyEvents', whole(o.historyEvents, 0), 'a whole number of 0 or more');
  check('eventsPerSecond', Number.isFinite(o.eventsPerSecond) && o.eventsPerSecond >= 0, 'a rate of 0 or more');
  check('lateFraction', share(o.lateFraction), 'a share between 0 and 1');
  check('maxLatenessMs', Number.isFinite(o.maxLatenessMs) && o.maxLatenessMs >= 0, 'a number of ms of 0 or more');
  check('idOrder', o.idOrder === 'visibility' || o.idOrder === 'timestamp', '"visibility" or "timestamp"');
  check('tokenLifetimeSeconds', whole(o.tokenLifetimeSeconds, 1), 'a whole number of seconds of 1 or more');
  check('maxPerPage', whole(o.maxPerPage, 1), 'a whole number of 1 or more');
  return o;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function fail(name: string, message: string): never {
  throw new SettingError(`${name}: ${message}`);
}

function num(
  env: NodeJS.ProcessEnv,
  name: string,
  check: (n: number) => boolean,
  expected: string
): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const n = Number(raw);
  if (!/^\s*-?\d+(\.\d+)?\s*$/.test(raw) || !check(n)) {
    fail(name, `"${raw}" is not ${expected}`);
  }
  return n;
}

function duration(env: NodeJS.ProcessEnv, name: string, max?: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  let ms: number;
  try {
    ms = parseDuration(raw.trim());
  } catch (err) {
    if (!(err instanceof DurationError)) {
      throw err;
    }
    return fail(name, err.message);
  }
  if (max !== undefined && ms > max) {
    fail(name, `"${raw}" is longer than ${max / 86_400_000}d (the API keeps 30 days of events)`);
  }
  return ms;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') {
    return undefined;
  }
  if (['on', 'true', '1', 'yes'].includes(raw)) {
    return true;
  }
  if (['off', 'false', '0', 'no'].includes(raw)) {
    return false;
  }
  return fail(name, `"${env[name]}" is not on or off`);
}

const rate = (n: number) => n >= 0 && n <= 1;

/** Reads SIMULATOR_* variables. Throws a SettingError whose message starts with the variable's name. */
export function loadSimulatorOptions(env: NodeJS.ProcessEnv): SimulatorOptions {
  const token = env.SIMULATOR_APPLICATION_TOKEN;
  if (token !== undefined && token.trim() === '') {
    fail('SIMULATOR_APPLICATION_TOKEN', 'must not be empty');
  }
  const organisationName = env.SIMULATOR_ORGANISATION_NAME;
  if (organisationName !== undefined && organisationName !== '' && organisationName.trim() === '') {
    fail('SIMULATOR_ORGANISATION_NAME', 'must not be blank');
  }
  const retryAfter = num(env, 'SIMULATOR_FAULT_429_RETRY_AFTER', (n) => n >= 0, 'a number of seconds');
  const faults: Partial<Faults> = {
    latencyMs: duration(env, 'SIMULATOR_FAULT_LATENCY'),
    errorRate: num(env, 'SIMULATOR_FAULT_5XX_RATE', rate, 'a share between 0 and 1'),
    rateLimitEvery: num(
      env,
      'SIMULATOR_FAULT_429_EVERY',
      (n) => Number.isInteger(n) && n >= 0,
      'a whole number (0 = off)'
    ),
    rateLimitLength: num(
      env,
      'SIMULATOR_FAULT_429_LENGTH',
      (n) => Number.isInteger(n) && n >= 1,
      'a whole number of 1 or more'
    ),
    retryAfterSeconds: retryAfter,
    malformedRate: num(env, 'SIMULATOR_FAULT_MALFORMED_RATE', rate, 'a share between 0 and 1'),
    dropRate: num(env, 'SIMULATOR_FAULT_DROP_RATE', rate, 'a share between 0 and 1'),
  };
  const options: SimulatorOptions = {
    host: env.SIMULATOR_HOST?.trim() || undefined,
    port: num(env, 'SIMULATOR_PORT', (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number (0-65535)'),
    applicationToken: token,
    organisationId: num(
      env,
      'SIMULATOR_ORGANISATION_ID',
      (n) => Number.isSafeInteger(n) && n >= 1,
      'a whole number of 1 or more'
    ),
    organisationName: organisationName?.trim() || undefined,
    seed: num(env, 'SIMULATOR_SEED', (n) => Number.isSafeInteger(n) && n >= 0, 'a whole number of 0 or more'),
    eventsPerSecond: num(
      env,
      'SIMULATOR_EVENTS_PER_SECOND',
      (n) => n >= 0 && n <= 10000,
      'a rate between 0 and 10000 events per second'
    ),
    historyMs: duration(env, 'SIMULATOR_HISTORY', MAX_HISTORY_MS),
    historyEvents: num(
      env,
      'SIMULATOR_HISTORY_EVENTS',
      (n) => Number.isInteger(n) && n >= 0 && n <= 5_000_000,
      'a whole number up to 5000000'
    ),
    tokenLifetimeSeconds: (() => {
      const ms = duration(env, 'SIMULATOR_TOKEN_LIFETIME');
      if (ms !== undefined && ms < 1000) {
        fail('SIMULATOR_TOKEN_LIFETIME', `"${env.SIMULATOR_TOKEN_LIFETIME}" is shorter than 1s`);
      }
      return ms === undefined ? undefined : Math.round(ms / 1000);
    })(),
    maxPerPage: num(env, 'SIMULATOR_MAX_PER_PAGE', (n) => Number.isInteger(n) && n >= 1, 'a whole number of 1 or more'),
    drift: flag(env, 'SIMULATOR_DRIFT'),
    rateLimits: flag(env, 'SIMULATOR_RATE_LIMITS'),
    lateFraction: num(env, 'SIMULATOR_LATE_FRACTION', rate, 'a share between 0 and 1'),
    maxLatenessMs: duration(env, 'SIMULATOR_MAX_LATENESS'),
    idOrder: (() => {
      const raw = env.SIMULATOR_ID_ORDER?.trim();
      if (raw === undefined || raw === '') {
        return undefined;
      }
      if (raw !== 'visibility' && raw !== 'timestamp') {
        fail('SIMULATOR_ID_ORDER', `"${raw}" is not visibility or timestamp`);
      }
      return raw;
    })(),
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SimulatorOptions;
}
