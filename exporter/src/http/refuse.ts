/**
 * Answers that refuse a request without reading its body. A body that was not read must not be read
 * afterwards either (Node would drain it to keep the connection alive), so such an answer closes the
 * connection: a refused request costs its header section and no more.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Whether the request announced a body (a length above 0, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Sends `status` with a JSON body (or text), closing the connection when a request body is left unread. */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Record<string, unknown> | string,
  headers: Record<string, string> = {}
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, value);
  }
  res.setHeader(
    'Content-Type',
    typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'
  );
  res.setHeader('Content-Length', Buffer.byteLength(text));
  if (!req.complete && hasBody(req)) {
    res.setHeader('Connection', 'close');
  }
  res.end(text);
}
