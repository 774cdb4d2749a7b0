/**
 * Error answers of the emnify API as the simulator gives them (../shared/emnify-api.md §2.6): an
 * `ApiFailure` carries the status, JSON body and headers the real API answers with; the server sends it.
 */

export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  readonly code = 'SIMULATOR_API_FAILURE';

  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {}
  ) {
    super(String(body.message ?? status));
  }
}

/** 422 InvalidQueryCriteria naming the criterion, as written in `q`. */
export function invalidCriteria(criterion: string): ApiFailure {
  return new ApiFailure(422, {
    error_code: 1301,
    error_token: 'InvalidQueryCriteria',
    message: `Search criteria ${criterion} is invalid`,
  });
}

export function invalidSort(criterion: string): ApiFailure {
  // The event endpoint specs say 400; the generic error table lists 1302 as a 422 (§2.6). We follow the specs.
  return new ApiFailure(400, {
    error_code: 1302,
    error_token: 'InvalidSortCriteria',
    message: `Sort criteria ${criterion} is invalid`,
  });
}

export function badRequest(message: string): ApiFailure {
  return new ApiFailure(400, { error_code: 1000, error_token: 'BadRequest', message });
}

/** An unknown path (API Gateway would answer 403 "Missing Authentication Token"; see README). */
export function notFound(): ApiFailure {
  return new ApiFailure(404, { message: 'Not Found' });
}

export function methodNotAllowed(): ApiFailure {
  return new ApiFailure(405, { message: 'Method Not Allowed' });
}
