/** Client errors → what the panel and "Save & test" say. No token ever reaches these texts. */
import { EmnifyError } from '@emnify-events/client';
import { EXAMPLE_GATEWAY_URL } from './api/apiUrl';
import { connectionMode } from './api/connection';
import { EmnifyDataSourceOptions } from './types';

export function describeError(err: unknown): string {
  if (err instanceof EmnifyError) {
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * What a failed request through the events gateway means and what to do, for the connection's own
 * failures (token, URL, network, the gateway's upstream); undefined for any other error (a filter the
 * API refused, …), which the client's own text describes. The texts are what the user sees in real
 * Grafana: the gateway's 401 reaches the plugin as Grafana's 400 "Authentication to data source failed".
 */
export function gatewayErrorMessage(err: unknown, gatewayUrl: string): string | undefined {
  if (!(err instanceof EmnifyError)) {
    return undefined;
  }
  const at = `the events gateway at ${gatewayUrl}`;
  const quoted = err.apiMessage ? ` "${err.apiMessage}"` : '';
  const baseUrl = `The gateway URL is the exporter's base URL, e.g. ${EXAMPLE_GATEWAY_URL}.`;
  switch (err.code) {
    case 'EMNIFY_UNAUTHORIZED':
      return `Wrong gateway token: ${at} refused the token stored in this data source (Grafana's proxy answered 400 "Authentication to data source failed" for the gateway's 401). Paste the exporter's gateway token (EXPORTER_GATEWAY_TOKEN, or the file EXPORTER_GATEWAY_TOKEN_FILE names) and save again.`;
    case 'EMNIFY_NOT_FOUND':
      return err.apiMessage
        ? `Gateway not found: ${at} answered 404${quoted}. Turn the gateway on (EXPORTER_GATEWAY_TOKEN_FILE on the exporter, then restart it) and check the gateway URL. ${baseUrl}`
        : `Wrong URL? The server at ${gatewayUrl} answered 404 without the events gateway's answer. ${baseUrl}`;
    case 'EMNIFY_RATE_LIMITED':
      return `Rate limited: emnify answered 429 to ${at} (its reads share the exporter's API budget, its poller first). Wait a minute and try again; lower dashboard refresh rates if it persists.`;
    case 'EMNIFY_SERVER_ERROR':
      if (!err.apiMessage && (err.status === 502 || err.status === 504)) {
        // Grafana's proxy answers 502/504 itself when the upstream cannot be reached.
        return `No network: Grafana could not reach ${at} (its proxy answered ${err.status}). Check the gateway URL, that the exporter runs, and that the Grafana server can reach it.`;
      }
      if (err.status === 503) {
        return `The events gateway is busy: ${at} answered 503${quoted}. Try again shortly.`;
      }
      return `The events gateway cannot read from emnify: ${at} answered ${err.status ?? 'an error'}${quoted}. Check the exporter: its application token, its network to emnify, its log.`;
    case 'EMNIFY_NETWORK':
    case 'EMNIFY_TIMEOUT':
      return `No network: Grafana could not reach ${at}. Check the gateway URL, that the exporter runs, and that the Grafana server can reach it.`;
    case 'EMNIFY_RESPONSE_SHAPE':
      return `Wrong URL? The server at ${gatewayUrl} did not answer like the events gateway (${err.message}). ${baseUrl}`;
    default:
      return undefined;
  }
}

/** A panel's error text: the gateway's connection failures said for the gateway, anything else as the client says it. */
export function queryErrorMessage(err: unknown, jsonData: EmnifyDataSourceOptions): string {
  const viaGateway =
    connectionMode(jsonData) === 'gateway' ? gatewayErrorMessage(err, String(jsonData.gatewayUrl)) : undefined;
  return viaGateway ?? describeError(err);
}

/** The health check's message in the data source's connection mode: exactly what is wrong and what to do. */
export function healthCheckMessage(err: unknown, jsonData: EmnifyDataSourceOptions = {}): string {
  if (connectionMode(jsonData) === 'gateway') {
    return gatewayErrorMessage(err, String(jsonData.gatewayUrl)) ?? describeError(err);
  }
  if (!(err instanceof EmnifyError)) {
    return `Unexpected error: ${describeError(err)}`;
  }
  switch (err.code) {
    case 'EMNIFY_AUTH_REJECTED':
      return 'Bad application token: emnify rejected it. Paste a valid, unrevoked application token (emnify Portal → Integrations → Application Tokens) and save again. Three failed attempts lock authentication for 5 minutes.';
    case 'EMNIFY_AUTH_LOCKED':
      return 'emnify locked authentication after repeated failures. Wait 5 minutes, check the application token, then save again.';
    case 'EMNIFY_RATE_LIMITED':
      return 'Rate limited: the emnify API answered 429 (too many requests for this organisation). Wait a minute and test again; lower dashboard refresh rates if it persists.';
    case 'EMNIFY_SERVER_ERROR':
      if ((err.status === 502 || err.status === 504) && err.apiMessage === undefined) {
        // Grafana's proxy answers 502/504 itself when the upstream cannot be reached.
        return `No network: Grafana could not reach the emnify API (its proxy answered ${err.status}). Check the API URL and that the Grafana server can reach it (proxy, firewall).`;
      }
      return err.message;
    case 'EMNIFY_NETWORK':
    case 'EMNIFY_TIMEOUT':
      return 'No network: Grafana could not reach the emnify API. Check the API URL and that the Grafana server can reach it (proxy, firewall).';
    case 'EMNIFY_NOT_FOUND':
    case 'EMNIFY_RESPONSE_SHAPE':
      return `Wrong URL? The server at the API URL did not answer like the emnify API (${err.message}). The API URL is normally https://cdn.emnify.net.`;
    default:
      return err.message;
  }
}
