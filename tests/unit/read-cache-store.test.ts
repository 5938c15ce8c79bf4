import { expect, it } from 'vitest';
import { ReadCache } from '@/fuse/http/read-cache-store';

const body = (bytes: number) => new Uint8Array(bytes);

it('evicts the least recently used answer beyond the entry limit', () => {
  const cache = new ReadCache();
  const limits = { maxEntries: 2, maxBytes: 1_000_000 };
  cache.set('a', body(10), 10, limits);
  cache.set('b', body(10), 10, limits);
  expect(cache.get('a')).toBeDefined(); // a is now more recent than b
  cache.set('c', body(10), 10, limits);
  expect(cache.get('b')).toBeUndefined();
  expect(cache.get('a')).toBeDefined();
  expect(cache.get('c')).toBeDefined();
  expect(cache.size.entries).toBe(2);
});

it('evicts beyond the byte limit, counting keys, and never keeps an answer over an eighth of it', () => {
  const cache = new ReadCache();
  const limits = { maxEntries: 100, maxBytes: 8_000 };
  for (let i = 0; i < 20; i++) cache.set(`k${i}`, body(900), 900, limits);
  expect(cache.size.bytes).toBeLessThanOrEqual(8_000);
  expect(cache.size.entries).toBe(8);
  expect(cache.get('k19')).toBeDefined();
  expect(cache.get('k0')).toBeUndefined();
  cache.set('huge', body(1_001), 1_001, limits);
  expect(cache.get('huge')).toBeUndefined();
  expect(cache.size.entries).toBe(8);
});

it('replacing a key does not count it twice; clear empties everything; 0 entries keeps nothing', () => {
  const cache = new ReadCache();
  const limits = { maxEntries: 10, maxBytes: 100_000 };
  cache.set('a', body(100), 100, limits);
  cache.set('a', body(200), 200, limits);
  expect(cache.size).toEqual({ entries: 1, bytes: 200 + 2 });
  cache.clear();
  expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  cache.set('a', body(10), 10, { maxEntries: 0, maxBytes: 100_000 });
  expect(cache.get('a')).toBeUndefined();
});
