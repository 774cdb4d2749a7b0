/**
 * The last known network of each endpoint, for events that carry none (`--labels.last-network`). Pure.
 *
 * - An event **carries a network** when its type is in the lookup and its `detail` names an operator or a
 *   country (`network.operatorName` or `network.countryIso` not empty). It keeps its own labels.
 * - The **last known network** of an endpoint (key: `endpoint.id`) is the network of the newest event by
 *   `(timestamp, id)` among the events with network the exporter counted for it, up to the event being
 *   counted. The counted events of one batch (a page, a push) are taken in `(timestamp, id)` order; a late
 *   event with an older network than the one remembered does not replace it.
 * - An event of a known type **without network** is counted with the operator and country of its
 *   endpoint's last known network, unless that network's event is more than `maxAgeMs` older than it. No
 *   endpoint, an endpoint never seen with a network (or forgotten): the labels stay empty.
 * - At most `maxEndpoints` endpoints are remembered: every counted event of an endpoint makes it the most
 *   recently used; a new endpoint past the bound evicts the least recently used one.
 *
 * The memory is a Map in least-recently-used-first order. A batch works on an overlay (`NetworkBatch`)
 * and produces a `NetworkDelta` that `applyNetworkDelta` applies after the delta was made durable (the
 * ledger's commit, and a start replaying the journal), so the map after a restart is the same map, in
 * the same order.
 */
import type { EmnifyEvent } from '@emnify-events/client';

/** A network as labels: the interned pair (one object per distinct pair, shared by every endpoint on it). */
export interface NetworkLabels {
  readonly country: string;
  readonly operator: string;
}

/** What is remembered per endpoint: the event that carried its newest network, and that network. */
export interface KnownNetwork {
  /** Event time (epoch ms) and id of that event: `(time, id)` decides which of two is newer. */
  readonly time: number;
  readonly id: number;
  readonly network: NetworkLabels;
}

/** Endpoint id → its last known network, least recently used first. */
export type NetworkMemory = Map<number, KnownNetwork>;

/** One remembered endpoint as the state files hold it: `[endpoint id, event time, event id, country, operator]`. */
export type NetworkRecord = [number, number, number, string, string];

export interface NetworkOptions {
  /** Endpoints remembered at most. */
  maxEndpoints: number;
  /** A last known network whose event is more than this older than the event counted is not used. */
  maxAgeMs: number;
}

/** The change of one batch: forget these endpoints, then (re)set these, in order, as the most recently used. */
export interface NetworkDelta {
  forget: number[];
  set: NetworkRecord[];
}

/** Interned network label pairs: endpoints on the same network share one object. */
const interned = new Map<string, NetworkLabels>();
/** The most pairs interned (emnify has some hundreds of operators); past it, pairs are not shared. */
const MAX_INTERNED = 10_000;

export function networkLabels(country: string, operator: string): NetworkLabels {
  const key = `${country}\n${operator}`;
  let labels = interned.get(key);
  if (!labels) {
    labels = { country, operator };
    if (interned.size < MAX_INTERNED) {
      interned.set(key, labels);
    }
  }
  return labels;
}

export function toRecord(endpoint: number, known: KnownNetwork): NetworkRecord {
  return [endpoint, known.time, known.id, known.network.country, known.network.operator];
}

export function fromRecord(record: readonly [number, number, number, string, string]): KnownNetwork {
  return { time: record[1], id: record[2], network: networkLabels(record[3], record[4]) };
}

/** The memory from records (least recently used first): the records applied to an empty memory. */
export function memoryOf(records: ReadonlyArray<readonly [number, number, number, string, string]>): NetworkMemory {
  const memory: NetworkMemory = new Map();
  applyNetworkDelta(memory, [], records);
  return memory;
}

export function recordsOf(memory: NetworkMemory): NetworkRecord[] {
  return [...memory].map(([endpoint, known]) => toRecord(endpoint, known));
}

/** Applies a batch's change in place (the ledger's commit and the journal's replay). */
export function applyNetworkDelta(
  memory: NetworkMemory,
  forget: readonly number[],
  set: ReadonlyArray<readonly [number, number, number, string, string]>
): void {
  for (const endpoint of forget) {
    memory.delete(endpoint);
  }
  for (const record of set) {
    memory.delete(record[0]);
    memory.set(record[0], fromRecord(record));
  }
}

