/**
 * The API's short-lived JWT: obtained from `POST /api/v1/authenticate`, cached, refreshed before its
 * expiry (`exp - iat` from receipt, so clock skew does not matter), shared by concurrent callers through one in-flight authentication. A rejected application
 * token is a stop, not a retry loop: three failed authentications lock the account for 5 minutes
 * (../shared/emnify-api.md §1.1), so after a rejection no new attempt is made until `cooldownMs` passed.
 */
import { EmnifyError, httpError, parseApiErrorBody } from './errors';
import { jwtExpiry, jwtLifetime } from './jwt';
import { RequesterDeps, sendWithRetry } from './requester';
import { clampTimerMs } from './timers';
import { HttpResponse } from './transport';

export const AUTHENTICATE_PATH = '/api/v1/authenticate';

export interface TokenManagerOptions {
  /** The application token; omit when a proxy adds the credentials (the Grafana plugin's route). */
  applicationToken?: string;
  /**
   * A bearer token sent as it is, never obtained from /authenticate nor refreshed (the exporter's events
   * gateway takes its own token). With it, `applicationToken` is not used.
   */
  staticBearer?: string;
  /**
   * The transport adds the credential to every API call itself (a proxy that holds it: the Grafana
   * plugin's gateway route). No Authorization header is sent, nothing is authenticated or refreshed.
   */
  credentialByTransport?: boolean;
  /**
   * How long a rejection is remembered before trying again; default 5 minutes (the lockout time). Clamped
   * to 0 … MAX_TIMER_MS like every delay of the client (NaN is refused: it would disable the cooldown).
   */
  rejectionCooldownMs?: number;
}

/** The default rejection cooldown: emnify's lockout after 3 failed authentications (../shared/emnify-api.md §1.1). */
export const AUTH_REJECTION_COOLDOWN_MS = 5 * 60_000;

export class TokenManager {
  private token?: string;
  private expiresAt?: number;
  private lifetime?: number;
  private inflight?: Promise<string>;
  private rejection?: { error: EmnifyError; until: number };
  private readonly cooldownMs: number;

  constructor(
    private readonly deps: RequesterDeps,
    private readonly options: TokenManagerOptions
  ) {
    this.cooldownMs = clampTimerMs(options.rejectionCooldownMs ?? AUTH_REJECTION_COOLDOWN_MS);
  }

  /** Strings that must never appear in an error or log line. */
  secrets(): Array<string | undefined> {
    return [this.options.applicationToken, this.options.staticBearer, this.token];
  }

  /** Whether the bearer is a static one (no authentication, nothing to refresh after a 401). */
  get isStatic(): boolean {
    return this.options.staticBearer !== undefined || this.options.credentialByTransport === true;
  }

  /**
   * A valid JWT (cached while more than a safety margin from `exp`, else a fresh one), the static bearer,
   * or '' when the transport adds the credential (no Authorization header).
   */
  async getToken(signal?: AbortSignal): Promise<string> {
    if (this.options.credentialByTransport) {
      return '';
    }
    if (this.options.staticBearer !== undefined) {
      return this.options.staticBearer;
    }
    if (this.token && !this.isExpiring()) {
      return this.token;
    }
    return this.refresh(signal);
  }

  /** Forgets `token` (after a 401 on an API call) so the next getToken authenticates again. */
  invalidate(token: string): void {
    if (this.token === token) {
      this.token = undefined;
      this.expiresAt = undefined;
    }
  }

  private isExpiring(): boolean {
    if (this.expiresAt === undefined) {
      return false;
    }
    // Refresh a tenth of the token's life before it ends: at most 60 s, at least 5 s before expiry.
    const margin = Math.max(5_000, Math.min(60_000, (this.lifetime ?? 0) * 0.1));
    return this.deps.now() >= this.expiresAt - margin;
  }

  private refresh(signal?: AbortSignal): Promise<string> {
    if (this.rejection && this.deps.now() < this.rejection.until) {
      return Promise.reject(this.rejection.error);
    }
    if (!this.inflight) {
      this.inflight = this.authenticate(signal).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async authenticate(signal?: AbortSignal): Promise<string> {
    const body =
      this.options.applicationToken !== undefined ? { application_token: this.options.applicationToken } : undefined;
    try {
      const token = await sendWithRetry(
        this.deps,
        { method: 'POST', path: AUTHENTICATE_PATH, body, kind: 'authenticate', signal },
        (response) => this.readToken(response),
        (response) => this.fail(response)
      );
      this.token = token;
      const lifetime = jwtLifetime(token);
      this.lifetime = lifetime;
      this.expiresAt = lifetime !== undefined ? this.deps.now() + lifetime : jwtExpiry(token);
      this.rejection = undefined;
      this.deps.observer.onAuthenticate?.({ outcome: 'success' });
      return token;
    } catch (err) {
      if (!(err instanceof EmnifyError) || (err.code !== 'EMNIFY_AUTH_REJECTED' && err.code !== 'EMNIFY_AUTH_LOCKED')) {
        this.deps.observer.onAuthenticate?.({ outcome: 'error' });
      }
      throw err;
    }
  }

  private readToken(response: HttpResponse): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      throw new EmnifyError('EMNIFY_RESPONSE_SHAPE', 'The authentication answer was not JSON.', {
        path: AUTHENTICATE_PATH,
        retryable: true,
      });
    }
    const token = (parsed as { auth_token?: unknown } | null)?.auth_token;
    if (typeof token !== 'string' || token === '') {
      throw new EmnifyError('EMNIFY_RESPONSE_SHAPE', 'The authentication answer has no auth_token.', {
        path: AUTHENTICATE_PATH,
        retryable: true,
      });
    }
    return token;
  }

  private fail(response: HttpResponse): never {
    if (response.status === 401 || response.status === 403) {
      const body = parseApiErrorBody(response.body);
      const locked = body?.error_token === 'TooManyRequests';
      const error = new EmnifyError(
        locked ? 'EMNIFY_AUTH_LOCKED' : 'EMNIFY_AUTH_REJECTED',
        locked
          ? 'emnify locked authentication after repeated failures (TooManyRequests). Wait 5 minutes, then check the application token.'
          : `emnify rejected the application token (${response.status}). Check that it is correct, not revoked and not expired; create a new one in the emnify Portal if needed. Note: 3 failed attempts lock authentication for 5 minutes.`,
        { status: response.status, apiErrorToken: body?.error_token, path: AUTHENTICATE_PATH }
      );
      this.rejection = { error, until: this.deps.now() + this.cooldownMs };
      this.deps.observer.onAuthenticate?.({ outcome: locked ? 'locked' : 'rejected' });
      throw error;
    }
    throw httpError(response.status, response.body, AUTHENTICATE_PATH, this.secrets());
  }
}
