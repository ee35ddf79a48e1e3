import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  compressSummaries,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  purchaseCountProbability,
} from './bgnbd.ts';
import { summarizeTransactions } from './customer-summary.ts';
import { simulateBgNbdCustomers } from './simulate-bgnbd.ts';
import { readCdnowSample, readReferenceCsv } from './test-support.ts';

const published = { r: 0.242593, alpha: 4.413532, a: 0.792886, b: 2.425752 };
const rounded = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

const cdnowSummary = () =>
  readReferenceCsv('cdnow/cdnow_customers_summary.csv').map((row) => ({ frequency: Number(row.frequency), recency: Number(row.recency), T: Number(row.T) }));

describe('BG/NBD on CDNOW (Fader, Hardie & Lee 2005)', () => {
  const fit = fitBgNbd(cdnowSummary());

  it('fits the published parameters and log-likelihood', () => {
    expect(fit.customers).toBe(2357);
    expect(fit.converged).toBe(true);
    expect(fit.r).toBeCloseTo(0.243, 2);
    expect(fit.alpha).toBeCloseTo(4.414, 2);
    expect(fit.a).toBeCloseTo(0.793, 2);
    expect(fit.b).toBeCloseTo(2.426, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    // A maximum: the published parameters are not better than ours.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(bgNbdLogLikelihood(published, cdnowSummary()) - 1e-9);
  });

  it('fits the same parameters from the summary built out of the raw transactions', () => {
    const built = summarizeTransactions(readCdnowSample(), { calibrationEnd: new Date(Date.UTC(1997, 8, 30)), daysPerUnit: 7 });
    const refit = fitBgNbd(built);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) expect(refit[key]).toBeCloseTo(published[key], 2);
    expect(refit.logLikelihood).toBeCloseTo(-9582.4, 0);
  });

  it('gives the published conditional expectation, E[X(t)] and P(X(39) = 0)', () => {
    const customer = { frequency: 2, recency: 30.43, T: 38.86 };
    expect(conditionalExpectedPurchases(fit, customer, 39)).toBeCloseTo(1.226, 3);
    const ts = [0.1429, 1, 3, 31.8571, 32];
    const values = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437];
    for (const [i, t] of ts.entries()) expect(expectedPurchases(fit, t)).toBeCloseTo(values[i] as number, 4);
    // Hardie's spreadsheet value 1.8576 sums about 150 terms of the 2F1 series (z = 0.946 converges
    // slowly); the converged series gives 1.85797. lifetimes checks this list to 3 decimals too.
    expect(expectedPurchases(fit, 78)).toBeCloseTo(1.8576, 3);
    expect(expectedPurchases(fit, 78)).toBeCloseTo(1.85797, 5);
    expect(purchaseCountProbability(rounded, 39, 0)).toBeCloseTo(0.5737864, 7);
  });

  it('has a proper purchase-count distribution whose mean is E[X(t)]', () => {
    let total = 0;
    let mean = 0;
    for (let x = 0; x < 400; x++) {
      const p = purchaseCountProbability(fit, 39, x);
      expect(p).toBeGreaterThanOrEqual(0);
      total += p;
      mean += x * p;
    }
    expect(total).toBeCloseTo(1, 8);
    expect(mean).toBeCloseTo(expectedPurchases(fit, 39), 6);
  });

  it('says who is alive: no repeat = alive, long silence after many purchases = likely gone', () => {
    expect(probabilityAlive(fit, { frequency: 0, recency: 0, T: 38.86 })).toBe(1);
    const recent = probabilityAlive(fit, { frequency: 10, recency: 38, T: 38.86 });
    const silent = probabilityAlive(fit, { frequency: 10, recency: 5, T: 38.86 });
    expect(recent).toBeGreaterThan(0.9);
    expect(silent).toBeLessThan(0.01);
    expect(conditionalExpectedPurchases(fit, { frequency: 10, recency: 5, T: 38.86 }, 52)).toBeLessThan(0.05);
  });

  it('expects more purchases from recent frequent buyers, without overflow for heavy buyers', () => {
    let previous = 0;
    for (const x of [0, 1, 5, 20, 100, 400, 2000]) {
      const e = conditionalExpectedPurchases(fit, { frequency: x, recency: 38.86, T: 38.86 }, 39);
      expect(Number.isFinite(e)).toBe(true);
      expect(e).toBeGreaterThan(previous);
      previous = e;
    }
  });
});

describe('BG/NBD at scale', () => {
  // How fast is measured in bench/, not asserted here.
  it('compresses identical (x, t_x, T) and fits 1,000,000 simulated customers, recovering the parameters', () => {
    const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
    const customers = simulateBgNbdCustomers(truth, { count: 1_000_000, seed: 20240601 });
    const patterns = compressSummaries(customers);
    const fit = fitBgNbd(patterns);
    expect(fit.customers).toBe(1_000_000);
    expect(patterns.length).toBeLessThan(200_000);
    expect(fit.converged).toBe(true);
    expect(fit.r).toBeCloseTo(truth.r, 1);
    expect(Math.abs(fit.alpha / truth.alpha - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.a / truth.a - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.b / truth.b - 1)).toBeLessThan(0.1);
  });
});
