// Synthetic customers drawn from a BG/NBD process with known parameters: for recovery tests and
// for benchmarks at scale.
import type { BgNbdParams } from './bgnbd.ts';
import type { CustomerSummary } from './customer-summary.ts';
import { createRng } from './random.ts';

export type SimulateBgNbdOptions = {
  count: number;
  seed: number;
  /** Days from the first acquisition day to the end of calibration (CDNOW: 273 = 39 weeks). */
  calibrationDays?: number;
  /** First purchases fall uniformly on the first `cohortDays` days (CDNOW: 84 = 12 weeks). */
  cohortDays?: number;
  /** Days per time unit of the parameters and the output (7 = weeks). */
  daysPerUnit?: number;
};

/**
 * Each customer: λ ~ Gamma(r, α), p ~ Beta(a, b); exponential gaps between purchases; after each
 * repeat purchase the customer drops out with probability p. Times are floored to whole days, as
 * order dates are, so customers repeat (x, t_x, T) patterns the way real ones do.
 */
export const simulateBgNbdCustomers = (params: BgNbdParams, options: SimulateBgNbdOptions): CustomerSummary[] => {
  const rng = createRng(options.seed);
  const calibrationDays = options.calibrationDays ?? 273;
  const cohortDays = options.cohortDays ?? 84;
  const unit = options.daysPerUnit ?? 7;
  const out: CustomerSummary[] = new Array(options.count);
  for (let i = 0; i < options.count; i++) {
    const tDays = calibrationDays - Math.floor(rng.next() * cohortDays);
    const T = tDays / unit;
    const lambda = rng.gamma(params.r, params.alpha);
    const p = rng.beta(params.a, params.b);
    let t = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      t += rng.exponential(lambda);
      if (t > T) break;
      x++;
      last = t;
      if (rng.next() < p) break;
    }
    out[i] = { frequency: x, recency: Math.floor(last * unit) / unit, T };
  }
  return out;
};
