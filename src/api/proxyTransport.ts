/**
 * The client's Transport over Grafana's data source proxy. The two plugin.json routes do the
 * privileged work server-side: `emnify-auth` POSTs the stored application token to /authenticate
 * (the browser sends no body), `emnify-api` carries GET calls. The browser only ever holds the JWT.
 */
import { EmnifyError, HttpRequest, HttpResponse, Transport, headersToRecord } from '@emnify-events/client';
import { BackendSrv, FetchError, FetchResponse } from '@grafana/runtime';

export const AUTH_ROUTE = 'emnify-auth';
export const API_ROUTE = 'emnify-api';

function isFetchError(err: unknown): err is FetchError {
  return typeof err === 'object' && err !== null && 'status' in err && typeof (err as FetchError).status === 'number';
}

function bodyText(data: unknown): string {
  return typeof data === 'string' ? data : data === undefined || data === null ? '' : JSON.stringify(data);
}

/** The proxy URL of a client request. */
export function proxyUrl(instanceUrl: string, request: HttpRequest): string {
  if (request.kind === 'authenticate') {
    return `${instanceUrl}/${AUTH_ROUTE}`;
  }
  if (!request.path.startsWith('/api/v1/')) {
    throw new EmnifyError('EMNIFY_BAD_REQUEST', `Refusing to request "${request.path}": not an emnify API path.`);
  }
  return `${instanceUrl}/${API_ROUTE}${request.path.slice('/api/v1'.length)}`;
}

export function proxyTransport(instanceUrl: string, backend: () => BackendSrv): Transport {
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (request.headers?.authorization) {
        // The browser's Authorization header belongs to Grafana; the proxy moves this one into place.
        headers['X-DS-Authorization'] = request.headers.authorization;
      }
      const subscription = backend()
        .fetch<string>({
          url: proxyUrl(instanceUrl, request),
          method: request.method,
          params: request.query,
          headers,
          responseType: 'text',
          hideFromInspector: request.kind === 'authenticate',
          showErrorAlert: false,
          showSuccessAlert: false,
        })
        .subscribe({
          next: (res: FetchResponse<string>) =>
            resolve({ status: res.status, headers: headersToRecord(res.headers), body: bodyText(res.data) }),
          error: (err: unknown) => {
            if (isFetchError(err) && err.status >= 100) {
              resolve({ status: err.status, headers: {}, body: bodyText(err.data) });
              return;
            }
            reject(
              new EmnifyError(
                'EMNIFY_NETWORK',
                'Grafana could not reach the emnify API through its data source proxy. Check the API URL and the network of the Grafana server.',
                {
                  path: request.path,
                  retryable: true,
                }
              )
            );
          },
        });
      request.signal?.addEventListener('abort', () => {
        subscription.unsubscribe();
        reject(new EmnifyError('EMNIFY_ABORTED', `Request to ${request.path} was cancelled.`, { path: request.path }));
      });
    });
}
