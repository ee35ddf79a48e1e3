import type { z } from 'zod';
import type { Db, Trx } from './db.ts';

/**
 * Operator-editable settings stored in the database (identity rules, import mappings…), validated
 * with the owning module's schema on every read; a missing or invalid value falls back to the default.
 */
export const readSetting = async <S extends z.ZodType>(db: Db | Trx, key: string, schema: S, fallback: z.infer<S>): Promise<z.infer<S>> => {
  const row = await db.selectFrom('platform_setting').select('value').where('key', '=', key).executeTakeFirst();
  if (!row) return fallback;
  const parsed = schema.safeParse(row.value);
  return parsed.success ? parsed.data : fallback;
};

export const writeSetting = async (trx: Trx, key: string, value: unknown, by: string | null, at: Date): Promise<void> => {
  await trx
    .insertInto('platform_setting')
    .values({ key, value: JSON.stringify(value), updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at, updated_by: by }))
    .execute();
};
