/** SIMULATOR_* environment parsing: defaults, every variable, one clear error naming the variable. */
import { DEFAULTS, loadSimulatorOptions, resolveOptions } from './config';
import { SettingError } from './errors';

describe('loadSimulatorOptions', () => {
  it('returns nothing for an empty environment (every default applies)', () => {
    expect(loadSimulatorOptions({})).toEqual({ faults: {} });
    expect(loadSimulatorOptions({ SIMULATOR_PORT: '', SIMULATOR_FAULT_429_RETRY_AFTER: '' })).toEqual({ faults: {} });
  });

  it('reads every variable', () => {
    expect(
      loadSimulatorOptions({
        SIMULATOR_HOST: '0.0.0.0',
        SIMULATOR_PORT: '9999',
        SIMULATOR_APPLICATION_TOKEN: 'my-token',
        SIMULATOR_ORGANISATION_ID: '14751',
        SIMULATOR_ORGANISATION_NAME: ' Globex Logistics B.V. ',
        SIMULATOR_SEED: '3',
        SIMULATOR_EVENTS_PER_SECOND: '2.5',
        SIMULATOR_HISTORY: '2d',
        SIMULATOR_HISTORY_EVENTS: '100',
        SIMULATOR_TOKEN_LIFETIME: '15m',
        SIMULATOR_MAX_PER_PAGE: '250',
        SIMULATOR_DRIFT: 'off',
        SIMULATOR_RATE_LIMITS: 'on',
        SIMULATOR_LATE_FRACTION: '0.25',
        SIMULATOR_MAX_LATENESS: '45s',
        SIMULATOR_ID_ORDER: 'timestamp',
        SIMULATOR_FAULT_LATENCY: '100ms',
        SIMULATOR_FAULT_5XX_RATE: '0.1',
        SIMULATOR_FAULT_429_EVERY: '20',
        SIMULATOR_FAULT_429_LENGTH: '4',
        SIMULATOR_FAULT_429_RETRY_AFTER: '2',
        SIMULATOR_FAULT_MALFORMED_RATE: '0.05',
        SIMULATOR_FAULT_DROP_RATE: '0.01',
      })
    ).toEqual({
      host: '0.0.0.0',
      port: 9999,
      applicationToken: 'my-token',
      organisationId: 14751,
      organisationName: 'Globex Logistics B.V.',
      seed: 3,
      eventsPerSecond: 2.5,
      historyMs: 2 * 86_400_000,
      historyEvents: 100,
      tokenLifetimeSeconds: 900,
      maxPerPage: 250,
      drift: false,
      rateLimits: true,
      lateFraction: 0.25,
      maxLatenessMs: 45_000,
      idOrder: 'timestamp',
      faults: {
        latencyMs: 100,
        errorRate: 0.1,
        rateLimitEvery: 20,
        rateLimitLength: 4,
        retryAfterSeconds: 2,
        malformedRate: 0.05,
        dropRate: 0.01,
      },
    });
  });

  it('accepts on/off spelled several ways', () => {
    expect(loadSimulatorOptions({ SIMULATOR_DRIFT: 'TRUE', SIMULATOR_RATE_LIMITS: '0' })).toMatchObject({
      drift: true,
      rateLimits: false,
    });
  });

  it.each([
    [{ SIMULATOR_PORT: 'http' }, 'SIMULATOR_PORT: "http" is not a port number (0-65535)'],
    [{ SIMULATOR_PORT: '70000' }, 'SIMULATOR_PORT: "70000" is not a port number (0-65535)'],
    [{ SIMULATOR_APPLICATION_TOKEN: ' ' }, 'SIMULATOR_APPLICATION_TOKEN: must not be empty'],
    [{ SIMULATOR_ORGANISATION_ID: '0' }, 'SIMULATOR_ORGANISATION_ID: "0" is not a whole number of 1 or more'],
    [{ SIMULATOR_ORGANISATION_ID: 'acme' }, 'SIMULATOR_ORGANISATION_ID: "acme" is not a whole number of 1 or more'],
    [{ SIMULATOR_ORGANISATION_NAME: '   ' }, 'SIMULATOR_ORGANISATION_NAME: must not be blank'],
    [{ SIMULATOR_SEED: '-1' }, 'SIMULATOR_SEED: "-1" is not a whole number of 0 or more'],
    [
      { SIMULATOR_EVENTS_PER_SECOND: 'fast' },
      'SIMULATOR_EVENTS_PER_SECOND: "fast" is not a rate between 0 and 10000 events per second',
    ],
    [{ SIMULATOR_HISTORY: '31d' }, 'SIMULATOR_HISTORY: "31d" is longer than 30d (the API keeps 30 days of events)'],
    [{ SIMULATOR_HISTORY: 'week' }, 'SIMULATOR_HISTORY: "week" is not a duration'],
    [{ SIMULATOR_HISTORY_EVENTS: '1e3' }, 'SIMULATOR_HISTORY_EVENTS: "1e3" is not a whole number up to 5000000'],
    [
      { SIMULATOR_HISTORY_EVENTS: '6000000' },
      'SIMULATOR_HISTORY_EVENTS: "6000000" is not a whole number up to 5000000',
    ],
    [{ SIMULATOR_TOKEN_LIFETIME: '4' }, 'SIMULATOR_TOKEN_LIFETIME: "4" is not a duration'],
    [{ SIMULATOR_TOKEN_LIFETIME: '500ms' }, 'SIMULATOR_TOKEN_LIFETIME: "500ms" is shorter than 1s'],
    [{ SIMULATOR_MAX_PER_PAGE: '0' }, 'SIMULATOR_MAX_PER_PAGE: "0" is not a whole number of 1 or more'],
    [{ SIMULATOR_DRIFT: 'sometimes' }, 'SIMULATOR_DRIFT: "sometimes" is not on or off'],
    [{ SIMULATOR_RATE_LIMITS: 'maybe' }, 'SIMULATOR_RATE_LIMITS: "maybe" is not on or off'],
    [{ SIMULATOR_LATE_FRACTION: '10%' }, 'SIMULATOR_LATE_FRACTION: "10%" is not a share between 0 and 1'],
    [{ SIMULATOR_MAX_LATENESS: '20' }, 'SIMULATOR_MAX_LATENESS: "20" is not a duration'],
    [{ SIMULATOR_FAULT_LATENCY: 'slow' }, 'SIMULATOR_FAULT_LATENCY: "slow" is not a duration'],
    [{ SIMULATOR_FAULT_5XX_RATE: '2' }, 'SIMULATOR_FAULT_5XX_RATE: "2" is not a share between 0 and 1'],
    [{ SIMULATOR_FAULT_429_EVERY: '2.5' }, 'SIMULATOR_FAULT_429_EVERY: "2.5" is not a whole number (0 = off)'],
    [{ SIMULATOR_FAULT_429_LENGTH: '0' }, 'SIMULATOR_FAULT_429_LENGTH: "0" is not a whole number of 1 or more'],
    [
      { SIMULATOR_FAULT_429_RETRY_AFTER: 'later' },
      'SIMULATOR_FAULT_429_RETRY_AFTER: "later" is not a number of seconds',
    ],
    [
      { SIMULATOR_FAULT_MALFORMED_RATE: '-0.1' },
      'SIMULATOR_FAULT_MALFORMED_RATE: "-0.1" is not a share between 0 and 1',
    ],
    [{ SIMULATOR_FAULT_DROP_RATE: 'x' }, 'SIMULATOR_FAULT_DROP_RATE: "x" is not a share between 0 and 1'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadSimulatorOptions(env)).toThrow(message);
  });
});

