import { sql } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import type { SchemePreset } from './segmentation.tables.ts';
import { parseOrThrow } from './validation.ts';

/** A tier reached by spend per year at or above (`inclusive`) / above one of the scheme's thresholds. */
export type SpendTier = { key: string; min: 'upperFen' | 'lowerFen' | null; inclusive: boolean };

export type PresetDefinition = {
  /** Highest first; the last one (min null) takes everyone below the lower threshold. */
  spendTiers: SpendTier[];
  /** The tier of customers without a purchase for `inactiveDays`, whatever they spent. */
  inactiveTier: string;
  defaults: TierSchemeConfig;
};

export const TierSchemeConfigSchema = z
  .object({
    /** Spend per year, fen: annual review 头部 strategic above it; loyalty study high value at or above it. */
    upperFen: z.number().int().min(1).max(1_000_000_000_000),
    /** Spend per year, fen: 腰部 potential / potential from it. */
    lowerFen: z.number().int().min(0).max(1_000_000_000_000),
    /** No purchase for this many days puts a customer in the inactive tier (6 months ≈ 180). */
    inactiveDays: z.number().int().min(1).max(3650),
    /** Spend is measured over the last N days and expressed per year (365 = the last 12 months). */
    spendWindowDays: z.number().int().min(30).max(1095),
  })
  .superRefine((c, ctx) => {
    if (c.lowerFen >= c.upperFen) ctx.addIssue({ code: 'custom', path: ['lowerFen'], message: 'must be less than upperFen' });
  });
export type TierSchemeConfig = z.infer<typeof TierSchemeConfigSchema>;

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

const toScheme = (row: { id: string; preset: SchemePreset; active: boolean; config: unknown; updated_at: Date; updated_by: string | null }): TierScheme => {
  const def = PRESETS[row.preset];
  const parsed = TierSchemeConfigSchema.safeParse(row.config);
  return {
    id: row.id,
    preset: row.preset,
    active: row.active,
    config: parsed.success ? parsed.data : def.defaults,
    defaults: def.defaults,
    tiers: presetTiers(row.preset),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
};

export const listTierSchemes = async (db: Db | Trx): Promise<TierScheme[]> =>
  (await db.selectFrom('tier_scheme').selectAll().orderBy('id').execute()).map(toScheme);

export const getTierScheme = async (db: Db | Trx, id: string): Promise<TierScheme> => {
  const row = await db.selectFrom('tier_scheme').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('segmentation.scheme_not_found', `no tier scheme ${id}`);
  return toScheme(row);
};

/** The scheme re-tiering uses. */
export const getActiveTierScheme = async (db: Db | Trx): Promise<TierScheme> => {
  const row = await db.selectFrom('tier_scheme').selectAll().where('active', '=', true).executeTakeFirst();
  if (!row) throw new AppError('segmentation.scheme_not_found', 'no active tier scheme');
  return toScheme(row);
};

/** New thresholds for a scheme: validated (errors name the field) and audited with before/after. */
export const updateTierScheme = async (trx: Trx, clock: Clock, actor: Actor, id: string, input: unknown): Promise<TierScheme> => {
  const before = await getTierScheme(trx, id);
  const config = parseOrThrow(TierSchemeConfigSchema, input, 'segmentation.invalid_scheme', `thresholds of tier scheme ${id}`);
  await trx
    .updateTable('tier_scheme')
    .set({ config: JSON.stringify(config), updated_at: clock.now(), updated_by: actor.id ?? actor.label })
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, clock, actor, {
    action: 'segmentation.scheme_update',
    subjectType: 'tier_scheme',
    subjectId: id,
    details: { before: before.config, after: config },
  });
  return getTierScheme(trx, id);
};

/** Makes a scheme the one re-tiering uses (the others become inactive); audited. */
export const activateTierScheme = async (trx: Trx, clock: Clock, actor: Actor, id: string): Promise<TierScheme> => {
  const previous = await getActiveTierScheme(trx).catch(() => undefined);
  await getTierScheme(trx, id);
  await sql`update tier_scheme set active = false where active and id <> ${id}`.execute(trx);
  await trx
    .updateTable('tier_scheme')
    .set({ active: true, updated_at: clock.now(), updated_by: actor.id ?? actor.label })
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, clock, actor, {
    action: 'segmentation.scheme_activate',
    subjectType: 'tier_scheme',
    subjectId: id,
    details: { previous: previous?.id ?? null },
  });
  return getTierScheme(trx, id);
};
