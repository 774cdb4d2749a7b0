/** Simulator settings from the environment: one function, defaults in one place, one clear line per bad value. */
import { parseDuration } from '@emnify-events/client';
import type { Faults } from './faults';

export interface SimulatorOptions {
  host?: string;
  /** 0 = an ephemeral port. */
  port?: number;
  applicationToken?: string;
  seed?: number;
  historyMs?: number;
  historyEvents?: number;
  /** Live rate; 0 = history only. */
  eventsPerSecond?: number;
  lateFraction?: number;
  maxLatenessMs?: number;
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
} as const;

const MAX_HISTORY_MS = 30 * 86_400_000;

class ConfigError extends Error {}

function fail(name: string, message: string): never {
  throw new ConfigError(`${name}: ${message}`);
}

function num(env: NodeJS.ProcessEnv, name: string, check: (n: number) => boolean, expected: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) {
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
    ms = parseDuration(raw);
  } catch (err) {
    return fail(name, (err as Error).message);
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

/** Reads SIMULATOR_* variables. Throws an Error whose message starts with the variable's name. */
export function loadSimulatorOptions(env: NodeJS.ProcessEnv): SimulatorOptions {
  const token = env.SIMULATOR_APPLICATION_TOKEN;
  if (token !== undefined && token.trim() === '') {
    fail('SIMULATOR_APPLICATION_TOKEN', 'must not be empty');
  }
  const retryAfter = num(env, 'SIMULATOR_FAULT_429_RETRY_AFTER', (n) => n >= 0, 'a number of seconds');
  const faults: Partial<Faults> = {
    latencyMs: duration(env, 'SIMULATOR_FAULT_LATENCY'),
    errorRate: num(env, 'SIMULATOR_FAULT_5XX_RATE', rate, 'a share between 0 and 1'),
    rateLimitEvery: num(env, 'SIMULATOR_FAULT_429_EVERY', (n) => Number.isInteger(n) && n >= 0, 'a whole number (0 = off)'),
    rateLimitLength: num(env, 'SIMULATOR_FAULT_429_LENGTH', (n) => Number.isInteger(n) && n >= 1, 'a whole number of 1 or more'),
    retryAfterSeconds: retryAfter,
    malformedRate: num(env, 'SIMULATOR_FAULT_MALFORMED_RATE', rate, 'a share between 0 and 1'),
    dropRate: num(env, 'SIMULATOR_FAULT_DROP_RATE', rate, 'a share between 0 and 1'),
  };
  const options: SimulatorOptions = {
    host: env.SIMULATOR_HOST?.trim() || undefined,
    port: num(env, 'SIMULATOR_PORT', (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number (0-65535)'),
    applicationToken: token,
    seed: num(env, 'SIMULATOR_SEED', (n) => Number.isInteger(n) && n >= 0, 'a whole number'),
    eventsPerSecond: num(env, 'SIMULATOR_EVENTS_PER_SECOND', (n) => n >= 0 && n <= 10000, 'a rate between 0 and 10000 events per second'),
    historyMs: duration(env, 'SIMULATOR_HISTORY', MAX_HISTORY_MS),
    historyEvents: num(env, 'SIMULATOR_HISTORY_EVENTS', (n) => Number.isInteger(n) && n >= 0 && n <= 5_000_000, 'a whole number up to 5000000'),
    tokenLifetimeSeconds: (() => {
      const ms = duration(env, 'SIMULATOR_TOKEN_LIFETIME');
      return ms === undefined ? undefined : Math.max(1, Math.round(ms / 1000));
    })(),
    maxPerPage: num(env, 'SIMULATOR_MAX_PER_PAGE', (n) => Number.isInteger(n) && n >= 1, 'a whole number of 1 or more'),
    drift: flag(env, 'SIMULATOR_DRIFT'),
    rateLimits: flag(env, 'SIMULATOR_RATE_LIMITS'),
    lateFraction: num(env, 'SIMULATOR_LATE_FRACTION', rate, 'a share between 0 and 1'),
    maxLatenessMs: duration(env, 'SIMULATOR_MAX_LATENESS'),
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as SimulatorOptions;
}
