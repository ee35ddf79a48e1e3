// Gamma-Gamma spend model (Fader & Hardie, note 025): a customer's transaction values are
// Gamma(p, ν), ν ~ Gamma(q, γ) across customers; spend is independent of purchase frequency.
import { minimizeBfgs } from './optimize.ts';
import { digamma, lnGamma } from './special-functions.ts';

export type GammaGammaParams = { p: number; q: number; v: number };

export type GammaGammaFit = GammaGammaParams & { logLikelihood: number; iterations: number; converged: boolean; customers: number };

/** x = number of repeat transactions, monetaryValue = their mean value (z̄). */
export type SpendSummary = { frequency: number; monetaryValue: number };

export type FitGammaGammaOptions = { penalizer?: number; maxIterations?: number };

const repeatBuyers = (customers: readonly SpendSummary[]) => customers.filter((c) => c.frequency > 0);

const check = (c: SpendSummary) => {
  if (!(c.monetaryValue > 0)) throw new RangeError(`Gamma-Gamma needs a positive mean spend for repeat buyers, got ${c.monetaryValue}`);
};

type Weighted = SpendSummary & { weight: number };

/** Customers with the same (x, z̄) contribute identical terms: fit each distinct pair once, weighted (lossless). */
const compress = (customers: readonly SpendSummary[]): Weighted[] => {
  const byKey = new Map<string, Weighted>();
  for (const c of customers) {
    const key = `${c.frequency}:${c.monetaryValue}`;
    const hit = byKey.get(key);
    if (hit) hit.weight++;
    else byKey.set(key, { frequency: c.frequency, monetaryValue: c.monetaryValue, weight: 1 });
  }
  return [...byKey.values()];
};

// Customers grouped by x: the gamma functions depend on x only, and Σ w ln z̄ is a constant of the data,
// so one evaluation costs a log and a division per customer (at 10⁵–10⁶ repeat buyers with distinct
// spends the per-customer gamma functions used to be most of the fit's time).
type Prepared = { xs: number[]; start: Int32Array; m: Float64Array; w: Float64Array; sumW: Float64Array; sumWLogM: Float64Array };

const prepare = (customers: readonly (SpendSummary & { weight?: number })[]): Prepared => {
  const sorted = [...customers].sort((a, b) => a.frequency - b.frequency);
  const n = sorted.length;
  const m = new Float64Array(n);
  const w = new Float64Array(n);
  const xs: number[] = [];
  const starts: number[] = [];
  sorted.forEach((c, i) => {
    if (xs.length === 0 || xs[xs.length - 1] !== c.frequency) {
      xs.push(c.frequency);
      starts.push(i);
    }
    m[i] = c.monetaryValue;
    w[i] = c.weight ?? 1;
  });
  starts.push(n);
  const sumW = new Float64Array(xs.length);
  const sumWLogM = new Float64Array(xs.length);
  for (let g = 0; g < xs.length; g++) {
    for (let i = starts[g] as number; i < (starts[g + 1] as number); i++) {
      sumW[g] = (sumW[g] as number) + (w[i] as number);
      sumWLogM[g] = (sumWLogM[g] as number) + (w[i] as number) * Math.log(m[i] as number);
    }
  }
  return { xs, start: Int32Array.from(starts), m, w, sumW, sumWLogM };
};

// Per customer: ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln z̄ + px ln x − (px+q) ln(x z̄ + v), summed per x.
const logLikelihoodAndGradient = (data: Prepared, { p, q, v }: GammaGammaParams) => {
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gv = 0;
  const lgq = lnGamma(q);
  const psiQ = digamma(q);
  const logV = Math.log(v);
  const { xs, start, m, w, sumW, sumWLogM } = data;
  for (let g = 0; g < xs.length; g++) {
    const x = xs[g] as number;
    const px = p * x;
    const logX = Math.log(x);
    const psiPxQ = digamma(px + q);
    const psiPx = digamma(px);
    let sLog = 0;
    let sInv = 0;
    for (let i = start[g] as number; i < (start[g + 1] as number); i++) {
      const t = x * (m[i] as number) + v;
      sLog += (w[i] as number) * Math.log(t);
      sInv += (w[i] as number) / t;
    }
    const W = sumW[g] as number;
    const SL = sumWLogM[g] as number;
    ll += W * (lnGamma(px + q) - lnGamma(px) - lgq + q * logV + px * logX) + (px - 1) * SL - (px + q) * sLog;
    gp += x * (W * (psiPxQ - psiPx + logX) + SL - sLog);
    gq += W * (psiPxQ - psiQ + logV) - sLog;
    gv += (W * q) / v - (px + q) * sInv;
  }
  return { ll, gradient: [gp, gq, gv] };
};

/** Log-likelihood of the repeat buyers among `customers` (the others carry no spend information). */
export const gammaGammaLogLikelihood = (params: GammaGammaParams, customers: readonly SpendSummary[]): number =>
  logLikelihoodAndGradient(prepare(repeatBuyers(customers)), params).ll;

/** Maximum-likelihood fit on the repeat buyers (x > 0), BFGS on log-parameters from (1, 1, 1). */
export const fitGammaGamma = (customers: readonly SpendSummary[], options: FitGammaGammaOptions = {}): GammaGammaFit => {
  const buyers = repeatBuyers(customers);
  if (buyers.length === 0) throw new RangeError('fitGammaGamma needs at least one repeat buyer');
  for (const c of buyers) check(c);
  // Mean spend can be in the thousands; rescaling it to order 1 keeps the start (1, 1, 1) sensible.
  const scale = buyers.reduce((s, c) => s + c.monetaryValue, 0) / buyers.length;
  const compressed = compress(buyers);
  const scaled = prepare(compressed.map((c) => ({ ...c, monetaryValue: c.monetaryValue / scale })));
  const penalizer = options.penalizer ?? 0;
  const n = buyers.length;
  const result = minimizeBfgs(
    (logParams) => {
      const [p, q, v] = logParams.map(Math.exp) as [number, number, number];
      const { ll, gradient } = logLikelihoodAndGradient(scaled, { p, q, v });
      const natural = [p, q, v];
      const value = -ll / n + penalizer * natural.reduce((s, x) => s + x * x, 0);
      return { value, gradient: natural.map((x, i) => (-(gradient[i] as number) / n + 2 * penalizer * x) * x) };
    },
    [0, 0, 0],
    { maxIterations: options.maxIterations ?? 500, gradientTolerance: 1e-10 },
  );
  const [p, q, scaledV] = result.x.map(Math.exp) as [number, number, number];
  const params = { p, q, v: scaledV * scale };
  return {
    ...params,
    logLikelihood: logLikelihoodAndGradient(prepare(compressed), params).ll,
    iterations: result.iterations,
    converged: result.converged,
    customers: n,
  };
};

/**
 * E[Z | x, z̄]: expected mean transaction value, a weighted mix of the population mean p·v/(q−1)
 * and the customer's own z̄. Customers without repeats (x = 0) get the population mean.
 */
export const expectedAverageSpend = ({ p, q, v }: GammaGammaParams, customer: SpendSummary): number => {
  if (!(q > 1)) throw new RangeError(`expected spend needs q > 1, got ${q}`);
  const x = customer.frequency > 0 ? customer.frequency : 0;
  const m = x > 0 ? customer.monetaryValue : 0;
  return (p * (v + x * m)) / (p * x + q - 1);
};
