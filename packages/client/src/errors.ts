/**
 * Typed errors of the emnify client. Callers branch on `code`, never on message text.
 * Every message says what happened, carries the API's own message where there is one, and says what
 * the user can do. No message ever contains a token: `redactSecrets` guards the API text we quote.
 */

export type EmnifyErrorCode =
  | 'EMNIFY_INVALID_FILTER'
  | 'EMNIFY_AUTH_REJECTED'
  | 'EMNIFY_AUTH_LOCKED'
  | 'EMNIFY_UNAUTHORIZED'
  | 'EMNIFY_FORBIDDEN'
  | 'EMNIFY_BAD_REQUEST'
  | 'EMNIFY_RATE_LIMITED'
  | 'EMNIFY_SERVER_ERROR'
  | 'EMNIFY_NETWORK'
  | 'EMNIFY_TIMEOUT'
  | 'EMNIFY_ABORTED'
  | 'EMNIFY_RESPONSE_SHAPE'
  | 'EMNIFY_RESPONSE_TOO_LARGE'
  | 'EMNIFY_PAGING_LIMIT'
  | 'EMNIFY_NOT_FOUND'
  | 'EMNIFY_HTTP';

export class EmnifyError extends Error {
  readonly code: EmnifyErrorCode;
  /** HTTP status, when the failure was an HTTP answer. */
  readonly status?: number;
  /** The API's own message (`message` of its JSON body), when it sent one. */
  readonly apiMessage?: string;
  /** The API's `error_token`, e.g. "InvalidQueryCriteria". */
  readonly apiErrorToken?: string;
  /** The path that was requested (no host, no query string: the query may hold user data only). */
  readonly path?: string;
  /** Whether retrying the same request later may succeed. */
  readonly retryable: boolean;

  constructor(
    code: EmnifyErrorCode,
    message: string,
    details: { status?: number; apiMessage?: string; apiErrorToken?: string; path?: string; retryable?: boolean } = {}
  ) {
    super(message);
    this.name = 'EmnifyError';
    this.code = code;
    this.status = details.status;
    this.apiMessage = details.apiMessage;
    this.apiErrorToken = details.apiErrorToken;
    this.path = details.path;
    this.retryable = details.retryable ?? false;
  }
}

/** A filter value that the API would reject, caught before any request is sent. */
export class FilterValidationError extends EmnifyError {
  /** The filter field at fault, e.g. "imei". */
  readonly field: string;

  constructor(field: string, message: string) {
    super('EMNIFY_INVALID_FILTER', `Invalid filter "${field}": ${message}`);
    this.name = 'FilterValidationError';
    this.field = field;
  }
}

/** The API's JSON error body: `{error_code, error_token, message}` or the gateway's `{message}`. */
export interface ApiErrorBody {
  error_code?: number;
  error_token?: string;
  message?: string;
  errors?: Array<{ error_code?: number; error_token?: string; message?: string }>;
}

export function parseApiErrorBody(text: string): ApiErrorBody | undefined {
  if (!text) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return parsed as ApiErrorBody;
    }
  } catch {
    // Not JSON (an HTML error page from a proxy, a truncated body): no API message to quote.
  }
  return undefined;
}

const JWT_PATTERN = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/**
 * Removes anything token-like from text we did not write ourselves (API messages, network error texts).
 * `secrets` are exact strings to blank out (the application token, the current JWT).
 */
export function redactSecrets(text: string, secrets: Array<string | undefined> = []): string {
  let out = text.replace(JWT_PATTERN, '[redacted]');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) {
      out = out.split(secret).join('[redacted]');
    }
  }
  return out;
}

/** Human hint for each HTTP failure: what the user can do about it. */
function hintFor(status: number): string {
  if (status === 400) {
    return 'The request was malformed: check paging and sort parameters.';
  }
  if (status === 401) {
    return 'The API rejected the credentials: check that the application token is valid and not revoked or expired.';
  }
  if (status === 403) {
    return 'The token is valid but lacks permission for this resource: check the role of the application token.';
  }
  if (status === 404) {
    return 'The resource does not exist: check the API URL.';
  }
  if (status === 422) {
    return 'The API rejected the filter: check the filter values.';
  }
  if (status === 429) {
    return 'The emnify API rate limit was exceeded: lower the request rate (fewer panels, longer poll interval) and try again shortly.';
  }
  if (status >= 500) {
    return 'The emnify API had a server-side failure: try again later; check https://status.emnify.com if it persists.';
  }
  return 'Unexpected answer from the emnify API.';
}

function codeFor(status: number): EmnifyErrorCode {
  if (status === 400 || status === 422) {
    return status === 422 ? 'EMNIFY_INVALID_FILTER' : 'EMNIFY_BAD_REQUEST';
  }
  if (status === 401) {
    return 'EMNIFY_UNAUTHORIZED';
  }
  if (status === 403) {
    return 'EMNIFY_FORBIDDEN';
  }
  if (status === 404) {
    return 'EMNIFY_NOT_FOUND';
  }
  if (status === 429) {
    return 'EMNIFY_RATE_LIMITED';
  }
  if (status >= 500) {
    return 'EMNIFY_SERVER_ERROR';
  }
  return 'EMNIFY_HTTP';
}

/** Builds the error for a non-2xx answer, quoting the API's own message. */
export function httpError(
  status: number,
  bodyText: string,
  path: string,
  secrets: Array<string | undefined>
): EmnifyError {
  const body = parseApiErrorBody(bodyText);
  const apiMessage = body?.message ? redactSecrets(body.message, secrets) : undefined;
  const quoted = apiMessage ? `: "${apiMessage}"` : '';
  const message = `emnify API ${path} answered ${status}${quoted}. ${hintFor(status)}`;
  return new EmnifyError(codeFor(status), message, {
    status,
    apiMessage,
    apiErrorToken: body?.error_token,
    path,
    retryable: status === 429 || status >= 500,
  });
}
