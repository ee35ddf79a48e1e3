import { parseCronItem } from 'graphile-worker';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { readSetting, writeSetting } from '../../../platform/settings.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { parseOrThrow } from './validation.ts';

export const SEGMENTATION_SETTINGS_KEY = 'segmentation.settings';

const days = (max: number) => z.number().int().min(1).max(max);

/** A graphile-worker cron line's time part (UTC), e.g. `0 2 1 1,4,7,10 *`. */
export const CronSchema = z
  .string()
  .trim()
  .min(9)
  .max(100)
  .refine(
    (value) => {
      try {
        parseCronItem({ task: 'segmentation:check', match: value });
        return value.split(/\s+/).length === 5;
      } catch {
        return false;
      }
    },
    { message: 'must be a cron expression of 5 fields (minute hour day-of-month month day-of-week, UTC)' },
  );

export const SegmentationSettingsSchema = z
  .object({
    rfm: z.object({
      /** Orders of the last N days count for RFM; null = all history. */
      windowDays: days(3650).nullable(),
      /** 5 = quintiles, 4 = quartiles. */
      buckets: z.union([z.literal(4), z.literal(5)]),
    }),
    lifecycle: z.object({
      /** First purchase (or sign-up, without purchases) less than this many days ago: new. */
      newDays: days(3650),
      /** Last purchase less than this many days ago: active. */
      activeDays: days(3650),
      /** Last purchase at least this many days ago: churned (in between: dormant). */
      churnDays: days(3650),
      /** An active customer whose return purchase came after at least this many silent days: won back. */
      wonBackGapDays: days(3650),
    }),
    schedule: z.object({ enabled: z.boolean(), cron: CronSchema }),
  })
  .superRefine((s, ctx) => {
    if (s.lifecycle.churnDays <= s.lifecycle.activeDays) {
      ctx.addIssue({ code: 'custom', path: ['lifecycle', 'churnDays'], message: 'must be greater than lifecycle.activeDays' });
    }
  });
export type SegmentationSettings = z.infer<typeof SegmentationSettingsSchema>;

/** Quarterly (动态分层): 02:00 UTC on the first day of January, April, July and October. */
export const DEFAULT_RETIER_CRON = '0 2 1 1,4,7,10 *';

export const DEFAULT_SEGMENTATION_SETTINGS: SegmentationSettings = {
  rfm: { windowDays: 730, buckets: 5 },
  lifecycle: { newDays: 90, activeDays: 90, churnDays: 365, wonBackGapDays: 180 },
  schedule: { enabled: true, cron: DEFAULT_RETIER_CRON },
};

export const loadSegmentationSettings = (db: Db | Trx): Promise<SegmentationSettings> =>
  readSetting(db, SEGMENTATION_SETTINGS_KEY, SegmentationSettingsSchema, DEFAULT_SEGMENTATION_SETTINGS);

/** Validates (errors name the field), stores and audits new settings. */
export const updateSegmentationSettings = async (trx: Trx, clock: Clock, actor: Actor, input: unknown): Promise<SegmentationSettings> => {
  const settings = parseOrThrow(SegmentationSettingsSchema, input, 'segmentation.invalid_settings', 'segmentation settings');
  const before = await loadSegmentationSettings(trx);
  await writeSetting(trx, SEGMENTATION_SETTINGS_KEY, settings, actor.id, clock.now());
  await recordAudit(trx, clock, actor, {
    action: 'segmentation.settings_update',
    subjectType: 'setting',
    subjectId: SEGMENTATION_SETTINGS_KEY,
    details: { before, after: settings },
  });
  return settings;
};
