// Shapes of the scoring API (/api/intelligence/models, churn-risk, value-potential, customers/:id/scores).

export const MODEL_KINDS = ['clv', 'churn'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const QUADRANTS = [
  'high_value_high_potential',
  'high_potential_mid_spend',
  'high_potential_low_spend',
  'high_value_low_potential',
  'low_value_low_potential',
] as const;
export type Quadrant = (typeof QUADRANTS)[number];

export const CHURN_FEATURES = [
  'recency_days',
  'tenure_days',
  'orders_365d',
  'spend_365d_yuan',
  'trend_90d',
  'overdue_ratio',
  'refund_rate',
  'tickets_90d',
  'events_30d',
  'messages_90d',
] as const;

export interface ModelRun<D = Record<string, unknown>> {
  id: string;
  kind: ModelKind;
  status: RunStatus;
  trigger: 'schedule' | 'manual' | 'cli' | 'demo' | 'test';
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  diagnostics: D | null;
  error: string | null;
}

export interface HoldoutBucket {
  frequency: string;
  customers: number;
  predicted: number;
  actual: number;
}

export interface ClvDiagnostics {
  calibrationEnd: string;
  timeUnit: 'day' | 'week';
  annualDiscountRate: number;
  customers: number;
  repeatCustomers: number;
  patterns: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number; iterations: number; converged: boolean };
  gammaGamma: { p: number; q: number; v: number; logLikelihood: number; iterations: number; converged: boolean };
  holdout: {
    calibrationEnd: string;
    holdoutDays: number;
    customers: number;
    predicted: number;
    actual: number;
    byFrequency: HoldoutBucket[];
  } | null;
  quadrants: Record<Quadrant, number>;
  seconds: { total: number };
}

export interface ChurnDiagnostics {
  trainingCutoff: string;
  horizonDays: number;
  activeWithinDays: number;
  training: { customers: number; churnRate: number };
  heldOut: { customers: number; churnRate: number; auc: number; accuracy: number; majorityAccuracy: number };
  scored: number;
  meanRisk: number;
  coefficients: { feature: string; coefficient: number }[];
  seconds: { total: number };
}

export interface KindStatus<D> {
  latest: ModelRun<D> | null;
  lastSuccess: ModelRun<D> | null;
}

export interface ModelsOverview {
  clv: KindStatus<ClvDiagnostics>;
  churn: KindStatus<ChurnDiagnostics>;
}

export interface ChurnFactor {
  feature: string;
  value: number | null;
  contribution: number;
}

export interface ChurnRiskItem {
  customerId: string;
  displayName: string;
  risk: number;
  value12mFen: number;
  priority: number;
  clv12mFen: number | null;
  tier: string | null;
  factors: ChurnFactor[];
  scoredAt: string;
}

export interface ChurnRiskResult {
  items: ChurnRiskItem[];
  total: number;
  page: number;
  pageSize: number;
  masked: boolean;
}

export interface ValuePotentialOverview {
  customers: number;
  quadrants: { quadrant: Quadrant; customers: number; value12mFen: number; clv12mFen: number }[];
  sample: { value12mFen: number; clv12mFen: number; potentialIndex: number; quadrant: Quadrant }[];
  scoredAt: string | null;
  thresholds: { highValuePercentile: number; lowValuePercentile: number; highPotentialPercentile: number };
}

export interface ValuePotentialItem {
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
}

export interface ValuePotentialResult {
  items: ValuePotentialItem[];
  total: number;
  page: number;
  pageSize: number;
  masked: boolean;
}

export interface CustomerScores {
  rootId: string;
  clv: {
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
    scoredAt: string;
  } | null;
  churn: { risk: number; value12mFen: number; factors: ChurnFactor[]; scoredAt: string } | null;
}

/** `intelligence.scoring` settings, as GET/PUT /api/intelligence/scoring/settings carry them. */
export interface ScoringSettings {
  timeZone: string;
  clv: { schedule: { enabled: boolean; hour: number }; annualDiscountRate: number; holdoutDays: number; timeUnit: 'day' | 'week' };
  churn: {
    schedule: { enabled: boolean; weekday: number; hour: number };
    horizonDays: number;
    activeWithinDays: number;
    heldOutShare: number;
    maxTrainingCustomers: number;
    l2: number;
  };
  valuePotential: { highValuePercentile: number; lowValuePercentile: number; highPotentialPercentile: number };
}
