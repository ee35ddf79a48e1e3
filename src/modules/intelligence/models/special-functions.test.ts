import { describe, expect, it } from 'vitest';
import { digamma, gammaSign, hyp2f1, lnBeta, lnGamma } from './special-functions.ts';

describe('lnGamma', () => {
  it('matches factorials and known values', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      expect(lnGamma(n)).toBeCloseTo(logFactorial, 9);
      logFactorial += Math.log(n);
    }
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(lnGamma(1e-8)).toBeCloseTo(-Math.log(1e-8) - 0.5772156649 * 1e-8, 10);
    expect(lnGamma(-0.5)).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 13); // Γ(−½) = −2√π
    expect(gammaSign(-0.5)).toBe(-1);
    expect(gammaSign(-1.5)).toBe(1);
    expect(lnGamma(0)).toBe(Number.POSITIVE_INFINITY);
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 14);
  });
});

describe('digamma', () => {
  it('matches ψ(1) = −γ, the recurrence and the numerical derivative of lnGamma', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 13);
    expect(digamma(0.5)).toBeCloseTo(-0.5772156649015329 - 2 * Math.LN2, 13);
    for (const x of [0.01, 0.3, 2.5, 7, 40, 1234.5]) {
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 10);
      const h = 1e-5 * x;
      expect(digamma(x) / ((lnGamma(x + h) - lnGamma(x - h)) / (2 * h))).toBeCloseTo(1, 6);
    }
  });
});

describe('hyp2f1', () => {
  it('matches closed forms on both sides of the series / connection-formula switch', () => {
    for (const z of [-3, -0.5, 0.1, 0.5, 0.89, 0.91, 0.95, 0.999]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 11); // c − a − b = 0: series path
      expect(hyp2f1(0.7, 1.3, 1.3, z)).toBeCloseTo((1 - z) ** -0.7, 10);
      if (z > 0) {
        const s = Math.sqrt(z);
        expect(hyp2f1(0.5, 0.5, 1.5, z)).toBeCloseTo(Math.asin(s) / s, 11); // c − a − b = ½
      }
    }
  });

  it('is continuous where the algorithm switches, and agrees with Euler’s transformation', () => {
    const [a, b, c] = [2.976, -0.207, 2.219];
    const below = hyp2f1(a, b, c, 0.9 - 1e-12);
    const above = hyp2f1(a, b, c, 0.9 + 1e-12);
    expect(Math.abs(below - above)).toBeLessThan(1e-10);
    for (const z of [0.3, 0.8, 0.946, 0.99]) {
      expect(hyp2f1(0.2426, 2.4258, 2.2187, z)).toBeCloseTo((1 - z) ** (2.2187 - 0.2426 - 2.4258) * hyp2f1(2.2187 - 0.2426, 2.2187 - 2.4258, 2.2187, z), 9);
    }
  });

  it('terminates polynomials and rejects z ≥ 1', () => {
    expect(hyp2f1(-2, 3, 4, 0.5)).toBeCloseTo(1 - (2 * 3 * 0.5) / 4 + (2 * 1 * 3 * 4 * 0.25) / (4 * 5 * 2), 14);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});
