import { sql } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { PRESETS, presetTiers, type SchemePreset, type TierScheme, type TierSchemeConfig } from './segmentation.shared.ts';
import { parseOrThrow } from './validation.ts';

/** The ranges of each threshold (segmentation.shared.ts says what each one means). */
export const TierSchemeConfigSchema = z
  .object({
    upperFen: z.number().int().min(1).max(1_000_000_000_000),
    lowerFen: z.number().int().min(0).max(1_000_000_000_000),
    inactiveDays: z.number().int().min(1).max(3650),
    spendWindowDays: z.number().int().min(30).max(1095),
  })
  .superRefine((c, ctx) => {
    if (c.lowerFen >= c.upperFen) ctx.addIssue({ code: 'custom', path: ['lowerFen'], message: 'must be less than upperFen' });
  }) satisfies z.ZodType<TierSchemeConfig>;

export { PRESETS, presetTiers, type TierScheme, type TierSchemeConfig } from './segmentation.shared.ts';

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
