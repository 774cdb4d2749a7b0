/**
 * Event lists assembled from time slices: the events of `[from, until]` of one scope and filter, in id
 * order, kept as one answer per request minus its page, so that the pages of one reading come from one
 * answer (../../README.md, "Events gateway", for what is promised). Identical assemblies in flight are
 * done once.
 */
import { EventScope } from '@emnify-events/client';
import { ListPage, ListRequestEcho, StoredEvent, assembleEvents, listPage } from './answer';
import { ByteLruCache } from './byteCache';
import { CacheKind } from './cacheKinds';
import { SlicedPlan } from './listRequest';
import { InFlight } from './shared';
import { NotSliceable, SliceStore } from './sliceStore';

/**
 * How long past max-age an answer still serves pages after the first: a reader that got page 1 just
 * before the answer aged out reads its other pages from the same answer.
 */
export const PAGING_GRACE_MS = 60_000;

interface Assembled {
  events: StoredEvent[];
  /** When the oldest unsealed slice it holds was read (when it was assembled if every slice is sealed). */
  at: number;
}

export interface ListsOptions {
  store: SliceStore;
  cache: ByteLruCache<CacheKind>;
  now: () => number;
  maxAgeMs: number;
  maxEvents: number;
  onLookup?(kind: CacheKind, hit: boolean): void;
  onShared?(): void;
}

export class SlicedLists {
  private readonly assembling: InFlight<Assembled>;

  constructor(private readonly options: ListsOptions) {
    this.assembling = new InFlight(options.onShared);
  }

  /** The page the plan asks for, with emnify's headers. Throws NotSliceable when slices cannot answer it. */
  async page(plan: SlicedPlan, scope: EventScope, echo: ListRequestEcho): Promise<ListPage> {
    const { cache, now, maxAgeMs } = this.options;
    const key = `answer ${JSON.stringify([echo.path, echo.q, echo.sort || ''])}`;
    let answer = cache.get<Assembled>(key);
    const limit = plan.page > 1 ? maxAgeMs + PAGING_GRACE_MS : maxAgeMs;
    if (answer && now() - answer.at < limit) {
      this.options.onLookup?.('answer', true);
    } else {
      this.options.onLookup?.('answer', false);
      answer = await this.assembling.run(key, () => this.assemble(key, plan, scope));
    }
    const perPage = Math.min(plan.perPage, this.options.store.maxPerPage);
    return listPage(answer.events, plan.page, perPage, echo);
  }

  private async assemble(key: string, plan: SlicedPlan, scope: EventScope): Promise<Assembled> {
    const started = this.options.now();
    const slices = await this.options.store.slices(
      { scope, rest: plan.rest, restKey: plan.restKey },
      plan.from,
      plan.until
    );
    const events = assembleEvents(
      slices.map((s) => s.events),
      plan.from,
      plan.until,
      plan.descending
    );
    if (events.length > this.options.maxEvents) {
      throw new NotSliceable('too-large');
    }
    const at = slices.reduce((oldest, s) => (s.sealed ? oldest : Math.min(oldest, s.readAt)), started);
    const assembled = { events, at };
    // Counted at full size although the slices hold the same texts: the bound stays an upper bound of
    // what the cache keeps alive when slices are evicted before the answer.
    let bytes = 512;
    for (const e of events) {
      bytes += e.json.length + 16;
    }
    this.options.cache.set(key, assembled, bytes, 'answer');
    return assembled;
  }
}
