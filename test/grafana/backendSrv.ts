/**
 * A fake of Grafana's BackendSrv whose `fetch` goes through the proxy harness to a real upstream (the
 * simulator), with Grafana's observable and error shapes. Records every response the browser side
 * receives, so tests can prove what it never sees.
 */
import { Observable } from 'rxjs';
import { DataSourceSettings, PluginRoute, ProxyResponse, pluginRoutes, proxyRequest } from './proxy';

export const INSTANCE_URL = '/api/datasources/proxy/uid/emnify-test';

export interface FakeBackend {
  fetch(options: {
    url: string;
    method?: string;
    params?: Record<string, string>;
    headers?: Record<string, string>;
    data?: unknown;
  }): Observable<unknown>;
  /** Every answer handed to the plugin: status, headers and body text. */
  seen: ProxyResponse[];
  /** Every request the plugin made (URL with query, method, headers, body). */
  requests: Array<{ url: string; method: string; headers: Record<string, string>; body?: string }>;
}

export function fakeBackend(settings: DataSourceSettings, routes: PluginRoute[] = pluginRoutes()): FakeBackend {
  const backend: FakeBackend = {
    seen: [],
    requests: [],
    fetch(options) {
      return new Observable((subscriber) => {
        const query = new URLSearchParams(options.params ?? {}).toString();
        const url = options.url + (query ? `?${query}` : '');
        const body = options.data === undefined ? undefined : JSON.stringify(options.data);
        const headers = options.headers ?? {};
        backend.requests.push({ url, method: options.method ?? 'GET', headers, body });
        if (!url.startsWith(`${INSTANCE_URL}/`)) {
          subscriber.error({ status: 404, data: { message: 'not a proxy URL' } });
          return;
        }
        let cancelled = false;
        proxyRequest(routes, settings, {
          path: url.slice(INSTANCE_URL.length + 1),
          method: options.method ?? 'GET',
          headers,
          body,
        }).then(
          (res) => {
            backend.seen.push(res);
            if (cancelled) {
              return;
            }
            const response = {
              status: res.status,
              ok: res.status < 300,
              headers: {
                forEach: (cb: (value: string, key: string) => void) =>
                  Object.entries(res.headers).forEach(([k, v]) => cb(v, k)),
              },
              data: res.body,
              statusText: '',
              redirected: false,
              type: 'basic',
              url,
              config: options,
            };
            if (res.status >= 200 && res.status < 300) {
              subscriber.next(response);
              subscriber.complete();
            } else {
              subscriber.error({ ...response, data: res.body });
            }
          },
          (err: Error) => subscriber.error({ status: -1, data: { message: err.message } })
        );
        return () => {
          cancelled = true;
        };
      });
    },
  };
  return backend;
}
