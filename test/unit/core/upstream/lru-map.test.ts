import { describe, expect, it } from 'vitest';
import { LruMap } from '../../../../src-main/core/upstream/lru-map.js';

/** The candidates still present (probing refreshes them, so call it last). */
function keysOf(map: LruMap<string, number>, candidates: string[]): string[] {
  return candidates.filter((key) => map.get(key) !== undefined);
}

describe('LruMap', () => {
  it('keeps at most `capacity` entries, forgetting the oldest first', () => {
    const map = new LruMap<string, number>(3);
    for (const [index, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, index);
    expect(map.size).toBe(3);
    expect(map.get('a')).toBeUndefined();
    expect(map.get('b')).toBeUndefined();
    expect([map.get('c'), map.get('d'), map.get('e')]).toEqual([2, 3, 4]);
  });

  it('a get() makes an entry the most recently used', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
  });

  it('setting an existing key replaces its value, refreshes it and does not grow the map', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.set('a', 10);
    expect(map.size).toBe(2);
    map.set('c', 3);
    expect(keysOf(map, ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(map.get('a')).toBe(10);
  });

  it('delete() forgets one key and frees its slot', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.delete('a');
    map.delete('missing');
    expect(map.size).toBe(1);
    map.set('c', 3);
    expect(keysOf(map, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });

  it('stays bounded under many distinct keys', () => {
    const map = new LruMap<number, number>(100);
    for (let key = 0; key < 10_000; key += 1) map.set(key, key);
    expect(map.size).toBe(100);
    expect(map.get(9_899)).toBeUndefined();
    expect(map.get(9_900)).toBe(9_900);
    expect(map.get(9_999)).toBe(9_999);
  });
});
