// Seeded pseudo-random numbers, so splits, simulations and tests are reproducible run to run.

export type Rng = {
  /** Uniform on [0, 1). */
  next: () => number;
  normal: () => number;
  exponential: (rate: number) => number;
  /** Gamma with shape k and rate θ (mean k/θ). */
  gamma: (shape: number, rate: number) => number;
  beta: (a: number, b: number) => number;
};

/** mulberry32: small, fast, and good enough for sampling (not for secrets). */
export const createRng = (seed: number): Rng => {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const uniformOpen = () => {
    let u = next();
    while (u === 0) u = next();
    return u;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniformOpen())) * Math.cos(2 * Math.PI * next());
  const exponential = (rate: number) => -Math.log(uniformOpen()) / rate;
  // Marsaglia & Tsang (2000); shapes below 1 are boosted by U^(1/k).
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) return gamma(shape + 1, rate) * uniformOpen() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let z: number;
      let v: number;
      do {
        z = normal();
        v = 1 + c * z;
      } while (v <= 0);
      v = v * v * v;
      const u = uniformOpen();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  };
  const beta = (a: number, b: number) => {
    const x = gamma(a, 1);
    return x / (x + gamma(b, 1));
  };
  return { next, normal, exponential, gamma, beta };
};

/** Fisher–Yates shuffle of a copy. */
export const shuffled = <T>(items: readonly T[], rng: Rng): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};
