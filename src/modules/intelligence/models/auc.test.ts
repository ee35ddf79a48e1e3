import { describe, expect, it } from 'vitest';
import { accuracy, rocAuc } from './auc.ts';

describe('rocAuc', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, ½ for a constant score', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
  });

  it('counts tied positive/negative pairs as one half', () => {
    // Pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.4) tie, (0.9 vs 0.1) win, (0.9 vs 0.4) win → 3.5 / 4.
    expect(rocAuc([0.1, 0.4, 0.4, 0.9], [0, 0, 1, 1])).toBe(0.875);
  });

  it('agrees with counting all pairs on random data', () => {
    let seed = 3;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const scores = Array.from({ length: 300 }, () => Math.round(next() * 20) / 20);
    const labels = scores.map((s) => (next() < s ? 1 : 0) as 0 | 1);
    let wins = 0;
    let pairs = 0;
    scores.forEach((si, i) => {
      if (labels[i] !== 1) return;
      scores.forEach((sj, j) => {
        if (labels[j] !== 0) return;
        pairs++;
        wins += si > sj ? 1 : si === sj ? 0.5 : 0;
      });
    });
    expect(rocAuc(scores, labels)).toBeCloseTo(wins / pairs, 12);
  });
});

describe('accuracy', () => {
  it('thresholds at ½ by default', () => {
    expect(accuracy([0.2, 0.6, 0.5, 0.4], [0, 1, 0, 0])).toBe(0.75);
    expect(accuracy([0.2, 0.6, 0.5, 0.4], [false, true, false, false], 0.55)).toBe(1);
  });
});
