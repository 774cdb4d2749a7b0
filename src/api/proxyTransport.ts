/**
 * The client's Transport over Grafana's data source proxy, in either connection mode (routes.ts): the
 * routes do the privileged work server-side. Direct mode: `emnify-auth` POSTs the stored application
 * token to /authenticate (the browser sends no body), the browser holds the JWT and sends it with GET
 * calls. Gateway mode: the `gateway-*` routes add the stored gateway token; the browser sends and holds
 * no credential (the client runs with `credentialByTransport`).
 *
 * What real Grafana does to answers, and how this transport gives the client emnify's answer back:
 * - The proxy turns an upstream 401 into `400 Bad Request` with the plain-text body
 *   `Authentication to data source failed` and none of the upstream headers (grafana/grafana
 *   pkg/api/pluginproxy/ds_proxy.go, HandleRequest's modifyResponse). Exactly that answer becomes a 401
 *   again here, so the client re-authenticates when the JWT expired or was refused, and recognises a
 *   rejected application token (with its cool-down before emnify's lock-out). emnify's own body is lost:
 *   a refused token and a locked account (`TooManyRequests`) look the same, and both get the cool-down.
 *   In gateway mode the same answer is the gateway's 401: a wrong or missing gateway token (final).
 * - backend_srv wraps a text error body: `data` becomes `{ message, error: statusText, response }`
 *   (public/app/core/services/backend_srv.ts, processRequestError); the raw text is `response`.
 * - A FetchError carries no response headers, so a 429's `Retry-After` never arrives: the client's own
 *   backoff paces the retry instead (successful answers keep their headers, paging included).
 * - The proxy answers 502 (upstream unreachable, or no route), 504 (its data proxy timeout, 30 s by
 *   default) with an empty body; these reach the client as they are.
 */
import { EmnifyError, HttpRequest, HttpResponse, Transport, headersToRecord } from '@emnify-events/client';
import { BackendSrv, FetchError, FetchResponse } from '@grafana/runtime';
import { ConnectionMode, EmnifyDataSourceOptions } from '../types';
import { connectionMode, connectionProblem } from './connection';
import { proxyPath } from './routes';

/** The body of the proxy's answer to an upstream 401 (ds_proxy.go, modifyResponse). */
export const GRAFANA_AUTH_FAILED = 'Authentication to data source failed';

function isFetchError(err: unknown): err is FetchError {
  return typeof err === 'object' && err !== null && 'status' in err && typeof (err as FetchError).status === 'number';
}

/** The body text of an answer: raw text, or the text backend_srv wrapped into `{ message, error, response }`. */
export function answerText(data: unknown): string {
  if (typeof data === 'string') {
    return data;
  }
  if (data === undefined || data === null) {
    return '';
  }
  const wrapped = (data as { response?: unknown }).response;
  return typeof wrapped === 'string' ? wrapped : JSON.stringify(data);
}

/** An error answer of the proxy as the client must see it: Grafana's 400 for an upstream 401 is a 401 again. */
export function fromProxyError(status: number, data: unknown): HttpResponse {
  const body = answerText(data);
  if (status === 400 && body === GRAFANA_AUTH_FAILED) {
    return { status: 401, headers: {}, body: '' };
  }
  return { status, headers: {}, body };
}

/** The proxy URL of a client request in `mode`. */
export function proxyUrl(instanceUrl: string, request: HttpRequest, mode: ConnectionMode): string {
  return `${instanceUrl}/${proxyPath(request, mode)}`;
}

/** What a request that never got an answer through the proxy says. */
const UNREACHABLE: Record<ConnectionMode, string> = {
  direct:
    'Grafana could not reach the emnify API through its data source proxy. Check the API URL and the network of the Grafana server.',
  gateway:
    'Grafana could not reach the events gateway through its data source proxy. Check the gateway URL and the network of the Grafana server.',
};

export function proxyTransport(instanceUrl: string, backend: () => BackendSrv, mode: ConnectionMode): Transport {
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (request.headers?.authorization) {
        // The browser's Authorization header belongs to Grafana; the proxy moves this one into place.
        headers['X-DS-Authorization'] = request.headers.authorization;
      }
      const subscription = backend()
        .fetch<string>({
          url: proxyUrl(instanceUrl, request, mode),
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
            resolve({ status: res.status, headers: headersToRecord(res.headers), body: answerText(res.data) }),
          error: (err: unknown) => {
            if (isFetchError(err) && err.status >= 100) {
              resolve(fromProxyError(err.status, err.data));
              return;
            }
            reject(new EmnifyError('EMNIFY_NETWORK', UNREACHABLE[mode], { path: request.path, retryable: true }));
          },
        });
      request.signal?.addEventListener('abort', () => {
        subscription.unsubscribe();
        reject(new EmnifyError('EMNIFY_ABORTED', `Request to ${request.path} was cancelled.`, { path: request.path }));
      });
    });
}

/** A transport that refuses every request with `message` (a setting that cannot work; nothing is sent). */
function refusingTransport(message: string): Transport {
  return (request) => Promise.reject(new EmnifyError('EMNIFY_BAD_REQUEST', message, { path: request.path }));
}

/** The transport of a data source instance: over the proxy in its connection mode, unless its settings cannot work. */
export function dataSourceTransport(
  settings: { url?: string; jsonData: EmnifyDataSourceOptions },
  backend: () => BackendSrv
): Transport {
  const problem = connectionProblem(settings.jsonData);
  const mode = connectionMode(settings.jsonData);
  return problem || !mode ? refusingTransport(problem ?? '') : proxyTransport(settings.url ?? '', backend, mode);
}
