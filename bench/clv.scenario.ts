import { compressSummaries, fitBgNbd, fitGammaGamma } from '../src/modules/intelligence/models/index.ts';
import { simulateBgNbdCustomers } from '../src/modules/intelligence/models/simulate-bgnbd.ts';

export type ClvFitResult = {
  customers: number;
  patterns: number;
  simulateSeconds: number;
  bgnbdSeconds: number;
  gammaGammaSeconds: number;
  converged: boolean;
};

/** BG/NBD + Gamma-Gamma fit on `customers` simulated customers (the goal: under 10 s at 1,000,000). */
export const runClvFit = (customers: number): ClvFitResult => {
  let t = performance.now();
  const simulated = simulateBgNbdCustomers({ r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, { count: customers, seed: 7 });
  const simulateSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const patterns = compressSummaries(simulated);
  const fit = fitBgNbd(patterns);
  const bgnbdSeconds = (performance.now() - t) / 1000;
  // Spend: a deterministic spread around 35 per repeat purchase for the repeat customers.
  const repeat = simulated.filter((c) => c.frequency > 0).map((c, i) => ({ frequency: c.frequency, monetaryValue: 20 + ((i * 7919) % 3000) / 100 }));
  t = performance.now();
  fitGammaGamma(repeat);
  const gammaGammaSeconds = (performance.now() - t) / 1000;
  return { customers, patterns: patterns.length, simulateSeconds, bgnbdSeconds, gammaGammaSeconds, converged: fit.converged };
};
