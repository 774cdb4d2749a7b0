/**
 * The simulator's own errors (the emnify API's error answers are apiErrors.ts's). Each has a `name` and a
 * stable `code` to branch on; messages start with what was wrong (a setting's name, a request field).
 */

export type SimulatorErrorCode =
  'SIMULATOR_INVALID_SETTING' | 'SIMULATOR_INVALID_DURATION' | 'SIMULATOR_INVALID_CONTROL_REQUEST';

/** A setting (SIMULATOR_* variable, programmatic option or fault knob) with a value that makes no sense. */
export class SettingError extends RangeError {
  override readonly name = 'SettingError';
  readonly code: SimulatorErrorCode = 'SIMULATOR_INVALID_SETTING';
}

/** A text that is not a duration (duration.ts). */
export class DurationError extends RangeError {
  override readonly name = 'DurationError';
  readonly code: SimulatorErrorCode = 'SIMULATOR_INVALID_DURATION';
}

/** A request to the simulator's own surface (`/_simulator`, `addEvents`, `expireEvents`) that cannot be served. */
export class ControlRequestError extends RangeError {
  override readonly name = 'ControlRequestError';
  readonly code: SimulatorErrorCode = 'SIMULATOR_INVALID_CONTROL_REQUEST';
}
