/**
 * The connection setting (jsonData.connection): how the data source reaches emnify, and what is wrong
 * with stored settings before anything is sent. Pure.
 *
 * - `direct` (unset too): the emnify API through Grafana's proxy; the route `emnify-auth` sends the stored
 *   application token, the browser holds the returned JWT.
 * - `gateway`: the exporter's events gateway through Grafana's proxy; the `gateway-*` routes add
 *   `Authorization: Bearer <gateway token>`, the browser holds no credential at all.
 *
 * The plugin.json routes test the mode with Go's `eq .JsonData.connection "gateway"` (routes.ts): any
 * other string means direct there, and a value of another type fails Go's `eq`. So a stored value other
 * than unset, "direct" or "gateway" is refused here rather than sent.
 */
import { ConnectionMode, DEFAULT_API_URL, EmnifyDataSourceOptions } from '../types';
import { apiUrlProblem, effectiveApiUrl, gatewayUrlProblem } from './apiUrl';

/** The stored mode; undefined for a value that is neither unset, "direct" nor "gateway". */
export function connectionMode(jsonData: { connection?: unknown }): ConnectionMode | undefined {
  const value = jsonData.connection;
  if (value === undefined || value === null || value === '' || value === 'direct') {
    return 'direct';
  }
  return value === 'gateway' ? 'gateway' : undefined;
}

/** What is wrong with the stored connection settings, said so that the user can fix it; undefined when they work. */
export function connectionProblem(
  jsonData: Pick<EmnifyDataSourceOptions, 'connection' | 'apiUrl' | 'gatewayUrl'>
): string | undefined {
  const mode = connectionMode(jsonData);
  if (mode === undefined) {
    return `The connection setting ${JSON.stringify(jsonData.connection)} is neither "direct" nor "gateway". Open the data source settings (or its provisioning file) and choose the connection.`;
  }
  return mode === 'gateway' ? gatewayUrlProblem(jsonData.gatewayUrl) : apiUrlProblem(jsonData.apiUrl);
}

/** Where the data source's requests go, for messages: "the emnify API at …" or "the events gateway at …". */
export function connectionTarget(
  jsonData: Pick<EmnifyDataSourceOptions, 'connection' | 'apiUrl' | 'gatewayUrl'>
): string {
  return connectionMode(jsonData) === 'gateway'
    ? `the events gateway at ${String(jsonData.gatewayUrl)}`
    : `the emnify API at ${effectiveApiUrl(typeof jsonData.apiUrl === 'string' ? jsonData.apiUrl : DEFAULT_API_URL)}`;
}