/** Forgets the endpoints whose network's event is older than `below`; returns how many. */
export function forgetOlder(memory: NetworkMemory, below: number): number {
  let forgotten = 0;
  for (const [endpoint, known] of memory) {
    if (known.time < below) {
      memory.delete(endpoint);
      forgotten++;
    }
  }
  return forgotten;
}

/** The endpoint id of an event: a positive safe integer, or undefined. */
export function endpointOf(event: EmnifyEvent): number | undefined {
  const id = event.endpoint?.id as unknown;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** The network an event carries, or undefined. */
export function carriedNetwork(event: EmnifyEvent): NetworkLabels | undefined {
  const n = event.network;
  return n && (n.countryIso !== '' || n.operatorName !== '') ? networkLabels(n.countryIso, n.operatorName) : undefined;
}

/** `a` is newer than `b` by (time, id). */
const newer = (a: { time: number; id: number }, b: { time: number; id: number }) =>
  a.time > b.time || (a.time === b.time && a.id > b.id);

/**
 * One batch's work on the memory, without changing it: lookups see the batch's own changes first.
 * Evictions happen event by event, exactly as if the memory were changed in place.
 */
export class NetworkBatch {
  /** Endpoints this batch touched, with what they hold now, in the order of their last touch. */
  private readonly touched: NetworkMemory = new Map();
  /** Endpoints of the memory evicted by this batch. */
  private readonly evicted = new Set<number>();
  /** Walks the memory from its least recently used endpoint (the memory does not change during a batch). */
  private readonly cursor: Iterator<number>;
  private size: number;
  /** Events counted with their endpoint's last known network. */
  attributed = 0;
  /** Events without network counted with empty labels (no endpoint, never seen, too old). */
  unattributed = 0;
  /** Endpoints evicted at the bound. */
  evictions = 0;

  constructor(
    private readonly memory: NetworkMemory,
    private readonly options: NetworkOptions
  ) {
    this.cursor = memory.keys();
    this.size = memory.size;
  }

  private get(endpoint: number): KnownNetwork | undefined {
    const mine = this.touched.get(endpoint);
    if (mine !== undefined || this.evicted.has(endpoint)) {
      return mine;
    }
    return this.memory.get(endpoint);
  }

  private touch(endpoint: number, known: KnownNetwork): void {
    this.touched.delete(endpoint);
    this.touched.set(endpoint, known);
  }

  /** Evicts the least recently used endpoint. */
  private evictOne(): void {
    for (;;) {
      const next = this.cursor.next();
      if (next.done) {
        break;
      }
      if (!this.touched.has(next.value) && !this.evicted.has(next.value)) {
        this.evicted.add(next.value);
        this.size--;
        this.evictions++;
        return;
      }
    }
    const first = this.touched.keys().next();
    if (!first.done) {
      this.touched.delete(first.value);
      if (this.memory.has(first.value)) {
        this.evicted.add(first.value);
      }
      this.size--;
      this.evictions++;
    }
  }

  /**
   * The network to count `event` with (its own, its endpoint's last known one, or none), remembering what
   * it tells. Call for the counted events of known types of a batch, in (time, id) order.
   */
  place(event: EmnifyEvent): NetworkLabels | undefined {
    const own = carriedNetwork(event);
    const endpoint = endpointOf(event);
    if (endpoint === undefined) {
      if (!own) {
        this.unattributed++;
      }
      return own;
    }
    const known = this.get(endpoint);
    if (own) {
      const mine: KnownNetwork = { time: event.time, id: event.id, network: own };
      if (known === undefined) {
        if (this.size >= this.options.maxEndpoints) {
          this.evictOne();
        }
        this.size++;
        this.touch(endpoint, mine);
      } else {
        this.touch(endpoint, newer(mine, known) ? mine : known);
      }
      return own;
    }
    if (known === undefined) {
      this.unattributed++;
      return undefined;
    }
    this.touch(endpoint, known);
    if (known.time < event.time - this.options.maxAgeMs) {
      this.unattributed++;
      return undefined;
    }
    this.attributed++;
    return known.network;
  }

  /** The batch's change, or undefined when it changed nothing. */
  delta(): NetworkDelta | undefined {
    const forget = [...this.evicted].filter((e) => !this.touched.has(e));
    if (forget.length === 0 && this.touched.size === 0) {
      return undefined;
    }
    return { forget, set: [...this.touched].map(([endpoint, known]) => toRecord(endpoint, known)) };
  }
}
