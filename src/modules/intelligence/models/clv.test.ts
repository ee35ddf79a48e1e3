import { describe, expect, it } from 'vitest';
import { fitBgNbd } from './bgnbd.ts';
import { customerLifetimeValue } from './clv.ts';
import { fitGammaGamma } from './gamma-gamma.ts';
import { readReferenceCsv } from './test-support.ts';

describe('customerLifetimeValue (BG/NBD × Gamma-Gamma on CDNOW, weeks)', () => {
  const customers = readReferenceCsv('cdnow/cdnow_customers_summary_with_transactions.csv').map((row) => ({
    frequency: Number(row.x),
    recency: Number(row.t_x),
    T: Number(row.T),
    monetaryValue: Number(row.zbar),
  }));
  const models = { bgnbd: fitBgNbd(customers), gammaGamma: fitGammaGamma(customers) };
  const weeks = { timeUnitsPerMonth: 4.345 };
  const customer1 = customers[0] as (typeof customers)[number]; // x = 2, t_x = 30.43, T = 38.86, z̄ = 22.35

  it('matches a hand computation for customer 1', () => {
    // Expected spend 24.6586 (Gamma-Gamma); E[Y(4.345 weeks)] = 0.159724 and E[Y(52.14 weeks)] = 1.562017 (BG/NBD).
    // One month at 10 %/yr: 24.6586 × 0.159724 / 1.1^(1/12) = 3.9074.
    expect(customerLifetimeValue(models, customer1, { ...weeks, months: 1, annualDiscountRate: 0.1 })).toBeCloseTo(3.9074, 3);
    // Twelve months undiscounted telescopes to spend × E[Y(12 months)]: 24.6586 × 1.562017 = 38.5172.
    expect(customerLifetimeValue(models, customer1, { ...weeks, months: 12, annualDiscountRate: 0 })).toBeCloseTo(38.5172, 3);
  });

  it('discounts: a higher rate gives a lower value, and the 12-month default lies between', () => {
    const at = (annualDiscountRate: number) => customerLifetimeValue(models, customer1, { ...weeks, annualDiscountRate });
    expect(at(0.3)).toBeLessThan(at(0.1));
    expect(at(0.1)).toBeLessThan(at(0));
    expect(customerLifetimeValue(models, customer1, weeks)).toBe(at(0.1));
  });

  it('rises with frequency for recent buyers', () => {
    let previous = -1;
    for (const frequency of [0, 1, 2, 5, 10, 30]) {
      const clv = customerLifetimeValue(models, { frequency, recency: 38, T: 38.86, monetaryValue: 30 }, weeks);
      expect(clv).toBeGreaterThan(previous);
      previous = clv;
    }
  });

  it('is about zero for a long-dead customer', () => {
    // 20 purchases in the first 3 weeks, then 50 silent weeks.
    const dead = customerLifetimeValue(models, { frequency: 20, recency: 3, T: 53, monetaryValue: 30 }, weeks);
    const alive = customerLifetimeValue(models, { frequency: 20, recency: 52, T: 53, monetaryValue: 30 }, weeks);
    expect(dead).toBeLessThan(0.01);
    expect(alive).toBeGreaterThan(100);
  });
});
