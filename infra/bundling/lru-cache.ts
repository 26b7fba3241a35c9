/**
 * A small LRU cache in place of `mnemonist/lru-cache` in the bundles (aliased in `BUNDLING`,
 * infra/constructs/functions.ts). The DynamoDB client builds an endpoint-discovery cache
 * (`@aws-sdk/endpoint-cache`) at construction even though discovery is off; the cache needs only
 * `get`, `set`, `has`, `peek` and `clear`, and mnemonist with its helper `obliterator` is ~7 KB of
 * every bundle that talks to DynamoDB. A Map keeps insertion order, which is all an LRU needs.
 *
 * Only the bundles are aliased: the embedded runtime and the tests run the real module.
 */
export default class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value without making it the most recently used. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}
