// BG/NBD ("counting your customers" the easy way, Fader, Hardie & Lee 2005): transactions while
// alive are Poisson(λ), λ ~ Gamma(r, α); after each repeat purchase a customer drops out with
// probability p, p ~ Beta(a, b).
import type { CustomerSummary } from './customer-summary.ts';
import { minimizeBfgs } from './optimize.ts';
import { digamma, hyp2f1, lnBeta, lnGamma } from './special-functions.ts';

export type BgNbdParams = { r: number; alpha: number; a: number; b: number };

export type BgNbdFit = BgNbdParams & {
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  /** Customers fitted, and the distinct (x, t_x, T) patterns they compress to. */
  customers: number;
  patterns: number;
};

/** A customer summary standing for `count` customers with the same (frequency, recency, T). */
export type WeightedSummary = CustomerSummary & { count: number };

export type FitBgNbdOptions = {
  /** L2 penalty on the parameters (as lifetimes' penalizer_coef, on α in rescaled time); 0 = plain MLE. */
  penalizer?: number;
  maxIterations?: number;
};

/**
 * Collapses customers with identical (frequency, recency, T) into one weighted pattern: the
 * likelihood only depends on those three numbers, and real data (whole days) repeats them a lot.
 */
export const compressSummaries = (customers: Iterable<CustomerSummary & { count?: number }>): WeightedSummary[] => {
  // Nested maps on the numbers themselves: several times faster than a string key at 10⁶ rows.
  const index = new Map<number, Map<number, Map<number, number>>>();
  const out: WeightedSummary[] = [];
  for (const c of customers) {
    let byRecency = index.get(c.T);
    if (!byRecency) {
      byRecency = new Map();
      index.set(c.T, byRecency);
    }
    let byFrequency = byRecency.get(c.recency);
    if (!byFrequency) {
      byFrequency = new Map();
      byRecency.set(c.recency, byFrequency);
    }
    const at = byFrequency.get(c.frequency);
    if (at === undefined) {
      byFrequency.set(c.frequency, out.length);
      out.push({ frequency: c.frequency, recency: c.recency, T: c.T, count: c.count ?? 1 });
    } else {
      (out[at] as WeightedSummary).count += c.count ?? 1;
    }
  }
  return out;
};

const validate = (c: CustomerSummary) => {
  if (!(Number.isInteger(c.frequency) && c.frequency >= 0 && c.recency >= 0 && c.T >= c.recency)) {
    throw new RangeError(`invalid customer summary: frequency=${c.frequency}, recency=${c.recency}, T=${c.T}`);
  }
};

// Distinct values and per-pattern indices, so that one likelihood evaluation costs a log per
// distinct T and t_x, log-gammas per distinct x, and only an exp and a log1p per pattern.
type Prepared = {
  xs: Float64Array;
  Ts: Float64Array;
  txs: Float64Array;
  xIndex: Int32Array;
  tIndex: Int32Array;
  txIndex: Int32Array;
  weight: Float64Array;
  totalWeight: number;
  totalX: number;
};

const indexer = () => {
  const map = new Map<number, number>();
  const values: number[] = [];
  return {
    at: (v: number) => {
      let i = map.get(v);
      if (i === undefined) {
        i = values.length;
        map.set(v, i);
        values.push(v);
      }
      return i;
    },
    values: () => Float64Array.from(values),
  };
};

const prepare = (patterns: readonly WeightedSummary[], scale: number): Prepared => {
  const n = patterns.length;
  const xi = indexer();
  const ti = indexer();
  const txi = indexer();
  const xIndex = new Int32Array(n);
  const tIndex = new Int32Array(n);
  const txIndex = new Int32Array(n);
  const weight = new Float64Array(n);
  let totalWeight = 0;
  let totalX = 0;
  for (let i = 0; i < n; i++) {
    const p = patterns[i] as WeightedSummary;
    xIndex[i] = xi.at(p.frequency);
    tIndex[i] = ti.at(p.T * scale);
    txIndex[i] = txi.at(p.recency * scale);
    weight[i] = p.count;
    totalWeight += p.count;
    totalX += p.count * p.frequency;
  }
  return { xs: xi.values(), Ts: ti.values(), txs: txi.values(), xIndex, tIndex, txIndex, weight, totalWeight, totalX };
};

