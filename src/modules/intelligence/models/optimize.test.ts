import { describe, expect, it } from 'vitest';
import { minimizeBfgs } from './optimize.ts';

describe('minimizeBfgs', () => {
  it('finds the minimum of the Rosenbrock valley', () => {
    const result = minimizeBfgs(
      ([x = 0, y = 0]) => ({
        value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        gradient: [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
      }),
      [-1.2, 1],
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.iterations).toBeLessThan(100);
  });

  it('backs off from points where the objective overflows', () => {
    // exp(x) − 2x has its minimum at ln 2; a full first step lands on Infinity.
    const result = minimizeBfgs(([x = 0]) => ({ value: x > 700 ? Number.POSITIVE_INFINITY : Math.exp(x) - 2 * x, gradient: [Math.exp(x) - 2] }), [-900]);
    expect(result.x[0]).toBeCloseTo(Math.LN2, 6);
  });
});
