/**
 * The exporter's own errors. Callers branch on `code` (or the class), never on message text; every
 * message names the setting or file at fault and says what the user can do. main.ts turns them into one
 * line on stderr: exit code 2 for a configuration error, 1 for the others. Anything else is a bug: exit
 * code 1 with its stack.
 */

export type ExporterErrorCode =
  'EXPORTER_CONFIG_INVALID' | 'EXPORTER_WEB_CONFIG_INVALID' | 'EXPORTER_STATE_UNUSABLE' | 'EXPORTER_LISTEN_FAILED';

export class ExporterError extends Error {
  override name = 'ExporterError';

  constructor(
    readonly code: ExporterErrorCode,
    message: string,
    options?: ErrorOptions
  ) {
    super(message, options);
  }
}

/** A setting (flag, environment variable, or a file one names) that cannot work. Exit code 2. */
export class ConfigError extends ExporterError {
  override name = 'ConfigError';

  constructor(message: string, code: ExporterErrorCode = 'EXPORTER_CONFIG_INVALID') {
    super(code, message);
  }
}

/** The exporter-toolkit web configuration file (TLS, basic auth) cannot be used. A configuration error. */
export class WebConfigError extends ConfigError {
  override name = 'WebConfigError';

  constructor(message: string) {
    super(message, 'EXPORTER_WEB_CONFIG_INVALID');
  }
}

/** The state file or its journal cannot be read, parsed or written. */
export class StateError extends ExporterError {
  override name = 'StateError';

  constructor(message: string) {
    super('EXPORTER_STATE_UNUSABLE', message);
  }
}

/** The HTTP server cannot listen (port in use, no such interface, no permission). */
export class ListenError extends ExporterError {
  override name = 'ListenError';

  constructor(message: string, cause?: unknown) {
    super('EXPORTER_LISTEN_FAILED', message, { cause });
  }
}
