/**
 * The HTTP seam of the client. A `Transport` sends one request and returns status, lower-cased
 * headers and the body text; it never retries or authenticates (client.ts does). Node and the
 * browser use `fetchTransport`; the Grafana plugin supplies one over Grafana's data source proxy.
 *
 * `fetchTransport` bounds what an answer may cost: the body is read as a stream and counted as it
 * arrives (after decompression, so a gzip bomb counts what it inflates to); past `maxResponseBytes` the
 * request is aborted and fails with EMNIFY_RESPONSE_TOO_LARGE. The header section is bounded by Node's
 * fetch (undici) itself: 16 KiB (`--max-http-header-size`), beyond which it fails with
 * UND_ERR_HEADERS_OVERFLOW, reported here as EMNIFY_RESPONSE_TOO_LARGE too.
 */
import { EmnifyError } from './errors';
import { QueryParams, encodeQuery } from './filter';
import { clampTimerMs } from './timers';

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

/**
 * The default bound of one response body: 16 MiB. A page of 1,000 events (the largest page emnify
 * serves, ../shared/emnify-api.md §2.2) measured 1.14-1.16 MB from the simulator, and 1.6 MB if every
 * event were as large as its largest; 16 MiB leaves ten times that, and keeps the memory one answer
 * can take (body text plus parsed events) in the tens of megabytes.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Node's bound of a response's header section: 16 KiB (undici's default, `http.maxHeaderSize`, which
 * `--max-http-header-size` changes). Node enforces it; this constant only names it in messages.
 */
export const NODE_MAX_HEADER_BYTES = 16 * 1024;

export interface FetchTransportOptions {
  /** API base URL, e.g. `https://cdn.emnify.net`. */
  baseUrl: string;
  /** Per-request timeout (clamped to a timer's range); default 30 s. */
  timeoutMs?: number;
  /**
   * The most bytes of one response body to read (counted after decompression); past it the request is
   * aborted and fails with EMNIFY_RESPONSE_TOO_LARGE. Default DEFAULT_MAX_RESPONSE_BYTES (16 MiB).
   */
  maxResponseBytes?: number;
  fetch?: typeof fetch;
}

/** A response larger than the bound we read: not retried (the same request would be as large). */
export class ResponseTooLargeError extends EmnifyError {
  /** `body`: more than `limitBytes` bytes of body; `headers`: a header section over Node's limit. */
  readonly part: 'body' | 'headers';
  /** The bound that was exceeded, in bytes. */
  readonly limitBytes: number;

  constructor(
    part: 'body' | 'headers',
    limitBytes: number,
    message: string,
    details: { path: string; status?: number }
  ) {
    super('EMNIFY_RESPONSE_TOO_LARGE', message, { ...details, retryable: false });
    this.name = 'ResponseTooLargeError';
    this.part = part;
    this.limitBytes = limitBytes;
  }
}

/** `bytes` as a short size, e.g. `16 MiB`, `1.5 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [
    [2 ** 30, 'GiB'],
    [2 ** 20, 'MiB'],
    [2 ** 10, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      return `${Number((bytes / size).toFixed(1))} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

/**
 * The body of `response` as text, read chunk by chunk and counted as it arrives; `undefined` as soon as
 * it exceeds `maxBytes` (the stream is cancelled then, so the rest is never read). One decode at the end.
 */
export async function readBodyWithin(response: Response, maxBytes: number): Promise<string | undefined> {
  const body = response.body;
  if (!body) {
    return '';
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) {
    return new TextDecoder().decode(chunks[0]);
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/** undici's error for a header section past its limit, as the cause of fetch's TypeError (any realm). */
function isHeaderOverflow(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause === 'object' && cause !== null && cause.code === 'UND_ERR_HEADERS_OVERFLOW';
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
  const timeoutMs = clampTimerMs(options.timeoutMs ?? 30_000);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!(maxBytes > 0)) {
    throw new RangeError(`maxResponseBytes must be a positive number of bytes, not ${maxBytes}.`);
  }
  const doFetch = options.fetch ?? fetch;
  const tooLarge = (path: string, status: number, declared?: number) =>
    new ResponseTooLargeError(
      'body',
      maxBytes,
      `The emnify API at ${base} answered ${path} with more than ${formatBytes(maxBytes)}${declared !== undefined ? ` (${formatBytes(declared)} announced)` : ''}, the bound of one response (maxResponseBytes); the request was aborted. Ask for smaller pages (per_page) or raise maxResponseBytes if such answers are expected.`,
      { path, status }
    );

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
      // An announced length over the bound fails before reading (not when compressed: the bound counts
      // decoded bytes, and the announced length is the encoded one).
      const declared = Number(response.headers.get('content-length') ?? NaN);
      if (declared > maxBytes && !response.headers.get('content-encoding')) {
        controller.abort();
        throw tooLarge(request.path, response.status, declared);
      }
      const text = await readBodyWithin(response, maxBytes);
      if (text === undefined) {
        controller.abort();
        throw tooLarge(request.path, response.status);
      }
      return { status: response.status, headers: headersToRecord(response.headers), body: text };
    } catch (err) {
      if (err instanceof ResponseTooLargeError) {
        throw err;
      }
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
      if (isHeaderOverflow(err)) {
        throw new ResponseTooLargeError(
          'headers',
          NODE_MAX_HEADER_BYTES,
          `The emnify API at ${base} answered ${request.path} with a header section larger than Node's limit (${formatBytes(NODE_MAX_HEADER_BYTES)} unless --max-http-header-size sets another); the request was aborted. Check the API URL: a proxy in between may be misbehaving.`,
          { path: request.path }
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
