import { describe, expect, it } from 'vitest';
import { RecentCache } from './recent-cache.ts';

describe('RecentCache', () => {
  it('keeps at most two generations and drops the least recently used keys first', () => {
    const cache = new RecentCache<string, number>(3);
    for (let i = 0; i < 3; i++) cache.set(`k${i}`, i);
    // k0 is used again: it moves to the new generation when k3 starts one.
    cache.set('k3', 3);
    expect(cache.get('k0')).toBe(0);
    for (let i = 4; i < 7; i++) cache.set(`k${i}`, i);
    // The first generation (k1, k2) is gone; k0, used recently, survives.
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k2')).toBeUndefined();
    expect(cache.get('k0')).toBe(0);
    expect(cache.size).toBeLessThanOrEqual(6);
  });

  it('holds a bounded number of entries however many keys pass through', () => {
    const cache = new RecentCache<number, number>(1000);
    for (let i = 0; i < 100_000; i++) cache.set(i, i);
    expect(cache.size).toBeLessThanOrEqual(2000);
    expect(cache.get(99_999)).toBe(99_999);
    expect(cache.get(0)).toBeUndefined();
  });
});
