/**
 * HTTP as an attacker sends it, for the hostile-input suites: any method, headers (a Content-Length that
 * lies included) and body, answered or cut off. A server that answers before the body is sent and closes
 * the connection ends the request with an answer, not an error. Also a server over an exporter's app that
 * counts the bytes it read from each connection (a refused body must not be read).
 */
import { IncomingHttpHeaders, Server, createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Express } from 'express';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface Sent {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Sends one request on a fresh connection; resolves with the answer, or the error code when none came. */
export function send(url: string, sent: Sent = {}): Promise<Answer | { error: string }> {
  return new Promise((resolve) => {
    let answered = false;
    const req = request(url, { method: sent.method ?? 'POST', headers: sent.headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') })
      );
      res.on('error', () => undefined);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!answered) {
        resolve({ error: err.code ?? err.message });
      }
    });
    if (sent.body !== undefined) {
      req.end(sent.body);
    } else {
      req.end();
    }
  });
}

/** The answer, or a test failure saying what came instead. */
export async function answer(url: string, sent: Sent = {}): Promise<Answer> {
  const result = await send(url, sent);
  if ('error' in result) {
    throw new Error(`no answer from ${url}: ${result.error}`);
  }
  return result;
}

/** A gzip body of 20 MB of spaces: about 20 KB on the wire. */
export function gzipBomb(inflatedBytes = 20 * 1024 * 1024): Buffer {
  return gzipSync(Buffer.alloc(inflatedBytes, 0x20), { level: 9 });
}

export const basicAuthorization = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** An exporter's app on 127.0.0.1, counting the bytes read from every connection once it closed. */
export class CountingServer {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  /** Bytes read from connections that have closed. */
  bytesRead = 0;

  constructor(app: Express) {
    this.server = createServer(app);
    this.server.on('connection', (socket: Socket) => {
      this.open.add(socket);
      socket.on('close', () => {
        this.bytesRead += socket.bytesRead;
        this.open.delete(socket);
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until every connection has closed (so bytesRead is complete). */
  async settled(): Promise<void> {
    for (let i = 0; i < 200 && this.open.size > 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
