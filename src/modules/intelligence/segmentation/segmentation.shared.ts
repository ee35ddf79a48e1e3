// Names and shapes of segmentation that the console shares (dates as the server holds them; the console
// maps them to JSON strings). No imports: the console bundles this file.

export const SCHEME_PRESETS = ['annual_review', 'loyalty_study'] as const;
export type SchemePreset = (typeof SCHEME_PRESETS)[number];

/** Funnel order: from newest to lost. */
export const LIFECYCLE_STAGES = ['new', 'active', 'won_back', 'dormant', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const RUN_TRIGGERS = ['schedule', 'manual', 'cli', 'demo'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** Thresholds of a tier scheme (validated by TierSchemeConfigSchema in tier-schemes.ts). */
export type TierSchemeConfig = {
  /** Spend per year, fen: annual review 头部 strategic above it; loyalty study high value at or above it. */
  upperFen: number;
  /** Spend per year, fen: 腰部 potential / potential from it. */
  lowerFen: number;
  /** No purchase for this many days puts a customer in the inactive tier (6 months ≈ 180). */
  inactiveDays: number;
  /** Spend is measured over the last N days and expressed per year (365 = the last 12 months). */
  spendWindowDays: number;
};

/** A tier reached by spend per year at or above (`inclusive`) / above one of the scheme's thresholds. */
export type SpendTier = { key: string; min: 'upperFen' | 'lowerFen' | null; inclusive: boolean };

export type PresetDefinition = {
  /** Highest first; the last one (min null) takes everyone below the lower threshold. */
  spendTiers: SpendTier[];
  /** The tier of customers without a purchase for `inactiveDays`, whatever they spent. */
  inactiveTier: string;
  defaults: TierSchemeConfig;
};

/**
 * The two published schemes. Annual review: 头部 strategic > ¥10,000/yr, 腰部 potential ¥1,000–10,000/yr,
 * 长尾 dormant < ¥1,000/yr or 6 months without a purchase. Loyalty study: high value ≥ ¥5,000/yr,
 * potential ¥2,000–5,000/yr, churn risk after 6 months without a purchase; the study leaves customers
 * under ¥2,000 unnamed, here they are `regular`.
 */
export const PRESETS: Record<SchemePreset, PresetDefinition> = {
  annual_review: {
    spendTiers: [
      { key: 'strategic', min: 'upperFen', inclusive: false },
      { key: 'potential', min: 'lowerFen', inclusive: true },
      { key: 'dormant', min: null, inclusive: true },
    ],
    inactiveTier: 'dormant',
    defaults: { upperFen: 1_000_000, lowerFen: 100_000, inactiveDays: 180, spendWindowDays: 365 },
  },
  loyalty_study: {
    spendTiers: [
      { key: 'high_value', min: 'upperFen', inclusive: true },
      { key: 'potential', min: 'lowerFen', inclusive: true },
      { key: 'regular', min: null, inclusive: true },
    ],
    inactiveTier: 'churn_risk',
    defaults: { upperFen: 500_000, lowerFen: 200_000, inactiveDays: 180, spendWindowDays: 365 },
  },
};

/** Every tier of a preset, highest first, the inactive tier last unless it is also the lowest spend tier. */
export const presetTiers = (preset: SchemePreset): string[] => {
  const def = PRESETS[preset];
  return [...new Set([...def.spendTiers.map((t) => t.key), def.inactiveTier])];
};

export type TierScheme = {
  id: string;
  preset: SchemePreset;
  active: boolean;
  config: TierSchemeConfig;
  defaults: TierSchemeConfig;
  tiers: string[];
  updatedAt: Date;
  updatedBy: string | null;
};

export type RfmCutPoints = { recency: number[]; frequency: number[]; monetary: number[] };

export type RunSummary = {
  tiers: { tier: string; customers: number }[];
  /** Tier before this run (null: none yet) → tier after it, with how many customers. */
  movement: { fromSchemeId: string | null; fromTier: string | null; toTier: string; customers: number }[];
  stages: { stage: LifecycleStage; customers: number }[];
  stageMovement: { fromStage: LifecycleStage | null; toStage: LifecycleStage; customers: number }[];
  /** R × F cells of this run's scores: how many customers and their average monetary (fen). */
  heatmap: { r: number; f: number; customers: number; avgMonetaryFen: number }[];
};

export type RunRecord = {
  id: string;
  trigger: RunTrigger;
  triggeredBy: string | null;
  asOf: Date;
  startedAt: Date;
  finishedAt: Date;
  schemeId: string;
  scheme: { preset: string; config: Record<string, number> };
  settings: { rfm: { windowDays: number | null; buckets: number }; lifecycle: Record<string, number> };
  customers: number;
  scored: number;
  tierChanges: number;
  stageChanges: number;
  cutPoints: RfmCutPoints;
  summary: RunSummary;
};
