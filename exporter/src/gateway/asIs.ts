/**
 * Requests the gateway hands to emnify as they are (through the shared client, at the gateway's
 * priority) and answers with emnify's own status, paging headers and body: the type lookup, and event
 * lists it does not assemble from slices (listRequest.ts says which). Identical requests in flight are
 * read once; answers that do not change on retry (2xx, and 4xx other than 401, 403, 429) are kept for
 * max-age (the type lookup for an hour), keyed by the whole request, page included.
 */
import { EmnifyClient, HttpResponse, QueryParams } from '@emnify-events/client';
import { ByteLruCache } from './byteCache';
import { CacheKind } from './cacheKinds';
import { ListParams } from './listRequest';
import { InFlight } from './shared';

/** emnify's headers a handed-on answer keeps (the rest, e.g. AWS request ids, stay behind). */
const KEPT_HEADERS = [
  'content-type',
  'link',
  'x-count-per-page',
  'x-current-page',
  'x-total-count',
  'x-total-pages',
  'x-sort',
  'x-filter',
  'retry-after',
];

/** How long the type lookup is kept: the exporter's poller refreshes its own copy hourly too. */
export const TYPES_MAX_AGE_MS = 3_600_000;

interface Kept {
  answer: HttpResponse;
  at: number;
}

export interface AsIsOptions {
  client: EmnifyClient;
  cache: ByteLruCache<CacheKind>;
  now: () => number;
  maxAgeMs: number;
  signal: () => AbortSignal;
  onLookup?(kind: CacheKind, hit: boolean): void;
  onShared?(): void;
}

const keepable = (status: number) => status < 400 || (status < 500 && ![401, 403, 429].includes(status));

export class AsIsReader {
  private readonly inFlight: InFlight<HttpResponse>;

  constructor(private readonly options: AsIsOptions) {
    this.inFlight = new InFlight(options.onShared);
  }

  /** `GET /api/v1/event/type` as emnify answers it. */
  types(): Promise<HttpResponse> {
    return this.read('types', 'types', '/api/v1/event/type', {}, TYPES_MAX_AGE_MS);
  }

  /** An event list request as emnify answers it: `path` as sent, the four list parameters as sent. */
  list(path: string, params: ListParams): Promise<HttpResponse> {
    const query: QueryParams = {};
    for (const name of ['q', 'sort', 'page', 'per_page'] as const) {
      if (params[name] !== undefined) {
        query[name] = params[name];
      }
    }
    const key = `as-is ${JSON.stringify([path, query])}`;
    return this.read(key, 'as-is', path, query, this.options.maxAgeMs);
  }

  private async read(
    key: string,
    kind: CacheKind,
    path: string,
    query: QueryParams,
    maxAgeMs: number
  ): Promise<HttpResponse> {
    const { cache, now } = this.options;
    const kept = cache.get<Kept>(key);
    if (kept && now() - kept.at < maxAgeMs) {
      this.options.onLookup?.(kind, true);
      return kept.answer;
    }
    this.options.onLookup?.(kind, false);
    return this.inFlight.run(key, async () => {
      const at = now();
      const response = await this.options.client.request(path, query, this.options.signal());
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        if (response.headers[name] !== undefined) {
          headers[name] = response.headers[name];
        }
      }
      const answer = { status: response.status, headers, body: response.body };
      if (keepable(answer.status)) {
        cache.set(key, { answer, at }, answer.body.length + 512, kind);
      }
      return answer;
    });
  }
}
