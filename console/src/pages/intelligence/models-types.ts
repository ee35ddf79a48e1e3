// Shapes of the scoring API (/api/intelligence/models, churn-risk, value-potential, customers/:id/scores).
// Kinds and the shapes the server shares come from its scoring.shared.ts.

import type * as shared from '../../../../src/modules/intelligence/scoring/scoring.shared';
import type { ModelKind, ModelRunStatus, ModelRunTrigger, Quadrant } from '../../../../src/modules/intelligence/scoring/scoring.shared';
import type { Page } from '../../api/types';
import type { Wire } from '../../api/wire';

export { type ModelKind, QUADRANTS, type Quadrant } from '../../../../src/modules/intelligence/scoring/scoring.shared';

export interface ModelRun<D = Record<string, unknown>> {
  id: string;
  kind: ModelKind;
  status: ModelRunStatus;
  trigger: ModelRunTrigger;
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  diagnostics: D | null;
  error: string | null;
}

export type HoldoutBucket = shared.HoldoutBucket;

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

export type ChurnDiagnostics = shared.ChurnDiagnostics;

export interface KindStatus<D> {
  latest: ModelRun<D> | null;
  lastSuccess: ModelRun<D> | null;
}

export interface ModelsOverview {
  clv: KindStatus<ClvDiagnostics>;
  churn: KindStatus<ChurnDiagnostics>;
}

export type ChurnFactor = shared.ChurnFactorView;

export type ChurnRiskItem = Wire<shared.ChurnRiskItem>;

export interface ChurnRiskResult extends Page<ChurnRiskItem> {
  masked: boolean;
}

export type ValuePotentialOverview = Wire<shared.ValuePotentialSummary> & {
  thresholds: { highValuePercentile: number; lowValuePercentile: number; highPotentialPercentile: number };
};

export type ValuePotentialItem = shared.ValuePotentialItem;

export interface ValuePotentialResult extends Page<ValuePotentialItem> {
  masked: boolean;
}

export type CustomerScores = Wire<shared.CustomerScores> & { rootId: string };

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
