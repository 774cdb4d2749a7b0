/**
 * How an error that ends the process is reported: the errors we expect (ExporterError: a setting, the
 * state files, the port) as one line that says what to do, with exit code 2 for a setting and 1 for the
 * rest; anything else is a bug, reported with its stack (secrets blanked out) and exit code 1.
 */
import { redactSecrets } from '@emnify-events/client';
import { ConfigError, ExporterError } from './errors';

export function fatalReport(
  program: string,
  err: unknown,
  secrets: Array<string | undefined> = []
): { exitCode: 1 | 2; text: string } {
  if (err instanceof ExporterError) {
    return {
      exitCode: err instanceof ConfigError ? 2 : 1,
      text: redactSecrets(`${program}: ${err.message}\n`, secrets),
    };
  }
  const trace = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return {
    exitCode: 1,
    text: redactSecrets(`${program}: unexpected error (a bug; please report it with this trace):\n${trace}\n`, secrets),
  };
}
