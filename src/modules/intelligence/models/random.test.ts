import { describe, expect, it } from 'vitest';
import { createRng, shuffled } from './random.ts';

describe('createRng', () => {
  it('is reproducible from its seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('draws gamma and beta variates with the right means and variances', () => {
    const rng = createRng(42);
    const n = 200_000;
    for (const [shape, rate] of [
      [0.25, 4],
      [3, 0.5],
    ] as const) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const g = rng.gamma(shape, rate);
        s += g;
        s2 += g * g;
      }
      const mean = s / n;
      expect(mean / (shape / rate)).toBeCloseTo(1, 1);
      expect((s2 / n - mean * mean) / (shape / rate ** 2)).toBeCloseTo(1, 1);
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += rng.beta(0.8, 2.5);
    expect(s / n).toBeCloseTo(0.8 / 3.3, 2);
  });

  it('shuffles a copy', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(items, createRng(1));
    expect(out).not.toEqual(items);
    expect([...out].sort()).toEqual(items);
  });
});
