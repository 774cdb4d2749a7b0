/**
 * Authentication as emnify answers it (../shared/emnify-api.md §1): `POST /api/v1/authenticate` with an
 * application token → a JWT; the lockout after 3 consecutive failures from one IP; and the checks of the
 * `Authorization` header on every other call, with the gateway-style and application-style 401s.
 * Pure of HTTP: outcomes are returned (or thrown as ApiFailure) and the server sends them.
 */
import { JwtIssuer } from './jwt';
import { ApiFailure, badRequest } from './apiErrors';
import type { Organisation } from './world';

export const LOCKOUT_MS = 5 * 60_000;
export const LOCKOUT_AFTER_FAILURES = 3;
/** The application token's id in the JWT's `esc.app` claim. */
export const APPLICATION_TOKEN_ID = 9211;

export interface AuthenticatorOptions {
  applicationToken: string;
  tokenLifetimeSeconds: number;
  now: () => number;
  /** The workspace the application token belongs to (the JWT's `esc.org` and `esc.orgName`). */
  organisation: Readonly<Organisation>;
}

export type AuthenticateOutcome =
  | { status: 200; body: { auth_token: string } }
  /** Empty body: "for most authentication failures" (§1.1). */
  | { status: 401; body: undefined }
  | { status: 401; body: { error_code: 1105; error_token: 'TooManyRequests'; message: string } };

export const LOCKED_OUT_BODY = {
  error_code: 1105,
  error_token: 'TooManyRequests',
  message: 'Too many failed authentication attempts. Try again in 5 minutes.',
} as const;

const CREDENTIAL_KEYS = ['application_token', 'username', 'password', 'refresh_token', 'mfa_token'];

export class Authenticator {
  private readonly jwt = new JwtIssuer();
  private readonly lockouts = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(private readonly options: AuthenticatorOptions) {}

  /**
   * Handles an authenticate body. Not JSON, not an object, or no credential key at all → 400 (thrown);
   * a wrong application token, or credentials this simulator does not hold (username/password, refresh
   * or MFA tokens) → 401 with an empty body, counted towards the lockout.
   */
  authenticate(bodyText: string, ip: string): AuthenticateOutcome {
    const t = this.options.now();
    let lock = this.lockouts.get(ip);
    if (lock && lock.lockedUntil > t) {
      return { status: 401, body: LOCKED_OUT_BODY };
    }
    if (lock && lock.lockedUntil !== 0) {
      // The lock has run out: a fresh start.
      this.lockouts.delete(ip);
      lock = undefined;
    }
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      throw badRequest('Malformed request body: not JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body) || !CREDENTIAL_KEYS.some((k) => k in body)) {
      throw badRequest('Malformed request body: expected application_token, username and password, or refresh_token');
    }
    const given = (body as { application_token?: unknown }).application_token;
    if (given !== undefined && typeof given !== 'string') {
      throw badRequest('Malformed request body: application_token must be a string');
    }
    if (given === this.options.applicationToken) {
      this.lockouts.delete(ip);
      return { status: 200, body: { auth_token: this.issue(t) } };
    }
    const failures = (lock?.failures ?? 0) + 1;
    this.lockouts.set(ip, { failures, lockedUntil: failures >= LOCKOUT_AFTER_FAILURES ? t + LOCKOUT_MS : 0 });
    return { status: 401, body: undefined };
  }

  /** A JWT shaped like emnify's (§1.2). */
  issue(nowMs: number): string {
    const iat = Math.floor(nowMs / 1000);
    return this.jwt.sign({
      aud: '/api/v1/authentication',
      'esc.app': APPLICATION_TOKEN_ID,
      'esc.org': this.options.organisation.id,
      'esc.orgName': this.options.organisation.name,
      api_key: true,
      iss: 'spc-frontend001@spc-frontend',
      iat,
      exp: iat + this.options.tokenLifetimeSeconds,
    });
  }

  /**
   * Checks `Authorization: Bearer <jwt>` and returns the organisation id. Failures (§1.3):
   * none → gateway 401 `{"message":"Unauthorized"}`; not 3 segments → gateway 401 "token contains an
   * invalid number of segments"; bad signature → 1102 InvalidToken; past `exp` → 1103 TokenExpired.
   */
  authorise(header: string | undefined): number {
    const match = header === undefined ? null : /^\s*Bearer\s+(\S*)\s*$/i.exec(header);
    if (header === undefined || header.trim() === '') {
      throw new ApiFailure(401, { message: 'Unauthorized' }, gateway401Headers('UnauthorizedException'));
    }
    const verdict = this.jwt.verify(match ? match[1] : header.trim(), this.options.now());
    if (verdict === 'malformed') {
      throw new ApiFailure(
        401,
        { message: 'token contains an invalid number of segments' },
        gateway401Headers('AccessDeniedException')
      );
    }
    if (verdict === 'invalid') {
      throw new ApiFailure(401, { error_code: 1102, error_token: 'InvalidToken', message: 'Invalid token' });
    }
    if (verdict === 'expired') {
      throw new ApiFailure(401, { error_code: 1103, error_token: 'TokenExpired', message: 'Token expired' });
    }
    return verdict['esc.org'];
  }
}

/** Gateway-level 401s: `x-amzn-ErrorType` and a plain `application/json` (§1.3). */
function gateway401Headers(errorType: string): Record<string, string> {
  return { 'x-amzn-ErrorType': errorType, 'content-type': 'application/json' };
}
