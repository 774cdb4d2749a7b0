/** Structured JSON log lines on stderr; known secrets are blanked out of every line. */
import { redactSecrets } from '@emnify-events/client';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  level: Level,
  secrets: Array<string | undefined>,
  write: (line: string) => void = (l) => process.stderr.write(l)
): Logger {
  const log = (at: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[at] < ORDER[level]) {
      return;
    }
    const line = JSON.stringify({ ts: new Date().toISOString(), level: at, msg, ...fields });
    write(redactSecrets(line, secrets) + '\n');
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
  };
}

export const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
