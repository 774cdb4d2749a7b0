/**
 * Grafana's BackendSrv.fetch over the browser's fetch, with Grafana's shapes: an Observable of
 * { status, ok, headers, data } that errors with { status, statusText, data } for a non-2xx answer,
 * cancels the request when unsubscribed, and yields text when asked for `responseType: 'text'`.
 */
import { BackendSrv, BackendSrvRequest, FetchResponse } from '@grafana/runtime';
import { Observable } from 'rxjs';

function parse(text: string, responseType: BackendSrvRequest['responseType']): unknown {
  if (responseType === 'text') {
    return text;
  }
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

export function browserFetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable<FetchResponse<T>>((subscriber) => {
    const abort = new AbortController();
    const query = new URLSearchParams(options.params ?? {}).toString();
    const url = options.url + (query ? `?${query}` : '');
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | undefined;
    if (options.data !== undefined) {
      body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
      headers['Content-Type'] = headers['Content-Type'] ?? 'application/json';
    }
    fetch(url, { method: options.method ?? 'GET', headers, body, signal: abort.signal }).then(
      async (res) => {
        const data = parse(await res.text(), options.responseType) as T;
        const response: FetchResponse<T> = {
          data,
          status: res.status,
          statusText: res.statusText,
          ok: res.ok,
          headers: res.headers,
          redirected: res.redirected,
          type: res.type,
          url: res.url,
          config: options,
        };
        if (res.ok) {
          subscriber.next(response);
          subscriber.complete();
        } else {
          subscriber.error({ ...response, data });
        }
      },
      (err: Error) => {
        if (!abort.signal.aborted) {
          subscriber.error({ status: 0, statusText: err.message, data: { message: err.message }, config: options });
        }
      }
    );
    return () => abort.abort();
  });
}

/** Only what a data source plugin uses: fetch, and the promise-returning helpers built on it. */
export function createBackendSrv(): BackendSrv {
  const once = <T>(options: BackendSrvRequest) =>
    new Promise<T>((resolve, reject) =>
      browserFetch<T>(options).subscribe({ next: (r) => resolve(r.data), error: reject })
    );
  return {
    fetch: browserFetch,
    datasourceRequest: (options: BackendSrvRequest) =>
      new Promise((resolve, reject) => browserFetch(options).subscribe({ next: resolve, error: reject })),
    get: (url: string, params?: Record<string, string>) => once({ url, params }),
    post: (url: string, data?: unknown) => once({ url, method: 'POST', data }),
    put: (url: string, data?: unknown) => once({ url, method: 'PUT', data }),
    patch: (url: string, data?: unknown) => once({ url, method: 'PATCH', data }),
    delete: (url: string, data?: unknown) => once({ url, method: 'DELETE', data }),
    request: (options: BackendSrvRequest) => once(options),
  } as unknown as BackendSrv;
}
