// Kinds and shapes of scoring that the console shares (dates as the server holds them; the console maps
// them to JSON strings). No imports: the console bundles this file.

export const MODEL_KINDS = ['clv', 'churn'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const MODEL_RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type ModelRunStatus = (typeof MODEL_RUN_STATUSES)[number];

export const MODEL_RUN_TRIGGERS = ['schedule', 'manual', 'cli', 'demo', 'test'] as const;
export type ModelRunTrigger = (typeof MODEL_RUN_TRIGGERS)[number];

/**
 * Value × potential segments: current value (net spend, last 12 months) against predicted value (12-month
 * CLV), both as percentiles. High potential splits by current spend into mid (worth developing) and low
 * (mostly new buyers, whose prediction rests on the population more than on their own history).
 */
export const QUADRANTS = [
  'high_value_high_potential',
  'high_potential_mid_spend',
  'high_potential_low_spend',
  'high_value_low_potential',
  'low_value_low_potential',
] as const;
export type Quadrant = (typeof QUADRANTS)[number];

export type HoldoutBucket = { frequency: string; customers: number; predicted: number; actual: number };

export type ChurnFactorView = { feature: string; value: number | null; contribution: number };

export type ChurnRiskItem = {
  customerId: string;
  displayName: string;
  risk: number;
  value12mFen: number;
  priority: number;
  clv12mFen: number | null;
  tier: string | null;
  factors: ChurnFactorView[];
  scoredAt: Date;
};

export type ValuePotentialItem = {
  customerId: string;
  displayName: string;
  value12mFen: number;
  clv12mFen: number;
  valuePercentile: number;
  clvPercentile: number;
  potentialIndex: number;
  quadrant: Quadrant;
  pAlive: number;
  expectedPurchases90d: number;
};

export type ValuePotentialSummary = {
  customers: number;
  quadrants: { quadrant: Quadrant; customers: number; value12mFen: number; clv12mFen: number }[];
  /** A stable sample of customers for the scatter chart (at most about `points`). */
  sample: { value12mFen: number; clv12mFen: number; potentialIndex: number; quadrant: Quadrant }[];
  scoredAt: Date | null;
};

export type CustomerScores = {
  clv: {
    runId: string;
    pAlive: number;
    expectedPurchases30d: number;
    expectedPurchases90d: number;
    expectedPurchases365d: number;
    expectedSpendFen: number;
    clv12mFen: number;
    value12mFen: number;
    potentialIndex: number;
    quadrant: Quadrant;
    frequency: number;
    recencyDays: number;
    ageDays: number;
    scoredAt: Date;
  } | null;
  churn: { runId: string; risk: number; value12mFen: number; factors: ChurnFactorView[]; scoredAt: Date } | null;
};

export type ChurnDiagnostics = {
  /** Training cut-off: features up to it, label = no purchase in the `horizonDays` after it. */
  trainingCutoff: string;
  scoredAsOf: string;
  horizonDays: number;
  activeWithinDays: number;
  training: { customers: number; churnRate: number };
  heldOut: { customers: number; churnRate: number; auc: number; accuracy: number; majorityAccuracy: number };
  scored: number;
  meanRisk: number;
  /** Standardised coefficients, largest effect first: positive raises the risk. */
  coefficients: { feature: string; coefficient: number }[];
  iterations: number;
  converged: boolean;
  seconds: { features: number; fit: number; score: number; total: number };
};
