import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { newId } from '../../platform/ids.ts';
import type { LoyaltyCtx } from './award-points.ts';
import { DEFAULT_LOYALTY_SETTINGS, type LoyaltySettings } from './loyalty-settings.ts';

/** Test-only helpers: customers, orders and refunds written the way C1 writes them. */
export const makeCustomers = async (db: Db, n: number, at = new Date('2026-01-01T00:00:00Z'), source = 'test'): Promise<string[]> => {
  const ids = Array.from({ length: n }, () => newId('cus', at));
  await db
    .insertInto('customer')
    .values(ids.map((id, i) => ({ id, display_name: `Test ${i}`, attributes: '{}', source, created_at: at, updated_at: at })))
    .execute();
  return ids;
};

export const makeOrder = async (db: Db, customerId: string, totalFen: number, at: Date, refundedFen = 0): Promise<string> => {
  const id = newId('ord', at);
  await db
    .insertInto('customer_order')
    .values({
      customer_id: customerId,
      id,
      source: 'pos',
      external_id: id,
      status: refundedFen > 0 ? 'partially_refunded' : 'paid',
      total_fen: totalFen,
      refunded_fen: refundedFen,
      placed_at: at,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
};

export const makeRefund = async (db: Db, customerId: string, orderId: string, amountFen: number, at: Date): Promise<string> => {
  const id = newId('ref', at);
  await db
    .insertInto('customer_order_refund')
    .values({
      customer_id: customerId,
      id,
      order_id: orderId,
      source: 'pos',
      external_id: id,
      amount_fen: amountFen,
      reason: null,
      refunded_at: at,
      created_at: at,
    })
    .execute();
  await sql`update customer_order set refunded_fen = refunded_fen + ${amountFen}, status = 'partially_refunded' where customer_id = ${customerId} and id = ${orderId}`.execute(
    db,
  );
  return id;
};

export const testCtx = (clock: Clock, overrides: Partial<LoyaltySettings> = {}): LoyaltyCtx => ({
  clock,
  settings: { ...DEFAULT_LOYALTY_SETTINGS, ...overrides },
});

/**
 * `n` enrolled members holding `points` each, written set-based through the ledger's own triggers
 * (an opening grant movement with balanced entries and a lot per member) — fast set-up for load tests.
 */
export const makeMembersWithPoints = async (db: Db, n: number, points: number, at = new Date('2026-01-01T00:00:00Z')): Promise<string[]> => {
  const ids = await makeCustomers(db, n, at);
  await db.transaction().execute(async (trx) => {
    await sql`
      insert into loyalty_member (customer_id, member_no, tier, growth, enrolled_at, enrolled_via, tier_since)
      select id, 'M' || nextval('loyalty_member_no_seq'), 'explorer', 0, ${at}, 'test', ${at} from unnest(${ids}::text[]) as id`.execute(trx);
    await sql`
      insert into loyalty_account (customer_id, kind, balance, entry_count, updated_at)
      select id, 'member', 0, 0, ${at} from unnest(${ids}::text[]) as id`.execute(trx);
    await sql`
      insert into loyalty_movement (customer_id, id, kind, idempotency_key, points, reason, actor, created_at)
      select id, gx_id('lmv', ${at}, id), 'grant', 'opening', ${points}, 'opening', 'test', ${at} from unnest(${ids}::text[]) as id`.execute(trx);
    await sql`
      insert into loyalty_entry (customer_id, movement_id, line, account, delta, created_at)
      select id, gx_id('lmv', ${at}, id), l.line, l.account, l.delta, ${at} from unnest(${ids}::text[]) as id
      cross join lateral (values (1, 'issued', -${points}::bigint), (2, 'member', ${points}::bigint)) as l(line, account, delta)`.execute(trx);
    await sql`
      insert into loyalty_lot (customer_id, id, movement_id, points, remaining, earned_at, expires_at)
      select id, gx_id('lot', ${at}, id), gx_id('lmv', ${at}, id), ${points}, ${points}, ${at}, null from unnest(${ids}::text[]) as id`.execute(trx);
  });
  return ids;
};
