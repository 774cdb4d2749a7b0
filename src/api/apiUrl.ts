/**
 * The URL settings, as Grafana's data source proxy uses them: the API URL (jsonData.apiUrl, direct mode)
 * and the gateway URL (jsonData.gatewayUrl, gateway mode, no default). For the API URL, the plugin.json routes
 * build the upstream URL with Go's text/template, `{{ if .JsonData.apiUrl }}…{{ else }}<default>{{ end }}`
 * followed by the API path, so:
 * - unset or empty means the default (a data source saved before the editor stored a URL keeps working;
 *   a plain `{{ .JsonData.apiUrl }}` would print `<no value>` and every request would go to
 *   `<no value>/api/v1/...`, grafana/grafana pkg/api/pluginproxy/ds_auth_provider.go ApplyRoute);
 * - the text is used as it is: a trailing slash gives `//api/v1`, a URL without scheme or host makes the
 *   proxy answer 502 (it only `url.Parse`s the result). The editor stores a normalised URL
 *   (normaliseApiUrl); apiUrlProblem names what is wrong with a stored one (provisioned or saved by an
 *   older version) before any request is sent.
 */
import { DEFAULT_API_URL } from '../types';

/** `text` as the editor stores a URL setting: trimmed, without trailing slashes; empty stays empty. */
export function normaliseApiUrl(text: string): string {
  return text.trim().replace(/\/+$/, '');
}

/** The URL the proxy routes use for `apiUrl` (unset or empty: the default). */
export function effectiveApiUrl(apiUrl: string | undefined): string {
  return apiUrl ? apiUrl : DEFAULT_API_URL;
}

/** What a URL setting is called and how to fix it, for its problem texts. */
interface UrlSetting {
  /** "The API URL", "The gateway URL". */
  name: string;
  fix: string;
  /** The only credential of its mode. */
  credential: string;
}

const API_URL: UrlSetting = {
  name: 'The API URL',
  fix: `Open the data source settings (or its provisioning file) and set the API URL to the emnify API's base URL, e.g. ${DEFAULT_API_URL}.`,
  credential: 'the application token',
};

/** An example gateway URL: the exporter's service and port in the shipped docker-compose.yml. */
export const EXAMPLE_GATEWAY_URL = 'http://exporter:8486';

const GATEWAY_URL: UrlSetting = {
  name: 'The gateway URL',
  fix: `Open the data source settings (or its provisioning file) and set the gateway URL to the exporter's base URL, e.g. ${EXAMPLE_GATEWAY_URL}.`,
  credential: 'the gateway token',
};

/** What is wrong with a stored, non-empty URL setting, said so that the user can fix it; undefined when it works. */
function urlProblem(value: unknown, { name, fix, credential }: UrlSetting): string | undefined {
  if (typeof value !== 'string') {
    return `${name} setting is not text (${JSON.stringify(value)}). ${fix}`;
  }
  if (value !== value.trim()) {
    return `${name} "${value}" starts or ends with a space. ${fix}`;
  }
  if (value.endsWith('/')) {
    return `${name} "${value}" ends with "/": Grafana would request "${value}/api/v1/…" with a double slash. Remove the trailing "/" (saving the data source settings again does it).`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} "${value}" is not an absolute URL. ${fix}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `${name} "${value}" is not an http(s) URL. ${fix}`;
  }
  if (url.search || url.hash || value.includes('?') || value.includes('#')) {
    return `${name} "${value}" has a query or fragment, which Grafana's proxy would drop. ${fix}`;
  }
  if (url.username || url.password) {
    return `${name} "${value}" carries credentials; ${credential} is the only credential. ${fix}`;
  }
  return undefined;
}

/** What is wrong with a stored API URL (direct mode), said so that the user can fix it; undefined when it works. */
export function apiUrlProblem(apiUrl: unknown): string | undefined {
  if (apiUrl === undefined || apiUrl === null || apiUrl === '') {
    return undefined;
  }
  return urlProblem(apiUrl, API_URL);
}

/**
 * What is wrong with a stored gateway URL (gateway mode); undefined when it works. It has no default
 * (a route printing `<no value>/api/v1/…` would answer 502), and it is the exporter's base URL: the
 * routes add `/api/v1/…` themselves.
 */
export function gatewayUrlProblem(gatewayUrl: unknown): string | undefined {
  if (gatewayUrl === undefined || gatewayUrl === null || gatewayUrl === '') {
    return `The gateway URL is not set. ${GATEWAY_URL.fix}`;
  }
  if (typeof gatewayUrl === 'string' && /\/api\/v1\/?$/i.test(gatewayUrl)) {
    return `The gateway URL "${gatewayUrl}" ends with "/api/v1": the data source adds the API path itself. ${GATEWAY_URL.fix}`;
  }
  return urlProblem(gatewayUrl, GATEWAY_URL);
}
