/**
 * HTTP details of the emnify API as recorded (../shared/emnify-api.md §2.3, §1.3): the gateway and
 * helmet headers every API answer carries, and small request/response helpers.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from './apiErrors';

/** Helmet-style headers of the event service and its CORS exposure list (§2.3). */
export const SERVICE_HEADERS: Readonly<Record<string, string>> = {
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-xss-protection': '1; mode=block',
  'access-control-allow-origin': '*',
  'access-control-expose-headers':
    'X-Count-Per-Page, X-Current-Page, X-Sort, X-Total-Count, X-Total-Pages, Location, X-Count, X-Per-Page, X-Pages, X-Page',
};

export const JSON_UTF8 = 'application/json; charset=utf-8';

/** What CloudFront and API Gateway add to every answer: request ids and the `Via` header. */
export function gatewayHeaders(): Record<string, string> {
  return {
    'x-amzn-requestid': randomUUID(),
    'x-amz-apigw-id': randomBytes(12).toString('base64').replace(/[+/]/g, 'A').slice(0, 15) + '=',
    via: `1.1 ${randomBytes(16).toString('hex')}.cloudfront.net (CloudFront)`,
  };
}

/** Sends an API answer: JSON (or a ready text body) with the service and gateway headers. */
export function sendApi(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...SERVICE_HEADERS,
    'content-type': JSON_UTF8,
    ...gatewayHeaders(),
    ...headers,
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Sends a plain JSON answer (the `/_simulator` surface: no API headers). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': JSON_UTF8, 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

const MAX_BODY = 64 * 1024;

/** Reads a request body as UTF-8 text (at most 64 KiB). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(badRequest('Request body too large'));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The caller's IP, as rate limits and the authentication lockout key it. */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