describe('setting errors', () => {
  it('are SettingErrors (RangeErrors) with a name and a stable code', () => {
    for (const fn of [
      () => loadSimulatorOptions({ SIMULATOR_PORT: 'x' }),
      () => loadSimulatorOptions({ SIMULATOR_HISTORY: '1.5d' }),
      () => resolveOptions({ port: -1 }),
    ]) {
      let error: unknown;
      try {
        fn();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(SettingError);
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ name: 'SettingError', code: 'SIMULATOR_INVALID_SETTING' });
    }
  });
});

describe('resolveOptions (programmatic options)', () => {
  it('fills in the defaults, ignoring undefined values', () => {
    const o = resolveOptions({ seed: undefined, port: 0 });
    expect(o).toEqual({ ...DEFAULTS, port: 0, now: Date.now, faults: {} });
  });

  it.each([
    [{ historyEvents: -1 }, 'historyEvents: -1 is not a whole number of 0 or more'],
    [{ historyMs: 31 * 86_400_000 }, 'historyMs: 2678400000 is not between 0 and 30 days in ms'],
    [{ lateFraction: 1.5 }, 'lateFraction: 1.5 is not a share between 0 and 1'],
    [{ maxPerPage: 0 }, 'maxPerPage: 0 is not a whole number of 1 or more'],
    [{ tokenLifetimeSeconds: 0.5 }, 'tokenLifetimeSeconds: 0.5 is not a whole number of seconds of 1 or more'],
    [{ applicationToken: '' }, 'applicationToken: "" is not a non-empty token'],
    [{ port: 70000 }, 'port: 70000 is not a port number (0-65535)'],
    [{ organisationId: 1.5 }, 'organisationId: 1.5 is not a whole number of 1 or more'],
    [{ organisationName: ' ' }, 'organisationName: " " is not a non-empty name'],
    [{ idOrder: 'random' as 'timestamp' }, 'idOrder: "random" is not "visibility" or "timestamp"'],
  ])('rejects %j naming the option', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(message);
  });
});
