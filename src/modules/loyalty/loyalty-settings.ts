import { z } from 'zod';
import type { Db, Trx } from '../../platform/db.ts';
import { readSetting } from '../../platform/settings.ts';

export const TierSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/),
  name: z.object({ 'zh-CN': z.string().trim().min(1).max(40), en: z.string().trim().min(1).max(40) }),
  /** Growth value (成长值) over the evaluation window needed to hold this tier. */
  threshold: z.number().int().min(0),
  /** Points per yuan are multiplied by this for members of the tier. */
  earnMultiplier: z.number().min(0).max(10),
  benefits: z.array(z.string().trim().min(1).max(200)).max(20),
});
export type Tier = z.infer<typeof TierSchema>;

export const LoyaltySettingsSchema = z
  .object({
    tiers: z.array(TierSchema).min(1).max(10),
    /** Points per yuan of an order's total (before the tier multiplier). */
    pointsPerYuan: z.number().min(0).max(100),
    /** Days after an order is placed (its return window) before its points can be spent; 0 = at once. */
    pendingDays: z.number().int().min(0).max(365),
    /** Months after which earned points expire; 0 = never. */
    expiryMonths: z.number().int().min(0).max(120),
    /** What a refund does when the order's points are already spent. */
    debtPolicy: z.enum(['debt', 'forgive']),
    /** Points for activities other than purchases (campaign bonuses are bulk grants). */
    earn: z.object({
      community: z.number().int().min(0).max(100_000),
      referral: z.number().int().min(0).max(100_000),
      caseShare: z.number().int().min(0).max(100_000),
    }),
    growth: z.object({
      perYuan: z.number().min(0).max(100),
      perOrder: z.number().int().min(0).max(100_000),
      community: z.number().int().min(0).max(100_000),
      referral: z.number().int().min(0).max(100_000),
      caseShare: z.number().int().min(0).max(100_000),
    }),
    /** Downgrades are decided at evaluation over this window, after a grace period. */
    evaluationWindowMonths: z.number().int().min(1).max(60),
    graceDays: z.number().int().min(0).max(365),
    guards: z.object({
      maxPointsPerOperation: z.number().int().min(1),
      dailyIssuanceBudget: z.number().int().min(1),
      /** Share of the daily budget at which an alert is raised before refusing. */
      budgetWarnRatio: z.number().min(0.1).max(1),
      /** A bulk grant whose total exceeds this needs a second person's approval. */
      bulkApprovalThreshold: z.number().int().min(0),
    }),
    milestones: z.object({ anniversaryPoints: z.number().int().min(0), birthdayPoints: z.number().int().min(0) }),
    /**
     * Enrolment from C1 identify events: a customer whose identify traits carry this trait with a
     * truthy value (true, "yes", "1", a member number…; not false/"false"/"no"/"0"/"") is enrolled.
     * null switches it off. Settings stored before this field existed read as the default.
     */
    enrolment: z
      .object({
        identifyTrait: z
          .string()
          .trim()
          .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a trait name: letters, digits, _ . - (at most 64)')
          .nullable(),
      })
      .default({ identifyTrait: 'member' }),
  })
  .superRefine((s, ctx) => {
    const codes = new Set(s.tiers.map((t) => t.code));
    if (codes.size !== s.tiers.length) ctx.addIssue({ code: 'custom', path: ['tiers'], message: 'tier codes must be unique' });
    if (s.tiers[0]?.threshold !== 0) ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'threshold'], message: 'the first tier starts at 0' });
    for (let i = 1; i < s.tiers.length; i++) {
      if ((s.tiers[i]?.threshold ?? 0) <= (s.tiers[i - 1]?.threshold ?? 0)) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'threshold'], message: 'thresholds must increase' });
      }
    }
  });
export type LoyaltySettings = z.infer<typeof LoyaltySettingsSchema>;

/** The loyalty study's three tiers, with defaults an operator edits in the console. */
export const DEFAULT_LOYALTY_SETTINGS: LoyaltySettings = {
  tiers: [
    { code: 'explorer', name: { 'zh-CN': '探索者', en: 'Explorer' }, threshold: 0, earnMultiplier: 1, benefits: ['Welcome coupon'] },
    {
      code: 'partner',
      name: { 'zh-CN': '伙伴', en: 'Partner' },
      threshold: 2_000,
      earnMultiplier: 1.2,
      benefits: ['Free shipping', 'Birthday gift'],
    },
    {
      code: 'close_friend',
      name: { 'zh-CN': '挚友', en: 'Close friend' },
      threshold: 10_000,
      earnMultiplier: 1.5,
      benefits: ['Dedicated advisor', 'Co-creation invitations', 'Priority service'],
    },
  ],
  pointsPerYuan: 1,
  pendingDays: 7,
  expiryMonths: 24,
  debtPolicy: 'debt',
  earn: { community: 10, referral: 500, caseShare: 100 },
  growth: { perYuan: 1, perOrder: 10, community: 5, referral: 200, caseShare: 50 },
  evaluationWindowMonths: 12,
  graceDays: 30,
  guards: { maxPointsPerOperation: 100_000, dailyIssuanceBudget: 5_000_000, budgetWarnRatio: 0.8, bulkApprovalThreshold: 10_000 },
  milestones: { anniversaryPoints: 200, birthdayPoints: 300 },
  enrolment: { identifyTrait: 'member' },
};

export const LOYALTY_SETTINGS_KEY = 'loyalty.settings';

export const loadLoyaltySettings = (db: Db | Trx): Promise<LoyaltySettings> =>
  readSetting(db, LOYALTY_SETTINGS_KEY, LoyaltySettingsSchema, DEFAULT_LOYALTY_SETTINGS);

/** The tier a growth value qualifies for (the highest whose threshold it reaches). */
export const tierForGrowth = (settings: LoyaltySettings, growth: number): Tier => {
  let best = settings.tiers[0] as Tier;
  for (const t of settings.tiers) if (growth >= t.threshold) best = t;
  return best;
};

export const tierRank = (settings: LoyaltySettings, code: string): number => settings.tiers.findIndex((t) => t.code === code);
