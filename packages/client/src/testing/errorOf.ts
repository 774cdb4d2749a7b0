/** Test support (not built into dist): the EmnifyError a promise rejects with. */
import { EmnifyError } from '../errors';

/** Awaits `promise` and returns the EmnifyError it rejects with; anything else fails the test. */
export async function errorOf(promise: Promise<unknown>): Promise<EmnifyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof EmnifyError) {
      return err;
    }
    throw err;
  }
  throw new Error('expected an EmnifyError');
}
