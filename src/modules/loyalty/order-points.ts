import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, Trx } from '../../platform/db.ts';
import { isAppError } from '../../platform/errors.ts';
import { readSetting, writeSetting } from '../../platform/settings.ts';
import { awardPoints, type LoyaltyCtx } from './award-points.ts';
import { recordAlert, withIssuanceAlerts } from './issuance-guard.ts';
import { addMonths, consumeLots, createLot, findMovementByKey, insertMovement, lockAccount } from './ledger.repository.ts';
import type { LoyaltyOrderFeedView } from './loyalty.tables.ts';
import { tierForGrowth } from './loyalty-settings.ts';
import { addGrowth, enrolMember } from './members.ts';

export type OrderEarnResult = { status: 'earned' | 'held' | 'skipped' | 'already'; points: number };

/** Points an order's net amount earns for a member of `tierCode`. */
export const orderPoints = (ctx: LoyaltyCtx, netFen: number, tierCode: string): number => {
  const tier = ctx.settings.tiers.find((t) => t.code === tierCode) ?? tierForGrowth(ctx.settings, 0);
  return Math.floor((netFen * ctx.settings.pointsPerYuan * tier.earnMultiplier) / 100);
};

/**
 * Earns an order's points for the root customer it belongs to, once: the (order customer, order)
 * row is the idempotency guard, so the same purchase delivered any number of times — concurrently
 * or not — awards once. Enrols the customer on a first order. Returns 'already' for a replay.
 */
