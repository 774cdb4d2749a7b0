/**
 * The API URL setting (jsonData.apiUrl), as Grafana's data source proxy uses it. The plugin.json routes
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

/** `text` as the editor stores it: trimmed, without trailing slashes; empty stays empty (the default). */
export function normaliseApiUrl(text: string): string {
  return text.trim().replace(/\/+$/, '');
}

/** The URL the proxy routes use for `apiUrl` (unset or empty: the default). */
export function effectiveApiUrl(apiUrl: string | undefined): string {
  return apiUrl ? apiUrl : DEFAULT_API_URL;
}

/** What is wrong with a stored API URL, said so that the user can fix it; undefined when it works. */
export function apiUrlProblem(apiUrl: unknown): string | undefined {
  if (apiUrl === undefined || apiUrl === null || apiUrl === '') {
    return undefined;
  }
  const fix = `Open the data source settings (or its provisioning file) and set the API URL to the emnify API's base URL, e.g. ${DEFAULT_API_URL}.`;
  if (typeof apiUrl !== 'string') {
    return `The API URL setting is not text (${JSON.stringify(apiUrl)}). ${fix}`;
  }
  if (apiUrl !== apiUrl.trim()) {
    return `The API URL "${apiUrl}" starts or ends with a space. ${fix}`;
  }
  if (apiUrl.endsWith('/')) {
    return `The API URL "${apiUrl}" ends with "/": Grafana would request "${apiUrl}/api/v1/…" with a double slash. Remove the trailing "/" (saving the data source settings again does it).`;
  }
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    return `The API URL "${apiUrl}" is not an absolute URL. ${fix}`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `The API URL "${apiUrl}" is not an http(s) URL. ${fix}`;
  }
  if (url.search || url.hash || apiUrl.includes('?') || apiUrl.includes('#')) {
    return `The API URL "${apiUrl}" has a query or fragment, which Grafana's proxy would drop. ${fix}`;
  }
  if (url.username || url.password) {
    return `The API URL "${apiUrl}" carries credentials; the application token is the only credential. ${fix}`;
  }
  return undefined;
}
