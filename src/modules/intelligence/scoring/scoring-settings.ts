import { z } from 'zod';
import type { Db, Trx } from '../../../platform/db.ts';
import { readSetting } from '../../../platform/settings.ts';

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const hour = z.number().int().min(0).max(23);

export const ScoringSettingsSchema = z.object({
  /** The business's calendar: purchases on the same local day are one purchase; schedules run in local time. */
  timeZone: z.string().min(1).max(64).refine(isTimeZone, 'not an IANA time zone, e.g. Asia/Shanghai'),
  clv: z.object({
    /** Daily at this local hour. */
    schedule: z.object({ enabled: z.boolean(), hour }),
    /** Yearly discount rate of the 12-month CLV, e.g. 0.1 for 10 %. */
    annualDiscountRate: z.number().min(0).max(1),
    /** The holdout check fits on everything before the last `holdoutDays` and predicts them. */
    holdoutDays: z.number().int().min(7).max(730),
    /** Model time unit; predictions do not depend on it, fitted α does. */
    timeUnit: z.enum(['day', 'week']),
  }),
  churn: z.object({
    /** Weekly on this ISO weekday (1 = Monday … 7 = Sunday) at this local hour. */
    schedule: z.object({ enabled: z.boolean(), weekday: z.number().int().min(1).max(7), hour }),
    /** Churned = no purchase in the next `horizonDays` after the cut-off. */
    horizonDays: z.number().int().min(7).max(365),
    /** Only customers who bought within this many days before the cut-off are trained on and scored. */
    activeWithinDays: z.number().int().min(30).max(1825),
    /** Share of customers held out to measure AUC and accuracy. */
    heldOutShare: z.number().min(0.05).max(0.5),
    /** Training sample cap (logistic regression needs no more). */
    maxTrainingCustomers: z.number().int().min(100).max(2_000_000),
    l2: z.number().min(0).max(1000),
  }),
  valuePotential: z
    .object({
      /** Current-value percentile from which a customer counts as high value (0.7 = top 30 %). */
      highValuePercentile: z.number().min(0.05).max(0.95),
      /** Below this current-value percentile spend counts as low (mostly new or occasional buyers), above it as mid. */
      lowValuePercentile: z.number().min(0).max(0.9),
      /** Predicted-value (CLV) percentile from which a customer counts as high potential. */
      highPotentialPercentile: z.number().min(0.05).max(0.95),
    })
    .refine((v) => v.lowValuePercentile < v.highValuePercentile, { path: ['lowValuePercentile'], message: 'must be below highValuePercentile' }),
});
export type ScoringSettings = z.infer<typeof ScoringSettingsSchema>;

export const DEFAULT_SCORING_SETTINGS: ScoringSettings = {
  timeZone: 'Asia/Shanghai',
  clv: { schedule: { enabled: true, hour: 2 }, annualDiscountRate: 0.1, holdoutDays: 180, timeUnit: 'day' },
  churn: {
    schedule: { enabled: true, weekday: 1, hour: 3 },
    horizonDays: 30,
    activeWithinDays: 365,
    heldOutShare: 0.2,
    maxTrainingCustomers: 200_000,
    l2: 1,
  },
  valuePotential: { highValuePercentile: 0.7, lowValuePercentile: 0.3, highPotentialPercentile: 0.7 },
};

export const SCORING_SETTINGS_KEY = 'intelligence.scoring';

export const loadScoringSettings = (db: Db | Trx): Promise<ScoringSettings> =>
  readSetting(db, SCORING_SETTINGS_KEY, ScoringSettingsSchema, DEFAULT_SCORING_SETTINGS);
