import type { Clock } from '../../platform/clock.ts';
import type { Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { writeSetting } from '../../platform/settings.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { LOYALTY_SETTINGS_KEY, type LoyaltySettings, LoyaltySettingsSchema, loadLoyaltySettings } from './loyalty-settings.ts';

/**
 * Validates the programme settings (a refusal is `loyalty.invalid_settings` naming each bad field,
 * e.g. `body.tiers.2.threshold`), stores them and records the change with before and after.
 */
export const updateLoyaltySettings = async (trx: Trx, clock: Clock, actor: Actor, input: unknown): Promise<LoyaltySettings> => {
  const parsed = LoyaltySettingsSchema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ path: ['body', ...i.path.map(String)].join('.'), message: i.message }));
    throw new AppError('loyalty.invalid_settings', `invalid loyalty settings: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fields });
  }
  const before = await loadLoyaltySettings(trx);
  await writeSetting(trx, LOYALTY_SETTINGS_KEY, parsed.data, actor.id, clock.now());
  await recordAudit(trx, clock, actor, {
    action: 'loyalty.settings_update',
    subjectType: 'setting',
    subjectId: LOYALTY_SETTINGS_KEY,
    details: { before, after: parsed.data },
  });
  return parsed.data;
};
