/** Client errors → what the panel and "Save & test" say. No token ever reaches these texts. */
import { EmnifyError } from '@emnify-events/client';

export function describeError(err: unknown): string {
  if (err instanceof EmnifyError) {
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The health check's message: exactly what is wrong and what to do. */
export function healthCheckMessage(err: unknown): string {
  if (!(err instanceof EmnifyError)) {
    return `Unexpected error: ${describeError(err)}`;
  }
  switch (err.code) {
    case 'EMNIFY_AUTH_REJECTED':
      return 'Bad application token: emnify rejected it. Paste a valid, unrevoked application token (emnify Portal → Integrations → Application Tokens) and save again. Three failed attempts lock authentication for 5 minutes.';
    case 'EMNIFY_AUTH_LOCKED':
      return 'emnify locked authentication after repeated failures. Wait 5 minutes, check the application token, then save again.';
    case 'EMNIFY_RATE_LIMITED':
      return 'Rate limited: the emnify API answered 429 (too many requests for this organisation). Wait a minute and test again; lower dashboard refresh rates if it persists.';
    case 'EMNIFY_SERVER_ERROR':
      if ((err.status === 502 || err.status === 504) && err.apiMessage === undefined) {
        // Grafana's proxy answers 502/504 itself when the upstream cannot be reached.
        return `No network: Grafana could not reach the emnify API (its proxy answered ${err.status}). Check the API URL and that the Grafana server can reach it (proxy, firewall).`;
      }
      return err.message;
    case 'EMNIFY_NETWORK':
    case 'EMNIFY_TIMEOUT':
      return 'No network: Grafana could not reach the emnify API. Check the API URL and that the Grafana server can reach it (proxy, firewall).';
    case 'EMNIFY_NOT_FOUND':
    case 'EMNIFY_RESPONSE_SHAPE':
      return `Wrong URL? The server at the API URL did not answer like the emnify API (${err.message}). The API URL is normally https://cdn.emnify.net.`;
    default:
      return err.message;
  }
}
