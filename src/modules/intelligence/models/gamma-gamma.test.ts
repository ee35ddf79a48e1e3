import { describe, expect, it } from 'vitest';
import { summarizeTransactions } from './customer-summary.ts';
import { expectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood } from './gamma-gamma.ts';
import { readCdnowSample, readReferenceCsv } from './test-support.ts';

const publishedSpend = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];

// The published file: ID, x, t_x, T, zbar with zbar printed to the cent.
const fromCsv = () =>
  readReferenceCsv('cdnow/cdnow_customers_summary_with_transactions.csv').map((row) => ({
    id: Number(row.ID),
    frequency: Number(row.x),
    monetaryValue: Number(row.zbar),
  }));

// The same customers with z̄ at full precision, from the raw transactions.
const fromTransactions = () =>
  summarizeTransactions(readCdnowSample(), { calibrationEnd: new Date(Date.UTC(1997, 8, 30)), daysPerUnit: 7 })
    .map((s) => ({ id: Number(s.customerId), frequency: s.frequency, monetaryValue: s.monetaryValue }))
    .sort((a, b) => a.id - b.id);

describe('Gamma-Gamma on CDNOW (Fader & Hardie note 025)', () => {
  it('fits p, q, v = 6.25, 3.74, 15.44 on the 946 repeat customers and gives the published spends for customers 1..10', () => {
    const customers = fromTransactions();
    const fit = fitGammaGamma(customers);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    expect(fit.p).toBeCloseTo(6.25, 2);
    expect(fit.q).toBeCloseTo(3.74, 2);
    expect(fit.v).toBeCloseTo(15.44, 2);
    for (const nudged of [
      { ...fit, p: fit.p * 1.01 },
      { ...fit, q: fit.q * 0.99 },
      { ...fit, v: fit.v * 1.01 },
    ]) {
      expect(gammaGammaLogLikelihood(nudged, customers)).toBeLessThan(fit.logLikelihood);
    }
    const first10 = customers.slice(0, 10);
    expect(first10.map((c) => c.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const [i, c] of first10.entries()) expect(expectedAverageSpend(fit, c)).toBeCloseTo(publishedSpend[i] as number, 2);
    // x = 0 (customers 3, 4, 5, 8, 10): the population mean p·v/(q − 1).
    expect(expectedAverageSpend(fit, { frequency: 0, monetaryValue: 0 })).toBeCloseTo((fit.p * fit.v) / (fit.q - 1), 12);
  });

  it('lands within a cent on the summary file, whose z̄ is rounded to the cent', () => {
    // Rounding z̄ moves v to 15.448 (lifetimes, which fits this file, reports 15.45).
    const customers = fromCsv();
    const fit = fitGammaGamma(customers);
    expect(fit.customers).toBe(946);
    expect(fit.p).toBeCloseTo(6.25, 2);
    expect(fit.q).toBeCloseTo(3.74, 2);
    expect(Math.abs(fit.v - 15.44)).toBeLessThan(0.01);
    for (const [i, c] of customers.slice(0, 10).entries()) expect(Math.abs(expectedAverageSpend(fit, c) - (publishedSpend[i] as number))).toBeLessThan(0.01);
  });

  it('does not depend on the currency unit: spends ×100 give v ×100 and the same p, q', () => {
    const customers = fromCsv();
    const fit = fitGammaGamma(customers);
    const cents = fitGammaGamma(customers.map((c) => ({ ...c, monetaryValue: c.monetaryValue * 100 })));
    expect(cents.p).toBeCloseTo(fit.p, 4);
    expect(cents.q).toBeCloseTo(fit.q, 4);
    expect(cents.v / 100).toBeCloseTo(fit.v, 3);
  });
});
