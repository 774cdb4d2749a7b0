/**
 * A stand-in for Grafana's data source proxy (`/api/datasources/proxy/uid/<uid>/<proxy path>`), doing to a
 * request and its answer what Grafana 12 does, step by step, each step naming the Grafana source it
 * follows (grafana/grafana, pkg/...). Used in-process by the Jest tests (through the backend_srv
 * stand-in, backendSrv.ts) and over HTTP by the browser tests' host (test/browser/harness.ts).
 *
 * Not emulated: route `tokenAuth`/`jwtTokenAuth` and `reqRole`/`reqAction` (our routes have none; a route
 * with them makes this stand-in throw), team headers, OAuth pass-through, TLS settings, the data proxy
 * whitelist and logging.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  GoTemplateExecError,
  TemplateData,
  cleanRelativePath,
  executeTemplate,
  escapePath,
  joinURLFragments,
  parseUrl,
  reencodeQuery,
} from './go';

export interface PluginRoute {
  path: string;
  method?: string;
  url?: string;
  headers?: Array<{ name: string; content: string }>;
  body?: unknown;
  [other: string]: unknown;
}

export interface DataSourceSettings {
  /** The data source's own URL (empty for ours): where a request goes when no route matches. */
  url?: string;
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface ProxyRequest {
  /** Path after `/api/datasources/proxy/uid/<uid>/`, escaped as it arrived, with its query string. */
  path: string;
  method: string;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  body?: string;
  /** The browser's address (for X-Forwarded-For). */
  remoteAddr?: string;
  /** Aborted when the browser closes the request. */
  signal?: AbortSignal;
}

export interface ProxyAnswer {
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** The request Grafana sends upstream. */
export interface UpstreamRequest {
  /** scheme://host, as the route's URL says. */
  origin: string;
  scheme: string;
  host: string;
  /** Escaped path and re-encoded query, as Go's http client writes them. */
  pathAndQuery: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface ProxyOptions {
  /** The data proxy timeout ([dataproxy] timeout, 30 s by default): no answer by then is a 504. */
  timeoutMs?: number;
  /** cfg.DataProxyUserAgent, "Grafana/<version>". */
  userAgent?: string;
  /**
   * The test's network: an origin a route names (e.g. https://cdn.emnify.net) → where it is served here
   * (http://127.0.0.1:<port>). The upstream request keeps the route's Host header. Unlisted origins are
   * reached as they are.
   */
  network?: Record<string, string>;
}

export const GRAFANA_VERSION = '12.4.10';

export function pluginRoutes(pluginJsonPath = resolve(__dirname, '../../src/plugin.json')): PluginRoute[] {
  return (JSON.parse(readFileSync(pluginJsonPath, 'utf8')) as { routes?: PluginRoute[] }).routes ?? [];
}

/**
 * pkg/api/pluginproxy/ds_proxy.go validateRequest: routes in plugin.json order; a route is skipped when its
 * method is set, not "*" and not exactly the request's; the first whose cleaned path is a plain string
 * prefix of the cleaned proxy path wins (so `emnify-event` also matches `emnify-eventX`).
 */
export function matchRoute(routes: PluginRoute[], method: string, proxyPath: string): PluginRoute | undefined {
  for (const route of routes) {
    for (const unsupported of ['tokenAuth', 'jwtTokenAuth', 'reqRole', 'reqAction', 'urlParams', 'authType']) {
      if (route[unsupported] !== undefined) {
        throw new Error(`route ${route.path}: "${unsupported}" is not emulated by the proxy stand-in`);
      }
    }
    if (route.method && route.method !== '*' && route.method !== method) {
      continue;
    }
    if (cleanRelativePath(proxyPath).startsWith(cleanRelativePath(route.path))) {
      return route;
    }
  }
  return undefined;
}

/** Go's strings.TrimPrefix: `s` without `prefix` when it starts with it, else `s` unchanged. */
const trimPrefix = (s: string, prefix: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s);

/** Header names Go's httputil.ReverseProxy drops both ways (hop-by-hop, RFC 7230). */
const HOP_BY_HOP = [
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/**
 * What Grafana makes of a browser request before sending it: the upstream request, or the answer it gives
 * itself (502 when the URL cannot be used). Pure; follows ds_proxy.go director, ApplyRoute
 * (ds_auth_provider.go), addQueryString/addHeaders/setBodyContent (utils.go) and proxyutil.
 */
export function toUpstream(
  routes: PluginRoute[],
  settings: DataSourceSettings,
  req: ProxyRequest,
  options: ProxyOptions = {}
): UpstreamRequest | ProxyAnswer {
  const [proxyPath, rawQuery = ''] = splitOnce(req.path, '?');
  const route = matchRoute(routes, req.method, proxyPath);
  const data = { JsonData: settings.jsonData, SecureJsonData: settings.secureJsonData };

  // director: the data source URL first (an empty one has no scheme and no host).
  const target = parseUrl(settings.url ?? '');
  let scheme = 'error' in target ? '' : target.scheme;
  let host = 'error' in target ? '' : target.host;
  let path = joinURLFragments('error' in target ? '' : target.path, proxyPath);
  let body = req.body;

  // wrapDirector (proxyutil/reverse_proxy.go): Grafana's own auth headers of the request go first.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!['authorization', 'x-grafana-device-id', ...HOP_BY_HOP].includes(name)) {
      headers[name] = value;
    }
  }
  // director: X-DS-Authorization becomes Authorization; X-Grafana-User, cookies go; User-Agent is Grafana's.
  if (req.headers['x-ds-authorization']) {
    delete headers['x-ds-authorization'];
    headers.authorization = req.headers['x-ds-authorization'];
  }
  delete headers['x-grafana-user'];
  delete headers.cookie;
  headers['user-agent'] = options.userAgent ?? `Grafana/${GRAFANA_VERSION}`;

