// Special functions the customer-base models need (log-gamma, digamma, Gauss 2F1).
// Written here rather than pulled in: the models need five functions, not a numerics library.

// Lanczos approximation, g = 7, n = 9: about 15 significant digits for x > 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

const isNonPositiveInteger = (x: number) => x <= 0 && Number.isInteger(x);

/** log |Γ(x)|; +Infinity at the poles (0, −1, −2, …). */
export const lnGamma = (x: number): number => {
  if (isNonPositiveInteger(x)) return Number.POSITIVE_INFINITY;
  // Reflection keeps the Lanczos sum in the range where it is accurate.
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
};

/** Sign of Γ(x): +1 for x > 0, alternating between the poles below zero (0 at a pole). */
export const gammaSign = (x: number): number => {
  if (x > 0) return 1;
  if (isNonPositiveInteger(x)) return 0;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
};

/** log B(a, b) for a, b > 0. */
export const lnBeta = (a: number, b: number): number => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

/** Digamma ψ(x) = d/dx log Γ(x). */
export const digamma = (x: number): number => {
  if (isNonPositiveInteger(x)) return Number.NaN;
  if (x < 0.5) return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  let shift = 0;
  let y = x;
  // Recurrence up to where the asymptotic series is good to double precision.
  while (y < 10) {
    shift -= 1 / y;
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  const tail = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))));
  return shift + Math.log(y) - 0.5 * inv - tail;
};

const series2F1 = (a: number, b: number, c: number, z: number, maxTerms: number): number => {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < maxTerms; n++) {
    const ratio = ((a + n) * (b + n)) / ((c + n) * (n + 1));
    term *= ratio * z;
    sum += term;
    if (term === 0) return sum;
    // Only stop once the terms shrink for good (ratio·z < 1), not on an early small term.
    if (Math.abs(ratio * z) < 1 && Math.abs(term) <= 1e-17 * Math.abs(sum)) return sum;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms`);
};

// Γ(c)·Γ(s) / (Γ(u)·Γ(v)) through logs, keeping the signs (arguments may be negative).
const gammaRatio = (c: number, s: number, u: number, v: number): number => {
  const sign = gammaSign(c) * gammaSign(s) * gammaSign(u) * gammaSign(v);
  if (isNonPositiveInteger(u) || isNonPositiveInteger(v)) return 0; // 1/Γ at a pole is 0
  if (sign === 0) return Number.NaN;
  return sign * Math.exp(lnGamma(c) + lnGamma(s) - lnGamma(u) - lnGamma(v));
};

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1 (c not a non-positive integer).
 * Power series where it converges quickly; near z = 1, where the series needs thousands of terms,
 * the 1 − z connection formula (Abramowitz & Stegun 15.3.6) unless c − a − b is (nearly) an integer.
 */
export const hyp2f1 = (a: number, b: number, c: number, z: number): number => {
  if (!(z < 1)) throw new RangeError(`hyp2f1 needs z < 1, got ${z}`);
  if (isNonPositiveInteger(c)) throw new RangeError(`hyp2f1 needs c not in 0, −1, −2, …, got ${c}`);
  if (z === 0) return 1;
  if (z < -1) {
    // Pfaff: 2F1(a,b;c;z) = (1−z)^(−a) 2F1(a, c−b; c; z/(z−1)), maps z < −1 into (0.5, 1).
    return (1 - z) ** -a * hyp2f1(a, c - b, c, z / (z - 1));
  }
  const s = c - a - b;
  const nearInteger = Math.abs(s - Math.round(s)) < 1e-4;
  if (z <= 0.9 || nearInteger) return series2F1(a, b, c, z, 50_000_000);
  const w = 1 - z;
  const first = gammaRatio(c, s, c - a, c - b) * series2F1(a, b, 1 - s, w, 10_000);
  const second = w ** s * gammaRatio(c, -s, a, b) * series2F1(c - a, c - b, s + 1, w, 10_000);
  return first + second;
};
