/**
 * Sends one logical request through a Transport with bounded retries: 429 (honouring `Retry-After`
 * when present, else exponential backoff with jitter), 5xx, dropped connections, timeouts and bodies
 * that fail to parse. Everything else is returned to the caller to interpret. Observers see every
 * attempt, every retry and every rate-limit wait (the exporter's self-metrics hang here).
 */
import { EmnifyError } from './errors';
import type { EventRejection, RejectionCounts } from './normalize';
import { HttpRequest, HttpResponse, Transport } from './transport';
import { MAX_RETRY_AFTER_MS, RetryPolicy, backoffDelay, retryAfterDelay } from './retry';

export type RetryReason = 'rate_limited' | 'server_error' | 'network' | 'timeout' | 'malformed_response';

export interface ClientObserver {
  /** Every HTTP attempt: `status` is 0 when no answer came (network error, timeout). */
  onRequest?(info: { endpoint: string; method: string; status: number; durationMs: number }): void;
  /**
   * Every retry, with the wait before it (never more than a timer can hold). For a 429 with `Retry-After`,
   * `retryAfterMs` is what the server asked for and `clamped` is true when that was more than the policy's
   * maxRetryAfterMs (15 minutes by default) and `delayMs` is that maximum instead: worth a log line.
   */
  onRetry?(info: {
    endpoint: string;
    reason: RetryReason;
    delayMs: number;
    attempt: number;
    retryAfterMs?: number;
    clamped?: boolean;
  }): void;
  /** Time spent waiting because of rate limiting: told by the server (429) or by our own limiter. */
  onRateLimitWait?(info: { endpoint: string; waitedMs: number; cause: 'server' | 'client' }): void;
  onAuthenticate?(info: { outcome: 'success' | 'rejected' | 'locked' | 'error' }): void;
  /**
   * An event page held items refused at the boundary (normalizeEvents) or events whose label texts were
   * cut: told once per page that had any, with the counts by rejection code and the first refusal.
   */
  onEventsRefused?(info: {
    endpoint: string;
    byReason: RejectionCounts;
    truncatedLabels: number;
    firstRejection?: EventRejection;
  }): void;
}

export interface RequesterDeps {
  transport: Transport;
  policy: RetryPolicy;
  observer: ClientObserver;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
}

/** Templated path for metrics and logs: numeric ids become `{id}` so label values stay bounded. */
export function endpointLabel(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/{id}');
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Runs `request`, retrying transient failures. `parse` turns a 2xx response into a value; throwing a
 * retryable EmnifyError from it (a malformed page) retries the request. Non-2xx answers that are not
 * retryable, and the last answer once retries are exhausted, go to `onFailure`, which must throw.
 */
export async function sendWithRetry<T>(
  deps: RequesterDeps,
  request: HttpRequest,
  parse: (response: HttpResponse) => T,
  onFailure: (response: HttpResponse) => never
): Promise<T> {
  const endpoint = endpointLabel(request.path);
  for (let attempt = 0; ; attempt++) {
    const started = deps.now();
    let response: HttpResponse;
    try {
      response = await deps.transport(request);
    } catch (err) {
      deps.observer.onRequest?.({ endpoint, method: request.method, status: 0, durationMs: deps.now() - started });
      if (err instanceof EmnifyError && err.retryable && attempt < deps.policy.maxRetries) {
        const delayMs = backoffDelay(attempt, deps.policy, deps.random);
        deps.observer.onRetry?.({
          endpoint,
          reason: err.code === 'EMNIFY_TIMEOUT' ? 'timeout' : 'network',
          delayMs,
          attempt: attempt + 1,
        });
        await deps.sleep(delayMs, request.signal);
        continue;
      }
      throw err;
    }
    deps.observer.onRequest?.({
      endpoint,
      method: request.method,
      status: response.status,
      durationMs: deps.now() - started,
    });

    if (response.status >= 200 && response.status < 300) {
      try {
        return parse(response);
      } catch (err) {
        if (err instanceof EmnifyError && err.retryable && attempt < deps.policy.maxRetries) {
          const delayMs = backoffDelay(attempt, deps.policy, deps.random);
          deps.observer.onRetry?.({ endpoint, reason: 'malformed_response', delayMs, attempt: attempt + 1 });
          await deps.sleep(delayMs, request.signal);
          continue;
        }
        throw err;
      }
    }

    if (isRetryableStatus(response.status) && attempt < deps.policy.maxRetries) {
      let delayMs = backoffDelay(attempt, deps.policy, deps.random);
      let told: { retryAfterMs?: number; clamped?: boolean } = {};
      if (response.status === 429) {
        const retryAfter = retryAfterDelay(
          response.headers['retry-after'],
          deps.now(),
          deps.policy.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS
        );
        if (retryAfter !== undefined) {
          delayMs = retryAfter.delayMs;
          told = { retryAfterMs: retryAfter.requestedMs, clamped: retryAfter.clamped };
        }
        deps.observer.onRateLimitWait?.({ endpoint, waitedMs: delayMs, cause: 'server' });
      }
      deps.observer.onRetry?.({
        endpoint,
        reason: response.status === 429 ? 'rate_limited' : 'server_error',
        delayMs,
        attempt: attempt + 1,
        ...told,
      });
      await deps.sleep(delayMs, request.signal);
      continue;
    }
    onFailure(response);
  }
}
