import { ConfigError, ListenError, StateError, WebConfigError } from './errors';
import { fatalReport } from './fatal';

describe('fatalReport', () => {
  it.each([
    [new ConfigError('EXPORTER_POLL_INTERVAL (--poll.interval): "1" is not a duration'), 2],
    [new WebConfigError('web config /x.yml: cannot read it (ENOENT)'), 2],
    [new StateError('state file /s.json is not valid JSON'), 1],
    [new ListenError('cannot listen on :8486: the port is in use'), 1],
  ])('reports %p as one line, exit code %d', (err, exitCode) => {
    expect(fatalReport('prog', err)).toEqual({ exitCode, text: `prog: ${err.message}\n` });
  });

  it('gives every error class a name and a code', () => {
    expect([new ConfigError('a'), new WebConfigError('b'), new StateError('c'), new ListenError('d')]).toMatchObject([
      { name: 'ConfigError', code: 'EXPORTER_CONFIG_INVALID' },
      { name: 'WebConfigError', code: 'EXPORTER_WEB_CONFIG_INVALID' },
      { name: 'StateError', code: 'EXPORTER_STATE_UNUSABLE' },
      { name: 'ListenError', code: 'EXPORTER_LISTEN_FAILED' },
    ]);
  });

  it('reports anything else as a bug: exit code 1, with its stack, secrets blanked out', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'token-abc-123')");
    const { exitCode, text } = fatalReport('prog', bug, ['token-abc-123']);
    expect(exitCode).toBe(1);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('prog: unexpected error (a bug; please report it with this trace):');
    expect(lines[1]).toBe("TypeError: Cannot read properties of undefined (reading '[redacted]')");
    expect(lines.slice(2).length).toBeGreaterThan(0);
    expect(lines.slice(2).every((l) => /^ {4}at /.test(l))).toBe(true);
    expect(text).not.toContain('token-abc-123');
  });
});
