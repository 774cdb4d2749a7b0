/**
 * A stand-in for Grafana's BackendSrv (the `getBackendSrv()` a plugin gets), over an injected `fetch`:
 * window.fetch in the browser host, the in-process Grafana server (grafanaServer.ts) in Jest. It does what
 * grafana/grafana public/app/core/services/backend_srv.ts and public/app/core/utils/fetch.ts do to a
 * request and its answer; each step names the function it follows. No Node or DOM import: the same code
 * runs in both places.
 *
 * Not emulated: the fetch queue's concurrency limit (FetchQueue), the query inspector stream, success and
 * error alerts (a data source passes showErrorAlert: false), requestId cancellation, and the re-check of
 * Grafana's own session on a 401 from a local URL (handleStreamError; the data source proxy never answers
 * 401, it rewrites upstream 401s to 400).
 */
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';
import { Observable } from 'rxjs';

export interface HeadersLike {
  get(name: string): string | null;
  forEach(cb: (value: string, key: string) => void): void;
}

export interface ResponseLike {
  status: number;
  statusText: string;
  ok: boolean;
  headers: HeadersLike;
  url: string;
  redirected: boolean;
  type: string;
  text(): Promise<string>;
}

export interface RequestInitLike {
  method?: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>;

/** A Headers-like object over a plain record (lower-case names). */
export function headersOf(record: Record<string, string>): HeadersLike {
  return {
    get: (name) => record[name.toLowerCase()] ?? null,
    forEach: (cb) => Object.entries(record).forEach(([k, v]) => cb(v, k)),
  };
}

/** public/app/core/utils/query.ts isLocalUrl: Grafana's own API (not an absolute http URL). */
const isLocalUrl = (url: string) => !url.match(/^http/);

/**
 * backend_srv.ts parseRequestOptions: on local URLs the org id header is added, the leading slash goes
 * (the URL is resolved against Grafana's base URL) and an `Authorization` header becomes
 * `X-DS-Authorization` (the proxy moves it back).
 */
function parseRequestOptions(options: BackendSrvRequest, orgId: number): BackendSrvRequest {
  const out: BackendSrvRequest = { ...options, headers: { ...(options.headers ?? {}) } };
  if (isLocalUrl(out.url)) {
    out.headers!['X-Grafana-Org-Id'] = String(orgId);
    if (out.url.startsWith('/')) {
      out.url = out.url.substring(1);
    }
    if (out.headers!.Authorization) {
      out.headers!['X-DS-Authorization'] = out.headers!.Authorization;
      delete out.headers!.Authorization;
    }
  }
  return out;
}

/** fetch.ts parseUrlFromOptions/serializeParams: undefined and empty values dropped, encodeURIComponent. */
function parseUrlFromOptions(options: BackendSrvRequest): string {
  const params = Object.entries((options.params ?? {}) as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && !((typeof v === 'string' || Array.isArray(v)) && v.length === 0)
  );
  const serialized = params
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`)
    )
    .join('&');
  return serialized.length ? `${options.url}?${serialized}` : options.url;
}

/** fetch.ts parseHeaders/parseBody: Accept by default, JSON Content-Type for POST/PUT/PATCH, JSON bodies. */
function parseInit(options: BackendSrvRequest): { headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.headers ?? {})) {
    headers[k.toLowerCase()] = String(v);
  }
  headers.accept ??= 'application/json, text/plain, */*';
  if (['post', 'put', 'patch'].includes((options.method ?? '').toLowerCase())) {
    headers['content-type'] ??= 'application/json';
  }
  const data: unknown = options.data;
  const body =
    !data || typeof data === 'string'
      ? (data as string | undefined) || undefined
      : headers['content-type'] === 'application/json'
        ? JSON.stringify(data)
        : new URLSearchParams(data as Record<string, string>).toString();
  return { headers, body };
}

/** fetch.ts parseResponseBody: the requested type, else JSON when the Content-Type says so, else JSON or text. */
async function parseResponseBody(response: ResponseLike, responseType: BackendSrvRequest['responseType']) {
  const text = await response.text();
  const type =
    responseType ??
    ((response.headers.get('content-type') ?? '').toLowerCase() === 'application/json' ? 'json' : undefined);
  if (type === 'text') {
    return text;
  }
  if (type === 'json') {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * backend_srv.ts processRequestError: a missing `data` becomes `{ message: 'Unexpected error' }`, a string
 * `data` becomes `{ message: data, error: statusText, response: data }`, an `error` string without a
 * message is copied to `message`.
 */
export function processRequestError<E extends { data?: unknown; statusText?: string }>(err: E): E {
  let data = (err.data ?? { message: 'Unexpected error' }) as Record<string, unknown> | string;
  if (typeof data === 'string') {
    data = { message: data, error: err.statusText, response: data };
  }
  if (data && !data.message && typeof data.error === 'string') {
    data.message = data.error;
  }
  err.data = data;
  return err;
}

export interface BackendSrvStandIn extends BackendSrv {
  /** Every request sent (URL with query, method, headers, body) and every answer received (status, body text). */
  sent: Array<{ url: string; method: string; headers: Record<string, string>; body?: string }>;
  received: Array<{ status: number; headers: Record<string, string>; body: string }>;
}

export function createBackendSrv(fetchFn: FetchLike, { orgId = 1 }: { orgId?: number } = {}): BackendSrvStandIn {
  const sent: BackendSrvStandIn['sent'] = [];
  const received: BackendSrvStandIn['received'] = [];

  /**
   * backend_srv.ts fetch/internalFetch/getFromFetchStream/handleStreamResponse/handleStreamError: an
   * Observable of FetchResponse; a non-2xx answer errors with a FetchError `{ status, statusText, data,
   * config }` (no headers); a network failure errors with the fetch error itself; unsubscribing aborts the
   * request (rxjs fromFetch).
   */
  function fetch<T>(request: BackendSrvRequest): Observable<FetchResponse<T>> {
    return new Observable<FetchResponse<T>>((subscriber) => {
      const abort = new AbortController();
      const options = parseRequestOptions(request, orgId);
      const url = parseUrlFromOptions(options);
      const init = parseInit(options);
      sent.push({ url, method: options.method ?? 'GET', headers: init.headers, body: init.body });
      fetchFn(url, { method: options.method, headers: init.headers, body: init.body, signal: abort.signal }).then(
        async (response) => {
          const data = (await parseResponseBody(response, options.responseType)) as T;
          const record: Record<string, string> = {};
          response.headers.forEach((v, k) => (record[k.toLowerCase()] = v));
          received.push({
            status: response.status,
            headers: record,
            body: typeof data === 'string' ? data : JSON.stringify(data),
          });
          if (abort.signal.aborted) {
            return;
          }
          if (!response.ok) {
            const error: FetchError = {
              status: response.status,
              statusText: response.statusText,
              data,
              config: options,
            };
            subscriber.error(processRequestError(error));
            return;
          }
          subscriber.next({
            status: response.status,
            statusText: response.statusText,
            ok: response.ok,
            data,
            headers: response.headers as unknown as Headers,
            url: response.url,
            type: response.type as ResponseType,
            redirected: response.redirected,
            config: options,
          });
          subscriber.complete();
        },
        (err: unknown) => {
          if (!abort.signal.aborted) {
            subscriber.error(processRequestError(err as { data?: unknown; statusText?: string }));
          }
        }
      );
      return () => abort.abort();
    });
  }

  const once = <T>(options: BackendSrvRequest) =>
    new Promise<T>((resolve, reject) => fetch<T>(options).subscribe({ next: (r) => resolve(r.data), error: reject }));

  return {
    sent,
    received,
    fetch,
    datasourceRequest: (options: BackendSrvRequest) =>
      new Promise((resolve, reject) => fetch(options).subscribe({ next: resolve, error: reject })),
    request: once,
    get: (url: string, params?: BackendSrvRequest['params']) => once({ method: 'GET', url, params }),
    post: (url: string, data?: unknown) => once({ method: 'POST', url, data }),
    put: (url: string, data?: unknown) => once({ method: 'PUT', url, data }),
    patch: (url: string, data?: unknown) => once({ method: 'PATCH', url, data }),
    delete: (url: string, data?: unknown) => once({ method: 'DELETE', url, data }),
  } as unknown as BackendSrvStandIn;
}