// Sum of the individual log-likelihoods (eq. 6 of FHL 2005, in log-sum-exp form) and, when asked,
// its gradient with respect to (r, α, a, b).
const logLikelihoodAndGradient = (data: Prepared, { r, alpha, a, b }: BgNbdParams, withGradient: boolean) => {
  const { xs, Ts, txs, xIndex, tIndex, txIndex, weight } = data;
  const nx = xs.length;
  const base = new Float64Array(nx);
  const logA4 = new Float64Array(nx);
  const dBaseR = new Float64Array(nx);
  const dBaseA = new Float64Array(nx);
  const dBaseB = new Float64Array(nx);
  const invBx = new Float64Array(nx);
  const lgR = lnGamma(r);
  const lgAB = lnGamma(a + b);
  const lgB = lnGamma(b);
  const logAlpha = Math.log(alpha);
  const psiR = withGradient ? digamma(r) : 0;
  const psiAB = withGradient ? digamma(a + b) : 0;
  const psiB = withGradient ? digamma(b) : 0;
  for (let u = 0; u < nx; u++) {
    const x = xs[u] as number;
    base[u] = lnGamma(r + x) - lgR + r * logAlpha + lgAB + lnGamma(b + x) - lgB - lnGamma(a + b + x);
    logA4[u] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
    if (withGradient) {
      const psiABX = digamma(a + b + x);
      dBaseR[u] = digamma(r + x) - psiR + logAlpha;
      dBaseA[u] = psiAB - psiABX;
      dBaseB[u] = psiAB + digamma(b + x) - psiB - psiABX;
      invBx[u] = x > 0 ? 1 / (b + x - 1) : 0;
    }
  }
  const logAT = Ts.map((T) => Math.log(alpha + T));
  const invAT = Ts.map((T) => 1 / (alpha + T));
  const logATx = txs.map((tx) => Math.log(alpha + tx));
  const invATx = txs.map((tx) => 1 / (alpha + tx));

  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  for (let i = 0; i < weight.length; i++) {
    const u = xIndex[i] as number;
    const j = tIndex[i] as number;
    const k = txIndex[i] as number;
    const w = weight[i] as number;
    const x = xs[u] as number;
    const rx = r + x;
    const a3 = -rx * (logAT[j] as number);
    let li: number;
    let share = 0; // posterior weight of "dropped out after the last purchase"
    if (x > 0) {
      const a4 = (logA4[u] as number) - rx * (logATx[k] as number);
      if (a4 > a3) {
        const e = Math.exp(a3 - a4);
        li = a4 + Math.log1p(e);
        share = 1 / (1 + e);
      } else {
        const e = Math.exp(a4 - a3);
        li = a3 + Math.log1p(e);
        share = e / (1 + e);
      }
    } else {
      li = a3;
    }
    ll += w * ((base[u] as number) + li);
    if (withGradient) {
      const alive = 1 - share;
      gr += w * ((dBaseR[u] as number) - alive * (logAT[j] as number) - share * (logATx[k] as number));
      gAlpha += w * (r / alpha - rx * (alive * (invAT[j] as number) + share * (invATx[k] as number)));
      ga += w * ((dBaseA[u] as number) + share / a);
      gb += w * ((dBaseB[u] as number) - share * (invBx[u] as number));
    }
  }
  return { ll, gradient: [gr, gAlpha, ga, gb] };
};

const toPatterns = (customers: readonly (CustomerSummary & { count?: number })[]) => {
  for (const c of customers) validate(c);
  return compressSummaries(customers);
};

/** Total log-likelihood of the customers under the given parameters. */
export const bgNbdLogLikelihood = (params: BgNbdParams, customers: readonly (CustomerSummary & { count?: number })[]): number =>
  logLikelihoodAndGradient(prepare(toPatterns(customers), 1), params, false).ll;

/**
 * Maximum-likelihood fit. Works on log-parameters with BFGS and the analytic gradient; time is
 * rescaled so the longest T is 10 (as lifetimes does) for a well-conditioned start at (1, 1, 1, 1).
 */
