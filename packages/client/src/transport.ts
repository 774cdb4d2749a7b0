/**
 * The HTTP seam of the client. A `Transport` sends one request and returns status, lower-cased
 * headers and the body text; it never retries or authenticates (client.ts does). Node and the
 * browser use `fetchTransport`; the Grafana plugin supplies one over Grafana's data source proxy.
 */
import { EmnifyError } from './errors';
import { QueryParams, encodeQuery } from './filter';

export type RequestKind = 'authenticate' | 'api';

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Absolute API path, e.g. `/api/v1/event`. */
  path: string;
  query?: QueryParams;
  headers?: Record<string, string>;
  /** JSON body (POST). */
  body?: unknown;
  /** `authenticate` for `POST /api/v1/authenticate`, `api` for every authenticated call. */
  kind: RequestKind;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export interface FetchTransportOptions {
  /** API base URL, e.g. `https://cdn.emnify.net`. */
  baseUrl: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Validates and normalises an API base URL (http or https, no query, no trailing slash). */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new EmnifyError('EMNIFY_BAD_REQUEST', `"${baseUrl}" is not a URL (expected e.g. https://cdn.emnify.net).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EmnifyError(
      'EMNIFY_BAD_REQUEST',
      `"${baseUrl}" is not an http(s) URL (expected e.g. https://cdn.emnify.net).`
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new EmnifyError('EMNIFY_BAD_REQUEST', 'The API URL must not carry a query, fragment or credentials.');
  }
  return url.toString().replace(/\/+$/, '');
}

/** The last check before a request leaves: only API paths, no traversal. */
export function assertApiPath(path: string): void {
  if (!path.startsWith('/api/v1/') || path.includes('..') || path.includes('//') || /[?#\s]/.test(path)) {
    throw new EmnifyError('EMNIFY_BAD_REQUEST', `Refusing to request "${path}": not an emnify API path.`);
  }
}

export function headersToRecord(headers: {
  forEach(cb: (value: string, key: string) => void): void;
}): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key.toLowerCase()] = value;
  });
  return out;
}

/** Transport over the standard `fetch` (Node ≥ 18, browsers). */
export function fetchTransport(options: FetchTransportOptions): Transport {
  const base = normalizeBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;

  return async (request) => {
    assertApiPath(request.path);
    const url = base + request.path + encodeQuery(request.query ?? {});
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort);
    if (request.signal?.aborted) {
      controller.abort();
    }
    try {
      const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
      let body: string | undefined;
      if (request.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(request.body);
      }
      const response = await doFetch(url, { method: request.method, headers, body, signal: controller.signal });
      const text = await response.text();
      return { status: response.status, headers: headersToRecord(response.headers), body: text };
    } catch (err) {
      if (request.signal?.aborted) {
        throw new EmnifyError('EMNIFY_ABORTED', `Request to ${request.path} was cancelled.`, { path: request.path });
      }
      if (timedOut) {
        throw new EmnifyError(
          'EMNIFY_TIMEOUT',
          `The emnify API at ${base} did not answer ${request.path} within ${timeoutMs} ms. Check the network; the request is retried.`,
          {
            path: request.path,
            retryable: true,
          }
        );
      }
      const cause =
        err instanceof Error
          ? err.cause instanceof Error
            ? `${err.message}: ${err.cause.message}`
            : err.message
          : String(err);
      throw new EmnifyError(
        'EMNIFY_NETWORK',
        `Could not reach the emnify API at ${base} (${cause}). Check the API URL and the network.`,
        {
          path: request.path,
          retryable: true,
        }
      );
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  };
}
