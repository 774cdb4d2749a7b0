/**
 * The gateway's credential: `Authorization: Bearer <token>`, compared in constant time. Both sides are
 * hashed first (SHA-256), so neither the comparison's time nor its length check tells anything about
 * the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Whether the `Authorization` header carries `Bearer <expected>`. */
export function hasBearer(header: string | undefined, expected: string): boolean {
  const given = /^Bearer +(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(expected)) && given !== '';
}
