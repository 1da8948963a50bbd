import { EndpointCache } from '@aws-sdk/endpoint-cache';
import LruCache from '../../../src/functions/bundling/endpoint-lru-cache';

describe('bundling: the endpoint cache stand-in for mnemonist/lru-cache', () => {
  it('drops the least recently used entry beyond its capacity; get refreshes recency, peek does not', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.peek('a')).toBe(1);
    cache.set('d', 4);
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([false, true, true]);
    cache.clear();
    expect(cache.has('d')).toBe(false);
  });

  it("behaves as the SDK's EndpointCache expects of its LRU", () => {
    const sdk = new EndpointCache(1);
    (sdk as unknown as { cache: LruCache<string, unknown> }).cache = new LruCache(1);
    sdk.set('k', [{ Address: 'a.example', CachePeriodInMinutes: 1 }]);
    expect(sdk.getEndpoint('k')).toBe('a.example');
    sdk.set('j', [{ Address: 'b.example', CachePeriodInMinutes: 1 }]);
    expect(sdk.getEndpoint('k')).toBeUndefined();
    sdk.delete('j');
    expect(sdk.has('j')).toBe(false);
  });
});
