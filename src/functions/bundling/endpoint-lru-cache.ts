/**
 * Stands in for `mnemonist/lru-cache` in every function bundle (tools/build/functions.ts `alias`): the only importer
 * is the AWS SDK's endpoint-discovery cache (@aws-sdk/endpoint-cache, in the DynamoDB client), which uses `get`,
 * `set`, `has`, `peek` and `clear`. DynamoDB's endpoint discovery is off unless a client turns it on (none here), so
 * the cache holds nothing; mnemonist's general LRU costs 5 KB of every DynamoDB bundle, this one a few hundred bytes
 * (test/infra/bundle-size.test.ts holds the bundles to their size goal).
 */
export default class LruCache<K, V> {
  readonly #entries = new Map<K, V>();

  /** @param capacity the most entries kept; setting one more drops the least recently used. */
  constructor(private readonly capacity: number) {}

  /** The value of `key`, now the most recently used; undefined when absent. */
  get(key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined;
    const value = this.#entries.get(key) as V;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** The value of `key` without touching its recency. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Whether `key` is held. */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Holds `value` as the most recently used, dropping the least recently used beyond the capacity. */
  set(key: K, value: V): this {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as K);
    return this;
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
