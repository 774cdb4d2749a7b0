/**
 * Basic auth of the exporter-toolkit web config (`basic_auth_users`), checked as exporter-toolkit does:
 * bcrypt, one comparison at a time (here on a worker thread, so the event loop stays free), a dummy
 * comparison for users that do not exist, and a cache of recent successes keyed by a hash of user,
 * password and stored hash (never the password itself), so a scraper's repeated credential costs no
 * bcrypt. Users live in a Map: a user called `constructor` or `__proto__` is just a name.
 */
import { createHash } from 'node:crypto';
import { BcryptWorker, bcryptCost } from './bcryptWorker';
import { basicCredentialsOf } from './secrets';

/** `ok`: let in; `denied`: 401; `busy`: too many comparisons waiting (503, nothing compared). */
export type BasicAuthResult = 'ok' | 'denied' | 'busy';

/** How long a successful verification is remembered: 5 minutes. */
export const BASIC_AUTH_CACHE_TTL_MS = 5 * 60_000;
/** The most successful verifications remembered (exporter-toolkit's cache holds 100 too). */
export const BASIC_AUTH_CACHE_SIZE = 100;
/** The most bcrypt comparisons waiting for the worker; beyond, requests are answered 503 at once. */
export const BASIC_AUTH_MAX_PENDING = 64;

export interface BasicAuthOptions {
  now?: () => number;
  cacheTtlMs?: number;
  cacheSize?: number;
  maxPending?: number;
  /** The comparison (default: the bcrypt worker). */
  compare?: (password: string, hash: string | null, cost: number) => Promise<boolean>;
}

export class BasicAuthVerifier {
  /** Cache key → expiry (epoch ms); insertion order is age order. */
  private readonly verified = new Map<string, number>();
  /** Comparisons under way, by cache key: the same credential sent twice at once costs one. */
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly worker = new BcryptWorker();
  private readonly cost: number;
  private readonly now: () => number;
  private readonly compare: NonNullable<BasicAuthOptions['compare']>;

  constructor(
    private readonly users: ReadonlyMap<string, string>,
    private readonly options: BasicAuthOptions = {}
  ) {
    this.now = options.now ?? Date.now;
    this.compare = options.compare ?? ((p, h, c) => this.worker.compare(p, h, c));
    const first = users.values().next();
    this.cost = first.done ? 10 : bcryptCost(first.value);
  }

  get enabled(): boolean {
    return this.users.size > 0;
  }

  async verify(authorization: string | undefined): Promise<BasicAuthResult> {
    const credentials = basicCredentialsOf(authorization);
    if (!credentials) {
      return 'denied';
    }
    const [user, password] = credentials;
    const hash = this.users.get(user) ?? null;
    const key = createHash('sha256')
      .update(JSON.stringify([user, password, hash]))
      .digest('hex');
    const expires = this.verified.get(key);
    if (expires !== undefined) {
      if (expires > this.now()) {
        return 'ok';
      }
      this.verified.delete(key);
    }
    let comparison = this.inFlight.get(key);
    if (!comparison) {
      if (this.inFlight.size >= (this.options.maxPending ?? BASIC_AUTH_MAX_PENDING)) {
        return 'busy';
      }
      comparison = this.compare(password, hash, this.cost).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, comparison);
    }
    const ok = (await comparison) && hash !== null;
    if (ok) {
      this.remember(key);
    }
    return ok ? 'ok' : 'denied';
  }

  private remember(key: string): void {
    this.verified.delete(key);
    this.verified.set(key, this.now() + (this.options.cacheTtlMs ?? BASIC_AUTH_CACHE_TTL_MS));
    const size = this.options.cacheSize ?? BASIC_AUTH_CACHE_SIZE;
    for (const oldest of this.verified.keys()) {
      if (this.verified.size <= size) {
        break;
      }
      this.verified.delete(oldest);
    }
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
