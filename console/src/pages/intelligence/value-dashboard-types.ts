// Shapes of the segmentation API (src/modules/intelligence/segmentation/segmentation.routes.ts); names,
// presets and the shapes the server shares come from its segmentation.shared.ts.

import type * as segmentation from '../../../../src/modules/intelligence/segmentation/segmentation.shared';
import { type LifecycleStage, presetTiers, type SchemePreset } from '../../../../src/modules/intelligence/segmentation/segmentation.shared';
import type { Wire } from '../../api/wire';

export {
  LIFECYCLE_STAGES,
  type LifecycleStage,
  RUN_TRIGGERS,
  type RunTrigger,
  SCHEME_PRESETS,
  type SchemePreset,
  type TierSchemeConfig,
} from '../../../../src/modules/intelligence/segmentation/segmentation.shared';

/** Tiers of both presets (keys are unique per preset; `potential` exists in both with different labels). */
export const PRESET_TIERS: Record<SchemePreset, readonly string[]> = {
  annual_review: presetTiers('annual_review'),
  loyalty_study: presetTiers('loyalty_study'),
};

export type TierScheme = Wire<segmentation.TierScheme>;

export interface SegmentationSettings {
  rfm: { windowDays: number | null; buckets: 4 | 5 };
  lifecycle: { newDays: number; activeDays: number; churnDays: number; wonBackGapDays: number };
  schedule: { enabled: boolean; cron: string };
}

export type SegmentationRun = Wire<segmentation.RunRecord>;

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
