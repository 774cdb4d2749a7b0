/** Every error the client throws has a `name` and a stable `code` to branch on (never the message text). */
import { EmnifyError, FilterValidationError, httpError } from './errors';
import { buildFilterQuery } from './filter';
import { sleep } from './retry';

describe('error names and codes', () => {
  it('EmnifyError and FilterValidationError carry their name and code', () => {
    const e = new EmnifyError('EMNIFY_NETWORK', 'down');
    expect({ name: e.name, code: e.code, message: e.message, retryable: e.retryable }).toEqual({
      name: 'EmnifyError',
      code: 'EMNIFY_NETWORK',
      message: 'down',
      retryable: false,
    });
    expect(e).toBeInstanceOf(Error);
    let f: unknown;
    try {
      buildFilterQuery({ imsi: 'x' });
    } catch (err) {
      f = err;
    }
    expect(f).toBeInstanceOf(FilterValidationError);
    expect(f).toBeInstanceOf(EmnifyError);
    expect(f).toMatchObject({ name: 'FilterValidationError', code: 'EMNIFY_INVALID_FILTER', field: 'imsi' });
  });

  it.each([
    [400, 'EMNIFY_BAD_REQUEST', false],
    [401, 'EMNIFY_UNAUTHORIZED', false],
    [403, 'EMNIFY_FORBIDDEN', false],
    [404, 'EMNIFY_NOT_FOUND', false],
    [422, 'EMNIFY_INVALID_FILTER', false],
    [429, 'EMNIFY_RATE_LIMITED', true],
    [500, 'EMNIFY_SERVER_ERROR', true],
    [504, 'EMNIFY_SERVER_ERROR', true],
    [418, 'EMNIFY_HTTP', false],
  ])('an HTTP %i answer is %s (retryable: %s)', (status, code, retryable) => {
    const e = httpError(status, '{"message":"nope"}', '/api/v1/event', []);
    expect({ name: e.name, code: e.code, status: e.status, retryable: e.retryable }).toEqual({
      name: 'EmnifyError',
      code,
      status,
      retryable,
    });
  });

  it('a retry sleep cancelled without a reason rejects with EMNIFY_ABORTED', async () => {
    const signal = { aborted: true, reason: undefined } as unknown as AbortSignal;
    await expect(sleep(10, signal)).rejects.toMatchObject({ name: 'EmnifyError', code: 'EMNIFY_ABORTED' });
  });
});