  let query = rawQuery;
  if (route) {
    // ApplyRoute: the route URL through Go text/template, then url.Parse (no other check); the rest of the
    // proxy path (raw: TrimPrefix of the route's path as written) joined to the URL's path.
    const interpolated = route.url ? interpolate(route.url, data) : undefined;
    const routeUrl = interpolated === undefined ? undefined : parseUrl(interpolated);
    if (route.url && interpolated === undefined) {
      // "Error interpolating proxy url": ApplyRoute returns early; the request goes on unchanged.
    } else if (routeUrl && 'error' in routeUrl) {
      // "Error parsing plugin route url": ApplyRoute returns early; the request goes on unchanged.
    } else {
      if (routeUrl) {
        scheme = routeUrl.scheme;
        host = routeUrl.host;
        path = joinURLFragments(routeUrl.path, trimPrefix(proxyPath, route.path));
      }
      // addQueryString: req.URL.Query() re-encoded by url.Values.Encode (sorted keys, `+` for spaces).
      query = reencodeQuery(rawQuery);
      // addHeaders: each route header templated and Set.
      // A header whose template fails ends addHeaders ("Failed to render plugin headers"): none after it is set.
      for (const h of route.headers ?? []) {
        const content = interpolate(h.content, data);
        if (content === undefined) {
          break;
        }
        headers[h.name.toLowerCase()] = content;
      }
      // setBodyContent: the route body templated; replaces the browser's body if it is valid JSON.
      if (route.body !== undefined) {
        const templated = interpolate(JSON.stringify(route.body), data);
        if (templated !== undefined && isJson(templated)) {
          body = templated;
        }
      }
    }
  }
  // proxyutil.PrepareProxyRequest: X-Grafana-Referer from Referer; Origin, Referer, X-Forwarded-Host/Port/
  // Proto removed; the browser's address appended to X-Forwarded-For.
  headers['x-grafana-referer'] = req.headers.referer ?? '';
  for (const name of ['origin', 'referer', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto']) {
    delete headers[name];
  }
  const client = req.remoteAddr ?? '127.0.0.1';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${client}` : client;

  if (scheme !== 'http' && scheme !== 'https') {
    // http.Transport: "unsupported protocol scheme" → proxyutil errorHandler answers 502, empty body.
    return { status: 502, headers: {}, body: '' };
  }
  if (host === '') {
    // http.Transport: "no Host in request URL" → 502.
    return { status: 502, headers: {}, body: '' };
  }
  headers.host = host;
  if (body !== undefined) {
    headers['content-length'] = String(Buffer.byteLength(body));
  } else {
    delete headers['content-length'];
    delete headers['content-type'];
  }
  // Go's http client writes URL.EscapedPath(): the path is escaped again (ApplyRoute set the decoded Path).
  const pathAndQuery = (path.startsWith('/') ? '' : '/') + escapePath(path) + (query ? `?${query}` : '');
  return { origin: `${scheme}://${host}`, scheme, host, pathAndQuery, method: req.method, headers, body };
}

/** interpolateString (pluginproxy/utils.go): the rendered text, or undefined where Go's Execute fails (logged by Grafana). */
function interpolate(text: string, data: TemplateData): string | undefined {
  try {
    return executeTemplate(text, data);
  } catch (err) {
    if (err instanceof GoTemplateExecError) {
      return undefined;
    }
    throw err;
  }
}

function splitOnce(s: string, separator: string): [string, string?] {
  const i = s.indexOf(separator);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * The answer Grafana gives the browser for an upstream answer: hop-by-hop headers and Set-Cookie dropped,
 * `Content-Security-Policy: sandbox` added (proxyutil reverse_proxy.go modifyResponse,
 * SetProxyResponseHeaders), and an upstream 401 replaced by `400 Bad Request` with the plain-text body
 * `Authentication to data source failed` and no upstream header (ds_proxy.go HandleRequest's
 * modifyResponse). Go's server then sniffs the missing Content-Type of that body.
 */
export function toAnswer(status: number, upstreamHeaders: Record<string, string>, body: string): ProxyAnswer {
  if (status === 401) {
    const msg = 'Authentication to data source failed';
    return {
      status: 400,
      headers: { 'content-security-policy': 'sandbox', 'content-type': 'text/plain; charset=utf-8' },
      body: msg,
    };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstreamHeaders)) {
    if (!HOP_BY_HOP.includes(name) && name !== 'set-cookie' && name !== 'content-length') {
      headers[name] = value;
    }
  }
  headers['content-security-policy'] = 'sandbox';
  return { status, headers, body };
}

/**
 * Grafana's data source proxy for one browser request, over real HTTP upstream. Errors become Grafana's
 * answers (proxyutil reverse_proxy.go errorHandler, empty bodies): 502 when the upstream cannot be reached,
 * 504 after the data proxy timeout, 499 when the browser cancelled (the browser never sees that one).
 */
export function proxyRequest(
  routes: PluginRoute[],
  settings: DataSourceSettings,
  req: ProxyRequest,
  options: ProxyOptions = {}
): Promise<ProxyAnswer> {
  const upstream = toUpstream(routes, settings, req, options);
  if ('status' in upstream) {
    return Promise.resolve(upstream);
  }
  const reached = new URL(options.network?.[upstream.origin] ?? upstream.origin);
  const send = reached.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolveAnswer) => {
    let settled = false;
    const settle = (answer: ProxyAnswer) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', cancel);
        resolveAnswer(answer);
      }
    };
    const outgoing = send(
      {
        protocol: reached.protocol,
        hostname: reached.hostname,
        port: reached.port,
        path: upstream.pathAndQuery,
        method: upstream.method,
        headers: upstream.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string') {
              headers[k] = v;
            }
          }
          settle(toAnswer(res.statusCode ?? 502, headers, Buffer.concat(chunks).toString('utf8')));
        });
        res.on('error', () => settle({ status: 502, headers: {}, body: '' }));
      }
    );
    const timer = setTimeout(() => {
      outgoing.destroy();
      settle({ status: 504, headers: {}, body: '' });
    }, options.timeoutMs ?? 30_000);
    const cancel = () => {
      outgoing.destroy();
      settle({ status: 499, headers: {}, body: '' });
    };
    if (req.signal?.aborted) {
      cancel();
      return;
    }
    req.signal?.addEventListener('abort', cancel);
    outgoing.on('error', () => settle({ status: 502, headers: {}, body: '' }));
    if (upstream.body !== undefined) {
      outgoing.write(upstream.body);
    }
    outgoing.end();
  });
}
