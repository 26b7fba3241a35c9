import { describe, expect, it } from 'vitest';
import LRUCache from '../../infra/bundling/lru-cache.ts';

/** The bundles' stand-in for mnemonist's LRU behaves as the endpoint cache relies on it to. */
describe('the bundled LRU cache (infra/bundling/lru-cache.ts)', () => {
  it('evicts the least recently used past its capacity; peek does not refresh, get does', () => {
    const cache = new LRUCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.peek('a')).toBe(1); // not a use
    cache.set('c', 3);
    expect(cache.has('a')).toBe(false);
    expect(cache.get('b')).toBe(2); // a use: c is now the oldest
    cache.set('d', 4);
    expect([cache.has('b'), cache.has('c'), cache.has('d')]).toEqual([true, false, true]);
    cache.set('b', 5);
    expect(cache.get('b')).toBe(5);
    expect(cache.size).toBe(2);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('b')).toBeUndefined();
  });
});
