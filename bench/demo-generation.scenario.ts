import { type DemoPhase, generateDemoData } from '../src/modules/customers/demo/generate-demo-data.ts';
import type { Db } from '../src/platform/db.ts';

/** Fixed seed and clock: every run generates byte-identical data, so API figures stay comparable. */
export const BENCH_SEED = 'guanxi-bench';
export const BENCH_NOW = new Date('2026-11-01T12:00:00Z');

export type DemoGenerationResult = {
  scenario: 'demo-generation';
  customers: number;
  orders: number;
  orderLines: number;
  refunds: number;
  seconds: number;
  /** Seconds from the start until each phase finished. */
  phaseEnds: Partial<Record<DemoPhase, number>>;
  customersPerSecond: number;
  ordersPerSecond: number;
  /** Customers + orders + order lines written per second. */
  rowsPerSecond: number;
};

/** Scenario 1: the demo generator on a fresh database. */
export const runDemoGeneration = async (
  db: Db,
  customers: number,
  onProgress?: (p: { phase: DemoPhase; done: number; total: number }) => void,
): Promise<DemoGenerationResult> => {
  const started = performance.now();
  const phaseEnds: Partial<Record<DemoPhase, number>> = {};
  const summary = await generateDemoData(db, {
    customers,
    seed: BENCH_SEED,
    now: BENCH_NOW,
    onProgress: (p) => {
      if (p.done === p.total) phaseEnds[p.phase] = round((performance.now() - started) / 1000, 2);
      onProgress?.(p);
    },
  });
  const rate = (n: number) => Math.round(n / summary.seconds);
  return {
    scenario: 'demo-generation',
    ...summary,
    phaseEnds,
    customersPerSecond: rate(summary.customers),
    ordersPerSecond: rate(summary.orders),
    rowsPerSecond: rate(summary.customers + summary.orders + summary.orderLines),
  };
};

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
