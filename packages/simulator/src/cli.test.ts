/** Start-up from the environment: the JSON start line, the token hint, and bad values. */
import { startFromEnv, tokenHint } from './cli';

describe('startFromEnv', () => {
  it('starts and logs one JSON line with the URL, the demo-token hint and event counts', async () => {
    const lines: string[] = [];
    const started = await startFromEnv(
      { SIMULATOR_PORT: '0', SIMULATOR_HISTORY_EVENTS: '25', SIMULATOR_EVENTS_PER_SECOND: '0' },
      (l) => lines.push(l)
    );
    if (!started.ok) {
      throw new Error(started.message);
    }
    try {
      expect(lines).toHaveLength(1);
      expect(lines[0].endsWith('\n')).toBe(true);
      const line = JSON.parse(lines[0]) as Record<string, unknown>;
      expect(line).toMatchObject({
        level: 'info',
        msg: 'emnify API simulator listening',
        url: started.sim.url,
        application_token:
          'emnify-simulator-demo-token (the public demo token: set SIMULATOR_APPLICATION_TOKEN for anything shared)',
        events: { visible: 25, pending: 0, history: 25 },
        organisation: { id: 13886, name: 'Acme Fleet GmbH' },
        events_per_second: 0,
        seed: 1,
        rate_limits: false,
      });
      expect(started.sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await started.sim.close();
    }
  });

  it('never prints a token that is not the demo token', async () => {
    const lines: string[] = [];
    const started = await startFromEnv(
      { SIMULATOR_PORT: '0', SIMULATOR_HISTORY_EVENTS: '1', SIMULATOR_APPLICATION_TOKEN: 's3cr3t-t0ken' },
      (l) => lines.push(l)
    );
    if (!started.ok) {
      throw new Error(started.message);
    }
    await started.sim.close();
    expect(lines.join('')).not.toContain('s3cr3t-t0ken');
    expect(tokenHint('s3cr3t-t0ken')).toBe('the value of SIMULATOR_APPLICATION_TOKEN (not shown)');
  });

  it('refuses a bad value with one line naming the variable and exit code 2', async () => {
    const lines: string[] = [];
    expect(await startFromEnv({ SIMULATOR_HISTORY: '40d' }, (l) => lines.push(l))).toEqual({
      ok: false,
      exitCode: 2,
      message: 'emnify simulator: SIMULATOR_HISTORY: "40d" is longer than 30d (the API keeps 30 days of events)',
    });
    expect(lines).toEqual([]);
  });

  it('says which setting to change when the port is taken', async () => {
    const first = await startFromEnv({ SIMULATOR_PORT: '0', SIMULATOR_HISTORY_EVENTS: '0' }, () => undefined);
    if (!first.ok) {
      throw new Error(first.message);
    }
    try {
      const second = await startFromEnv(
        { SIMULATOR_PORT: String(first.sim.port), SIMULATOR_HISTORY_EVENTS: '0' },
        () => undefined
      );
      expect(second).toMatchObject({ ok: false, exitCode: 1 });
      expect(!second.ok && second.message).toMatch(
        /^emnify simulator: cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE.* \(port in use: set SIMULATOR_PORT\)$/
      );
    } finally {
      await first.sim.close();
    }
  });
});
