import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { businessDay } from './ledger.repository.ts';
import type { LoyaltySettings } from './loyalty-settings.ts';

export type AlertKind = 'budget_warning' | 'budget_exceeded' | 'operation_limit' | 'reconcile_failed';

export const recordAlert = async (db: Db | Trx, at: Date, alert: { kind: AlertKind; message: string; details?: Record<string, unknown> }): Promise<void> => {
  await db
    .insertInto('loyalty_alert')
    .values({ id: newId('lal', at), kind: alert.kind, message: alert.message, details: JSON.stringify(alert.details ?? {}), at })
    .execute();
};

/** The per-operation ceiling: one movement can never issue more than this. */
export const checkOperationLimit = (settings: LoyaltySettings, points: number): void => {
  if (!Number.isSafeInteger(points) || points <= 0) {
    throw new AppError('request.invalid', 'points must be a positive whole number', { fields: [{ path: 'points', message: 'a positive whole number' }] });
  }
  if (points > settings.guards.maxPointsPerOperation) {
    throw new AppError('loyalty.over_operation_limit', `${points} points exceed the limit of ${settings.guards.maxPointsPerOperation} per operation`, {
      fields: [{ path: 'points', message: `at most ${settings.guards.maxPointsPerOperation}` }],
    });
  }
};

/**
 * Counts points against today's issuance budget in the caller's transaction (so a rolled-back
 * award does not count). Past the warning ratio an alert is raised once a day; past the budget the
 * award is refused unless `enforce` is false (a bulk grant two people approved still counts).
 */
export const chargeIssuance = async (trx: Trx, clock: Clock, settings: LoyaltySettings, points: number, enforce: boolean): Promise<void> => {
  const now = clock.now();
  const day = businessDay(now);
  const row = await sql<{ issued: number; warned_at: Date | null }>`
    insert into loyalty_issuance_day as d (day, issued) values (${day}, ${points})
    on conflict (day) do update set issued = d.issued + excluded.issued
    returning issued, warned_at`.execute(trx);
  const issued = Number(row.rows[0]?.issued ?? 0);
  const budget = settings.guards.dailyIssuanceBudget;
  if (enforce && issued > budget) {
    throw new AppError('loyalty.daily_budget_exceeded', `today's issuance budget of ${budget} points is used up (${issued - points} issued)`, {
      retryAfterSeconds: 3600,
    });
  }
  if (issued >= budget * settings.guards.budgetWarnRatio && !row.rows[0]?.warned_at) {
    await trx.updateTable('loyalty_issuance_day').set({ warned_at: now }).where('day', '=', day).execute();
    await recordAlert(trx, now, {
      kind: 'budget_warning',
      message: `${issued} of today's ${budget} points issued`,
      details: { day, issued, budget },
    });
  }
};

/**
 * Runs an issuing transaction; if the budget refused it, records (once a day) an alert in a
 * transaction of its own — the refused one rolled back — and rethrows.
 */
export const withIssuanceAlerts = async <T>(db: Db, clock: Clock, fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    if (isAppError(e) && e.code === 'loyalty.daily_budget_exceeded') {
      const now = clock.now();
      const day = businessDay(now);
      const seen = await db
        .selectFrom('loyalty_alert')
        .select('id')
        .where('kind', '=', 'budget_exceeded')
        .where(sql<boolean>`details->>'day' = ${day}`)
        .executeTakeFirst();
      if (!seen) await recordAlert(db, now, { kind: 'budget_exceeded', message: e.message, details: { day } });
    }
    throw e;
  }
};
