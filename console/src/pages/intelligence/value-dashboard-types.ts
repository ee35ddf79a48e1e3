// Shapes of the segmentation API (src/modules/intelligence/segmentation/segmentation.routes.ts).

export const SCHEME_PRESETS = ['annual_review', 'loyalty_study'] as const;
export type SchemePreset = (typeof SCHEME_PRESETS)[number];

/** Tiers of both presets (keys are unique per preset; `potential` exists in both with different labels). */
export const PRESET_TIERS: Record<SchemePreset, readonly string[]> = {
  annual_review: ['strategic', 'potential', 'dormant'],
  loyalty_study: ['high_value', 'potential', 'regular', 'churn_risk'],
};

/** Funnel order: from newest to lost. */
export const LIFECYCLE_STAGES = ['new', 'active', 'won_back', 'dormant', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const RUN_TRIGGERS = ['schedule', 'manual', 'cli', 'demo'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export interface TierSchemeConfig {
  upperFen: number;
  lowerFen: number;
  inactiveDays: number;
  spendWindowDays: number;
}

export interface TierScheme {
  id: string;
  preset: SchemePreset;
  active: boolean;
  config: TierSchemeConfig;
  defaults: TierSchemeConfig;
  tiers: string[];
  updatedAt: string;
  updatedBy: string | null;
}

export interface SegmentationSettings {
  rfm: { windowDays: number | null; buckets: 4 | 5 };
  lifecycle: { newDays: number; activeDays: number; churnDays: number; wonBackGapDays: number };
  schedule: { enabled: boolean; cron: string };
}

export interface RunSummary {
  tiers: { tier: string; customers: number }[];
  movement: { fromSchemeId: string | null; fromTier: string | null; toTier: string; customers: number }[];
  stages: { stage: LifecycleStage; customers: number }[];
  stageMovement: { fromStage: LifecycleStage | null; toStage: LifecycleStage; customers: number }[];
  heatmap: { r: number; f: number; customers: number; avgMonetaryFen: number }[];
}

export interface SegmentationRun {
  id: string;
  trigger: RunTrigger;
  triggeredBy: string | null;
  asOf: string;
  startedAt: string;
  finishedAt: string;
  schemeId: string;
  scheme: { preset: string; config: Record<string, number> };
  settings: { rfm: { windowDays: number | null; buckets: number }; lifecycle: Record<string, number> };
  customers: number;
  scored: number;
  tierChanges: number;
  stageChanges: number;
  cutPoints: { recency: number[]; frequency: number[]; monetary: number[] };
  summary: RunSummary;
}

export interface ValueDashboard {
  latest: SegmentationRun | null;
  previous: SegmentationRun | null;
  pending: boolean;
}

export type ReasonDetail =
  | { rule: 'inactive'; days: number; thresholdDays: number; neverPurchased: boolean }
  | { rule: 'spend'; spendFen: number; op: string; thresholdFen: number; windowDays: number };

export interface CustomerSegment {
  customerId: string;
  tier: { schemeId: string; tier: string; since: string; reason: string; reasonDetail: ReasonDetail; spendFen: number } | null;
  stage: { stage: LifecycleStage; since: string } | null;
  rfm: { runId: string; asOf: string; recencyDays: number; frequency: number; monetaryFen: number; r: number; f: number; m: number; buckets: number } | null;
  tierHistory: {
    runId: string;
    changedAt: string;
    schemeId: string;
    fromSchemeId: string | null;
    fromTier: string | null;
    toTier: string;
    reason: string;
    reasonDetail: ReasonDetail;
  }[];
  stageHistory: { runId: string; changedAt: string; fromStage: LifecycleStage | null; toStage: LifecycleStage }[];
}