export const fitBgNbd = (customers: readonly (CustomerSummary & { count?: number })[], options: FitBgNbdOptions = {}): BgNbdFit => {
  const patterns = toPatterns(customers);
  if (patterns.length === 0) throw new RangeError('fitBgNbd needs at least one customer');
  const maxT = patterns.reduce((m, p) => Math.max(m, p.T), 0);
  const scale = maxT > 0 ? 10 / maxT : 1;
  const data = prepare(patterns, scale);
  const penalizer = options.penalizer ?? 0;
  const n = data.totalWeight;

  const result = minimizeBfgs(
    (logParams) => {
      const [r, alpha, a, b] = logParams.map(Math.exp) as [number, number, number, number];
      const { ll, gradient } = logLikelihoodAndGradient(data, { r, alpha, a, b }, true);
      const natural = [r, alpha, a, b];
      // Mean negative log-likelihood per customer keeps tolerances independent of the data size.
      const value = -ll / n + penalizer * natural.reduce((s, v) => s + v * v, 0);
      const grad = natural.map((v, i) => (-(gradient[i] as number) / n + 2 * penalizer * v) * v);
      return { value, gradient: grad };
    },
    [0, 0, 0, 0],
    { maxIterations: options.maxIterations ?? 500, gradientTolerance: 1e-10 },
  );
  const [r, scaledAlpha, a, b] = result.x.map(Math.exp) as [number, number, number, number];
  const params = { r, alpha: scaledAlpha / scale, a, b };
  const logLikelihood = logLikelihoodAndGradient(prepare(patterns, 1), params, false).ll;
  return { ...params, logLikelihood, iterations: result.iterations, converged: result.converged, customers: n, patterns: patterns.length };
};

// (a / (b + x − 1)) · ((α + T) / (α + t_x))^(r + x): odds that the customer dropped out after the last purchase.
const dropoutOdds = ({ r, alpha, a, b }: BgNbdParams, { frequency: x, recency, T }: CustomerSummary) =>
  x > 0 ? Math.exp(Math.log(a / (b + x - 1)) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + recency))) : 0;

/** P(alive | x, t_x, T). */
export const probabilityAlive = (params: BgNbdParams, customer: CustomerSummary): number => 1 / (1 + dropoutOdds(params, customer));

// 1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z), z = t/(α+T+t), written with Euler's
// transformation as 1 − (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z): the same number, but without
// the huge 2F1 times tiny power that the textbook form produces for frequent buyers.
const purchasesBracket = ({ r, alpha, a, b }: BgNbdParams, x: number, T: number, t: number) => {
  const z = t / (alpha + T + t);
  const oneMinusZ = (alpha + T) / (alpha + T + t);
  return 1 - oneMinusZ ** (a - 1) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
};

/** E[Y(t) | x, t_x, T]: expected purchases in the next t time units (FHL 2005, eq. 10). */
export const conditionalExpectedPurchases = (params: BgNbdParams, customer: CustomerSummary, t: number): number => {
  if (t <= 0) return 0;
  const { a, b } = params;
  const x = customer.frequency;
  return (((a + b + x - 1) / (a - 1)) * purchasesBracket(params, x, customer.T, t)) / (1 + dropoutOdds(params, customer));
};

/** E[X(t)]: expected purchases of a new customer in (0, t] (FHL 2005, eq. 9). */
export const expectedPurchases = (params: BgNbdParams, t: number): number => {
  if (t <= 0) return 0;
  return ((params.a + params.b - 1) / (params.a - 1)) * purchasesBracket(params, 0, 0, t);
};

/** P(X(t) = x): probability that a new customer makes exactly x purchases in (0, t] (FHL 2005, eq. 8). */
export const purchaseCountProbability = ({ r, alpha, a, b }: BgNbdParams, t: number, x: number): number => {
  if (!(Number.isInteger(x) && x >= 0)) throw new RangeError(`x must be a non-negative integer, got ${x}`);
  const logP = Math.log(alpha / (alpha + t));
  const logQ = Math.log(t / (alpha + t));
  const lnB = lnBeta(a, b);
  // Γ(r + j) / (Γ(r) j!) · (α/(α+t))^r · (t/(α+t))^j, the NBD probability of j purchases.
  const nbd = (j: number) => Math.exp(lnGamma(r + j) - lnGamma(r) - lnGamma(j + 1) + r * logP + (j > 0 ? j * logQ : 0));
  let p = Math.exp(lnBeta(a, b + x) - lnB) * nbd(x);
  if (x > 0) {
    // P(NBD count ≥ x): 1 − the head while the head is small, else the tail summed directly,
    // so that far in the tail the difference of two numbers near 1 does not go negative.
    let head = 0;
    for (let j = 0; j < x; j++) head += nbd(j);
    let atLeastX = 1 - head;
    if (head > 0.5) {
      atLeastX = 0;
      let term = nbd(x);
      for (let j = x; term > 0 && (j < x + 10 || term > 1e-17 * atLeastX); j++) {
        atLeastX += term;
        term *= ((r + j) / (j + 1)) * Math.exp(logQ);
      }
    }
    p += Math.exp(lnBeta(a + 1, b + x - 1) - lnB) * atLeastX;
  }
  return p;
};