export const earnOrderPoints = async (trx: Trx, ctx: LoyaltyCtx, order: LoyaltyOrderFeedView): Promise<OrderEarnResult> => {
  const now = ctx.clock.now();
  const accountId = order.root_id;
  // Lock order: account first (like every movement), then the guard row.
  await lockAccount(trx, accountId, now);
  const claimed = await trx
    .insertInto('loyalty_order_earn')
    .values({
      customer_id: order.customer_id,
      order_id: order.order_id,
      account_customer_id: accountId,
      movement_id: null,
      points: 0,
      total_fen: Math.max(0, order.total_fen - order.refunded_fen),
      status: 'skipped',
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('order_id')
    .executeTakeFirst();
  if (!claimed) return { status: 'already', points: 0 };
  // Refunds recorded before the order earned are already netted out.
  await sql`
    insert into loyalty_refund_seen (customer_id, refund_id, order_id, amount_fen, processed_at)
    select customer_id, refund_id, order_id, amount_fen, ${now} from loyalty_refund_feed
    where customer_id = ${order.customer_id} and order_id = ${order.order_id}
    on conflict do nothing`.execute(trx);
  const netFen = Math.max(0, order.total_fen - order.refunded_fen);
  if (order.status === 'cancelled' || netFen === 0) return { status: 'skipped', points: 0 };

  const member = await enrolMember(trx, ctx.clock, ctx.settings, accountId, 'order');
  const points = orderPoints(ctx, netFen, member.tier);
  const g = ctx.settings.growth;
  await addGrowth(trx, ctx.clock, ctx.settings, {
    customerId: accountId,
    kind: 'spend',
    points: Math.floor((netFen * g.perYuan) / 100),
    key: `spend:${order.order_id}`,
  });
  await addGrowth(trx, ctx.clock, ctx.settings, { customerId: accountId, kind: 'order', points: g.perOrder, key: `order:${order.order_id}` });
  if (points === 0) return { status: 'skipped', points: 0 };
  if (points > ctx.settings.guards.maxPointsPerOperation) {
    await trx
      .updateTable('loyalty_order_earn')
      .set({ status: 'held', points })
      .where('customer_id', '=', order.customer_id)
      .where('order_id', '=', order.order_id)
      .execute();
    await recordAlert(trx, now, {
      kind: 'operation_limit',
      message: `order ${order.order_id} would earn ${points} points, above the per-operation limit; held for review`,
      details: { customerId: accountId, orderId: order.order_id, points },
    });
    return { status: 'held', points };
  }
  const pendingUntil = new Date(order.placed_at.getTime() + ctx.settings.pendingDays * 86_400_000);
  const pending = pendingUntil > now;
  const { movement } = await awardPoints(trx, ctx, {
    customerId: accountId,
    points,
    key: `order:${order.customer_id}:${order.order_id}`,
    reason: 'purchase',
    refType: 'order',
    refId: order.order_id,
    actor: 'system:loyalty-orders',
    details: { netFen, tier: member.tier },
    pendingUntil: pending ? pendingUntil : null,
  });
  await trx
    .updateTable('loyalty_order_earn')
    .set({ status: 'earned', points, movement_id: movement.id, pending_until: pending ? pendingUntil : null })
    .where('customer_id', '=', order.customer_id)
    .where('order_id', '=', order.order_id)
    .execute();
  return { status: 'earned', points };
};

export type RefundResult = { status: 'reversed' | 'already' | 'no_points' | 'waiting'; points: number; debt: number; forgiven: number };

/**
 * Takes back an order's points in proportion to the refunded amount (cumulative, so rounding never
 * drifts). What the member already spent becomes a recorded debt — repaid from future earnings — or
 * is forgiven, per the programme's policy; the balance never goes negative. Idempotent per refund.
 */
export const reverseRefundPoints = async (
  trx: Trx,
  ctx: LoyaltyCtx,
  refund: { customer_id: string; refund_id: string; order_id: string; amount_fen: number },
): Promise<RefundResult> => {
  const now = ctx.clock.now();
  const earn = await trx
    .selectFrom('loyalty_order_earn')
    .select(['account_customer_id'])
    .where('customer_id', '=', refund.customer_id)
    .where('order_id', '=', refund.order_id)
    .executeTakeFirst();
  if (!earn) return { status: 'waiting', points: 0, debt: 0, forgiven: 0 };
  const accountId = earn.account_customer_id;
  const balances = await lockAccount(trx, accountId, now);
  const key = `refund:${refund.customer_id}:${refund.refund_id}`;
  if (await findMovementByKey(trx, accountId, key)) return { status: 'already', points: 0, debt: 0, forgiven: 0 };
  const seen = await trx
    .insertInto('loyalty_refund_seen')
    .values({ customer_id: refund.customer_id, refund_id: refund.refund_id, order_id: refund.order_id, amount_fen: refund.amount_fen, processed_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('refund_id')
    .executeTakeFirst();
  if (!seen) return { status: 'already', points: 0, debt: 0, forgiven: 0 };
  const row = await trx
    .selectFrom('loyalty_order_earn')
    .selectAll()
    .where('customer_id', '=', refund.customer_id)
    .where('order_id', '=', refund.order_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const base = Number(row.total_fen);
  const refunded = Math.min(base, Number(row.refunded_fen) + refund.amount_fen);
  const target = base === 0 ? 0 : refunded >= base ? Number(row.points) : Math.floor((Number(row.points) * refunded) / base);
  const due = row.status === 'earned' ? target - Number(row.reversed_points) : 0;
  await trx
    .updateTable('loyalty_order_earn')
    .set({ refunded_fen: refunded, reversed_points: Number(row.reversed_points) + Math.max(0, due) })
    .where('customer_id', '=', refund.customer_id)
    .where('order_id', '=', refund.order_id)
    .execute();
  // Growth value follows the money back.
  const growthBack = Math.floor((refund.amount_fen * ctx.settings.growth.perYuan) / 100);
  if (growthBack > 0 && (await trx.selectFrom('loyalty_member').select('customer_id').where('customer_id', '=', accountId).executeTakeFirst())) {
    await addGrowth(trx, ctx.clock, ctx.settings, { customerId: accountId, kind: 'refund', points: -growthBack, key: `refund:${refund.refund_id}` });
  }
  if (due <= 0) return { status: 'no_points', points: 0, debt: 0, forgiven: 0 };
  if (row.pending_until && !row.released_at) {
    // Still in the return window: the points come back out of pending, nothing was spent.
    await insertMovement(trx, {
      customerId: accountId,
      kind: 'reverse',
      key,
      points: due,
      reason: 'refund',
      refType: 'order',
      refId: refund.order_id,
      actor: 'system:loyalty-orders',
      details: { refundId: refund.refund_id, refundFen: refund.amount_fen, due, debt: 0, forgiven: 0, fromPending: true },
      lines: [
        { account: 'pending', delta: -due },
        { account: 'reversed', delta: due },
      ],
      at: now,
    });
    return { status: 'reversed', points: due, debt: 0, forgiven: 0 };
  }

  const fromBalance = Math.min(balances.member, due);
  const shortfall = due - fromBalance;
  const debt = ctx.settings.debtPolicy === 'debt' ? shortfall : 0;
  const forgiven = shortfall - debt;
  const movement = await insertMovement(trx, {
    customerId: accountId,
    kind: 'reverse',
    key,
    points: fromBalance + debt,
    reason: 'refund',
    refType: 'order',
    refId: refund.order_id,
    actor: 'system:loyalty-orders',
    details: { refundId: refund.refund_id, refundFen: refund.amount_fen, due, debt, forgiven },
    lines: [
      { account: 'member', delta: -fromBalance },
      { account: 'debt', delta: -debt },
      { account: 'reversed', delta: fromBalance + debt },
    ],
    at: now,
  });
  await consumeLots(trx, { customerId: accountId, movementId: movement.id, points: fromBalance, preferMovementId: row.movement_id ?? undefined });
  return { status: 'reversed', points: fromBalance + debt, debt, forgiven };
};

const CURSOR_KEY = 'loyalty.order_cursor';
const CursorSchema = z.object({ orders: z.string(), refunds: z.string() });
// Rows are picked up again this long after the cursor passed them: a transaction that committed
// late with an earlier created_at is not missed. Idempotency makes the overlap harmless.
const LOOKBACK_MS = 3_600_000;

export type SyncReport = { orders: number; earned: number; held: number; refunds: number; reversed: number; released: number; budgetRefused: number };

/**
 * The scan job: orders and refunds of C1 (read through loyalty_order_feed / loyalty_refund_feed)
 * since the cursor, each in its own transaction, each idempotent. Safe to run concurrently and
 * after a crash.
 */
export const syncOrderPoints = async (db: Db, ctx: LoyaltyCtx, options: { batchSize?: number } = {}): Promise<SyncReport> => {
  const batchSize = options.batchSize ?? 500;
  const report: SyncReport = { orders: 0, earned: 0, held: 0, refunds: 0, reversed: 0, released: 0, budgetRefused: 0 };
  const epoch = new Date(0).toISOString();
  const cursor = await readSetting(db, CURSOR_KEY, CursorSchema, { orders: epoch, refunds: epoch });
  const from = (iso: string) => new Date(Math.max(0, new Date(iso).getTime() - LOOKBACK_MS));

  let ordersFrom = from(cursor.orders);
  let maxOrder = new Date(cursor.orders);
  let budgetHit = false;
  for (;;) {
    const orders = await sql<LoyaltyOrderFeedView>`
      select f.* from loyalty_order_feed f
      where f.created_at >= ${ordersFrom}
        and not exists (select 1 from loyalty_order_earn e where e.customer_id = f.customer_id and e.order_id = f.order_id)
      order by f.created_at, f.customer_id, f.order_id limit ${batchSize}`.execute(db);
    for (const order of orders.rows) {
      try {
        const r = await withIssuanceAlerts(db, ctx.clock, () => db.transaction().execute((trx) => earnOrderPoints(trx, ctx, order)));
        report.orders++;
        if (r.status === 'earned') report.earned++;
        if (r.status === 'held') report.held++;
        if (order.created_at > maxOrder) maxOrder = order.created_at;
      } catch (e) {
        if (isAppError(e) && e.code === 'loyalty.daily_budget_exceeded') {
          report.budgetRefused++;
          budgetHit = true;
          break;
        }
        throw e;
      }
    }
    if (budgetHit || orders.rows.length < batchSize) break;
    ordersFrom = orders.rows[orders.rows.length - 1]?.created_at ?? ordersFrom;
  }

  let refundsFrom = from(cursor.refunds);
  let maxRefund = new Date(cursor.refunds);
  for (;;) {
    const refunds = await sql<{ customer_id: string; refund_id: string; order_id: string; amount_fen: number; created_at: Date }>`
      select f.customer_id, f.refund_id, f.order_id, f.amount_fen, f.created_at from loyalty_refund_feed f
      where f.created_at >= ${refundsFrom}
        and not exists (select 1 from loyalty_refund_seen s where s.customer_id = f.customer_id and s.refund_id = f.refund_id)
      order by f.created_at, f.customer_id, f.refund_id limit ${batchSize}`.execute(db);
    let waiting = 0;
    for (const refund of refunds.rows) {
      const r = await db.transaction().execute((trx) => reverseRefundPoints(trx, ctx, refund));
      if (r.status === 'waiting') {
        waiting++;
        continue;
      }
      report.refunds++;
      if (r.status === 'reversed') report.reversed++;
      if (refund.created_at > maxRefund) maxRefund = refund.created_at;
    }
    if (refunds.rows.length < batchSize || waiting === refunds.rows.length) break;
    refundsFrom = refunds.rows[refunds.rows.length - 1]?.created_at ?? refundsFrom;
  }
  await db
    .transaction()
    .execute((trx) => writeSetting(trx, CURSOR_KEY, { orders: maxOrder.toISOString(), refunds: maxRefund.toISOString() }, null, ctx.clock.now()));
  report.released = (await releasePendingPoints(db, ctx)).orders;
  return report;
};

/**
 * Releases the points of orders whose return window has closed: pending → spendable (repaying any
 * recorded debt first), with a lot that expires N months from now. Idempotent per order.
 */
export const releasePendingPoints = async (db: Db, ctx: LoyaltyCtx, options: { batchSize?: number } = {}): Promise<{ orders: number; points: number }> => {
  const batchSize = options.batchSize ?? 500;
  const report = { orders: 0, points: 0 };
  for (;;) {
    const now = ctx.clock.now();
    const due = await db
      .selectFrom('loyalty_order_earn')
      .select(['customer_id', 'order_id', 'account_customer_id'])
      .where('released_at', 'is', null)
      .where('pending_until', '<=', now)
      .orderBy('pending_until')
      .limit(batchSize)
      .execute();
    for (const d of due) {
      const released = await db.transaction().execute(async (trx) => {
        const balances = await lockAccount(trx, d.account_customer_id, now);
        const row = await trx
          .selectFrom('loyalty_order_earn')
          .selectAll()
          .where('customer_id', '=', d.customer_id)
          .where('order_id', '=', d.order_id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (row.released_at) return 0;
        const points = Number(row.points) - Number(row.reversed_points);
        const key = `release:${d.customer_id}:${d.order_id}`;
        if (points > 0 && !(await findMovementByKey(trx, d.account_customer_id, key))) {
          const repay = Math.min(points, -balances.debt);
          const movement = await insertMovement(trx, {
            customerId: d.account_customer_id,
            kind: 'release',
            key,
            points,
            reason: 'return window closed',
            refType: 'order',
            refId: d.order_id,
            actor: 'system:loyalty-orders',
            details: repay > 0 ? { debtRepaid: repay } : {},
            lines: [
              { account: 'pending', delta: -points },
              { account: 'member', delta: points - repay },
              { account: 'debt', delta: repay },
            ],
            at: now,
          });
          const expiresAt = ctx.settings.expiryMonths > 0 ? addMonths(now, ctx.settings.expiryMonths) : null;
          await createLot(trx, { customerId: d.account_customer_id, movementId: movement.id, points: points - repay, at: now, expiresAt });
          // Later refunds take back from the released lot first.
          await trx
            .updateTable('loyalty_order_earn')
            .set({ movement_id: movement.id })
            .where('customer_id', '=', d.customer_id)
            .where('order_id', '=', d.order_id)
            .execute();
        }
        await trx
          .updateTable('loyalty_order_earn')
          .set({ released_at: now })
          .where('customer_id', '=', d.customer_id)
          .where('order_id', '=', d.order_id)
          .execute();
        return Math.max(0, points);
      });
      report.orders++;
      report.points += released;
    }
    if (due.length < batchSize) break;
  }
  return report;
};
