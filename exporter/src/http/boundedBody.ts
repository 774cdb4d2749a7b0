/**
 * Reads a request body within bounds, for a request whose credential has been checked: the announced
 * length first (refused before a byte is read), then the bytes on the wire and, for a compressed body,
 * the bytes it inflates to, counted as they arrive; past the bound reading stops at once (a 20 KB gzip
 * that would inflate to 20 MB is refused after inflating the bound, on the zlib thread pool, never on
 * the event loop). Content-Encoding: identity, gzip (x-gzip) or deflate, one coding; the text is UTF-8.
 */
import type { IncomingMessage } from 'node:http';
import type { Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { formatBytes } from '@emnify-events/client';

export type BodyRefusal =
  | { status: 413; reason: 'too_large'; error: string }
  | { status: 415; reason: 'unsupported_encoding'; error: string }
  | { status: 400; reason: 'bad_encoding'; error: string }
  | { status: 400; reason: 'aborted'; error: string };

export type BodyResult = { ok: true; text: string } | ({ ok: false } & BodyRefusal);

const DECODERS: Record<string, (() => Transform) | undefined> = {
  identity: undefined,
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
};

/** Refuses what can be refused from the header section alone (encoding, charset, announced length). */
export function checkBodyHeaders(req: IncomingMessage, maxBytes: number): BodyRefusal | undefined {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!(encoding in DECODERS)) {
    return {
      status: 415,
      reason: 'unsupported_encoding',
      error: `Content-Encoding "${encoding.slice(0, 40)}" is not supported: send identity, gzip or deflate (one coding).`,
    };
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return {
      status: 415,
      reason: 'unsupported_encoding',
      error: `charset "${charset.slice(0, 40)}" is not supported: send UTF-8 JSON.`,
    };
  }
  const announced = Number(req.headers['content-length']);
  if (announced > maxBytes) {
    return tooLarge(maxBytes, `${formatBytes(announced)} announced`);
  }
  return undefined;
}

function tooLarge(maxBytes: number, what: string): BodyRefusal {
  return {
    status: 413,
    reason: 'too_large',
    error: `The body is larger than ${formatBytes(maxBytes)} (${what}), the bound of one push (after decompression): send smaller batches.`,
  };
}

/** The body as text, or why it was refused. Call checkBodyHeaders first. */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decoder = DECODERS[encoding]?.();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let decoded = 0;
    let done = false;
    const finish = (result: BodyResult) => {
      if (done) {
        return;
      }
      done = true;
      if (decoder) {
        req.unpipe(decoder);
        decoder.destroy();
      }
      if (!result.ok) {
        // Stop reading: the refusal closes the connection, the rest is never read.
        req.pause();
      }
      resolve(result);
    };
    const refuse = (refusal: BodyRefusal) => finish({ ok: false, ...refusal });
    req.on('data', (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > maxBytes) {
        refuse(tooLarge(maxBytes, 'on the wire'));
      }
    });
    const cutShort = () => refuse({ status: 400, reason: 'aborted', error: 'The request was cut short.' });
    req.on('close', () => {
      if (!req.complete) {
        cutShort();
      }
    });
    req.on('error', cutShort);
    const source = decoder ?? req;
    source.on('data', (chunk: Buffer) => {
      if (done) {
        return;
      }
      decoded += chunk.length;
      if (decoded > maxBytes) {
        refuse(tooLarge(maxBytes, decoder ? `inflated from ${formatBytes(wire)}` : 'on the wire'));
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => finish({ ok: true, text: Buffer.concat(chunks, decoded).toString('utf8') }));
    if (decoder) {
      decoder.on('error', () =>
        refuse({ status: 400, reason: 'bad_encoding', error: `The body is not valid ${encoding} data.` })
      );
      req.pipe(decoder);
    }
  });
}
