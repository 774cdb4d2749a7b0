import { ByteLruCache } from './byteCache';

type Kind = 'a' | 'b';

describe('ByteLruCache', () => {
  it('evicts the least recently used entries until the bytes fit, and reports what it holds', () => {
    const states: string[] = [];
    const evicted: Kind[] = [];
    const cache = new ByteLruCache<Kind>(100, ['a', 'b'], {
      onChange: (bytes, entries) => states.push(`${bytes} a${entries.a} b${entries.b}`),
      onEvict: (kind) => evicted.push(kind),
    });
    cache.set('x', 'X', 40, 'a');
    cache.set('y', 'Y', 40, 'b');
    expect(cache.get('x')).toBe('X'); // x is now the most recently used
    cache.set('z', 'Z', 40, 'a'); // 120 > 100: y goes
    expect([cache.get('x'), cache.get('y'), cache.get('z')]).toEqual(['X', undefined, 'Z']);
    expect(cache.bytes).toBe(80);
    expect(evicted).toEqual(['b']);
    expect(states).toEqual(['40 a1 b0', '80 a1 b1', '80 a2 b0']);
  });

  it('replaces an entry under the same key, and refuses one larger than the whole bound', () => {
    const cache = new ByteLruCache<Kind>(100, ['a', 'b']);
    cache.set('x', 1, 30, 'a');
    cache.set('x', 2, 50, 'a');
    expect([cache.get('x'), cache.bytes, cache.size]).toEqual([2, 50, 1]);
    expect(cache.set('big', 3, 101, 'b')).toBe(false);
    expect([cache.get('big'), cache.get('x'), cache.bytes]).toEqual([undefined, 2, 50]);
    cache.delete('x');
    expect([cache.bytes, cache.size]).toEqual([0, 0]);
  });
});
