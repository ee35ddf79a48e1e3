// Customer lifetime value: BG/NBD expected purchases month by month × Gamma-Gamma expected spend,
// discounted monthly (the scheme of lifetimes' customer_lifetime_value).
import { type BgNbdParams, conditionalExpectedPurchases } from './bgnbd.ts';
import type { CustomerSummary } from './customer-summary.ts';
import { expectedAverageSpend, type GammaGammaParams } from './gamma-gamma.ts';

export type ClvModels = { bgnbd: BgNbdParams; gammaGamma: GammaGammaParams };

export type ClvOptions = {
  /** Model time units in a month: 4.345 when fitted in weeks, 30.44 in days. */
  timeUnitsPerMonth: number;
  /** Horizon in months; default 12. */
  months?: number;
  /** Yearly discount rate, e.g. 0.1 for 10 %; applied as the equivalent monthly rate. */
  annualDiscountRate?: number;
};

/** Frequency, recency, T in model time units; monetaryValue = mean repeat spend (z̄). */
export type ClvCustomer = CustomerSummary & { monetaryValue: number };

/** Discounted expected spend over the horizon: Σ_i spend · (E[Y(i)] − E[Y(i−1)]) / (1 + d)^i over months i. */
export const customerLifetimeValue = (models: ClvModels, customer: ClvCustomer, options: ClvOptions): number => {
  const months = options.months ?? 12;
  const monthlyRate = (1 + (options.annualDiscountRate ?? 0.1)) ** (1 / 12) - 1;
  const spend = expectedAverageSpend(models.gammaGamma, customer);
  let value = 0;
  let previous = 0;
  for (let month = 1; month <= months; month++) {
    // Cumulative expectation, so each month gets the difference.
    const cumulative = conditionalExpectedPurchases(models.bgnbd, customer, month * options.timeUnitsPerMonth);
    value += (spend * (cumulative - previous)) / (1 + monthlyRate) ** month;
    previous = cumulative;
  }
  return value;
};
