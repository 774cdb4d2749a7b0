/** The API's auth tokens: real 3-segment JWTs (HS384) with `iat`/`exp`, decodable like emnify's (§1.2). */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface JwtClaims {
  aud: string;
  'esc.app': number;
  'esc.org': number;
  'esc.orgName': string;
  api_key: boolean;
  iss: string;
  iat: number;
  exp: number;
}

export class JwtIssuer {
  /** A per-process secret by default: tokens of one simulator run are not valid in another. */
  constructor(private readonly secret: Buffer = randomBytes(48)) {}

  sign(claims: JwtClaims): string {
    const head = b64url(JSON.stringify({ alg: 'HS384' }));
    const body = b64url(JSON.stringify(claims));
    const sig = createHmac('sha384', this.secret).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  /** 'malformed' (not 3 segments), 'invalid' (bad signature or payload), 'expired', or the claims. */
  verify(token: string, nowMs: number): JwtClaims | 'malformed' | 'invalid' | 'expired' {
    const parts = token.split('.');
    if (parts.length !== 3) {
      return 'malformed';
    }
    const expected = createHmac('sha384', this.secret).update(`${parts[0]}.${parts[1]}`).digest();
    const given = Buffer.from(parts[2], 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return 'invalid';
    }
    let claims: JwtClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtClaims;
    } catch {
      return 'invalid';
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) {
      return 'expired';
    }
    return claims;
  }
}
