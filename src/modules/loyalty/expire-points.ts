import { sql } from 'kysely';
import type { Db } from '../../platform/db.ts';
import type { LoyaltyCtx } from './award-points.ts';
import { findMovementByKey, insertMovement, lockAccount } from './ledger.repository.ts';

export type ExpiryReport = { customers: number; lots: number; points: number };

/**
 * Expires every lot whose time has come (FIFO is kept by redemption order; here each due lot simply
 * loses what remains). One transaction per customer, idempotent per lot: safe to re-run after a crash.
 */
export const expirePoints = async (db: Db, ctx: LoyaltyCtx, options: { batchSize?: number } = {}): Promise<ExpiryReport> => {
  const batchSize = options.batchSize ?? 500;
  const report: ExpiryReport = { customers: 0, lots: 0, points: 0 };
  let after = '';
  for (;;) {
    const now = ctx.clock.now();
    const customers = await sql<{ customer_id: string }>`
      select distinct customer_id from loyalty_lot
      where remaining > 0 and expires_at <= ${now} and customer_id > ${after}
      order by customer_id limit ${batchSize}`.execute(db);
    if (customers.rows.length === 0) break;
    for (const { customer_id: customerId } of customers.rows) {
      after = customerId;
      const done = await db.transaction().execute(async (trx) => {
        await lockAccount(trx, customerId, now);
        const lots = await trx
          .selectFrom('loyalty_lot')
          .select(['id', 'remaining', 'expires_at'])
          .where('customer_id', '=', customerId)
          .where('remaining', '>', 0)
          .where('expires_at', '<=', now)
          .orderBy('expires_at')
          .orderBy('id')
          .execute();
        let points = 0;
        for (const lot of lots) {
          const key = `expire:${lot.id}`;
          if (await findMovementByKey(trx, customerId, key)) continue;
          const movement = await insertMovement(trx, {
            customerId,
            kind: 'expire',
            key,
            points: lot.remaining,
            reason: 'points expired',
            refType: 'lot',
            refId: lot.id,
            actor: 'system:loyalty-expiry',
            details: { expiresAt: lot.expires_at?.toISOString() ?? null },
            lines: [
              { account: 'member', delta: -lot.remaining },
              { account: 'expired', delta: lot.remaining },
            ],
            at: now,
          });
          await trx.updateTable('loyalty_lot').set({ remaining: 0 }).where('customer_id', '=', customerId).where('id', '=', lot.id).execute();
          await trx
            .insertInto('loyalty_lot_use')
            .values({ customer_id: customerId, lot_id: lot.id, movement_id: movement.id, points: lot.remaining })
            .execute();
          points += lot.remaining;
        }
        return { lots: lots.length, points };
      });
      if (done.lots > 0) report.customers++;
      report.lots += done.lots;
      report.points += done.points;
    }
    if (customers.rows.length < batchSize) break;
  }
  return report;
};

/** What a member will lose when: open lots with an expiry date, soonest first. */
export const listExpiringLots = async (db: Db, customerId: string) => {
  const rows = await db
    .selectFrom('loyalty_lot')
    .select(['id', 'points', 'remaining', 'earned_at', 'expires_at'])
    .where('customer_id', '=', customerId)
    .orderBy('earned_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({ id: r.id, points: r.points, remaining: r.remaining, earnedAt: r.earned_at, expiresAt: r.expires_at }));
};
