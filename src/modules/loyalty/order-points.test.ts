import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { readBalances } from './ledger.repository.ts';
import { DEFAULT_LOYALTY_SETTINGS } from './loyalty-settings.ts';
import { findMember } from './members.ts';
import { earnOrderPoints, reverseRefundPoints, syncOrderPoints } from './order-points.ts';
import { reconcile } from './reconcile.ts';
import { redeemPoints } from './redeem-points.ts';
import { makeCustomers, makeOrder, makeRefund, testCtx } from './test-fixtures.ts';

const feedRow = async (db: ReturnType<ReturnType<typeof useTestDb>>, customerId: string, orderId: string) =>
  db.db.selectFrom('loyalty_order_feed').selectAll().where('customer_id', '=', customerId).where('order_id', '=', orderId).executeTakeFirstOrThrow();

describe('points from orders', () => {
  const db = useTestDb();
  const clock = fixedClock('2026-04-01T02:00:00Z');
  const ctx = testCtx(clock, { pendingDays: 0 });

  it('awards the same purchase delivered 5 times concurrently exactly once, and enrols the buyer', async () => {
    const [c] = await makeCustomers(db().db, 1);
    const order = await makeOrder(db().db, c as string, 12_345, new Date('2026-03-31T10:00:00Z'));
    const row = await feedRow(db(), c as string, order);
    const results = await Promise.all(Array.from({ length: 5 }, () => db().tx((trx) => earnOrderPoints(trx, ctx, row))));
    expect(results.filter((r) => r.status === 'earned')).toEqual([{ status: 'earned', points: 123 }]);
    expect(results.filter((r) => r.status === 'already')).toHaveLength(4);
    // The scan job running concurrently with itself adds nothing more.
    await Promise.all([syncOrderPoints(db().db, ctx), syncOrderPoints(db().db, ctx)]);
    expect((await readBalances(db().db, c as string)).member).toBe(123);
    const movements = await db()
      .db.selectFrom('loyalty_movement')
      .select('kind')
      .where('customer_id', '=', c as string)
      .execute();
    expect(movements).toEqual([{ kind: 'earn' }]);
    const member = await findMember(db().db, c as string);
    expect(member).toMatchObject({ tier: 'explorer', growth: 123 + DEFAULT_LOYALTY_SETTINGS.growth.perOrder });
    expect(member?.memberNo).toMatch(/^M\d{7}$/);
  });

  it('takes back points in proportion to a partial refund after a partial redemption, recording the debt', async () => {
    const [c] = await makeCustomers(db().db, 1);
    const order = await makeOrder(db().db, c as string, 100_000, new Date('2026-03-20T10:00:00Z')); // 1,000 points
    await syncOrderPoints(db().db, ctx);
    expect((await readBalances(db().db, c as string)).member).toBe(1000);
    await db().tx((trx) => redeemPoints(trx, ctx, { customerId: c as string, points: 900, key: 'spend', reason: 'gift', actor: 'test' }));

    clock.advance(86_400_000);
    await makeRefund(db().db, c as string, order, 30_000, clock.now()); // 30% back → 300 points due, 100 left
    const r1 = await syncOrderPoints(db().db, ctx);
    expect(r1.reversed).toBe(1);
    expect(await readBalances(db().db, c as string)).toEqual({ member: 0, pending: 0, debt: -200 });
    // The same refund delivered again moves nothing.
    const refundRow = await db()
      .db.selectFrom('loyalty_refund_feed')
      .selectAll()
      .where('customer_id', '=', c as string)
      .executeTakeFirstOrThrow();
    const again = await Promise.all([1, 2, 3].map(() => db().tx((trx) => reverseRefundPoints(trx, ctx, refundRow))));
    expect(again.map((r) => r.status)).toEqual(['already', 'already', 'already']);
    expect(await readBalances(db().db, c as string)).toEqual({ member: 0, pending: 0, debt: -200 });

    // A second refund of 20% (cumulative 50% → 500 points): all of it becomes debt.
    await makeRefund(db().db, c as string, order, 20_000, clock.now());
    await syncOrderPoints(db().db, ctx);
    expect(await readBalances(db().db, c as string)).toEqual({ member: 0, pending: 0, debt: -400 });

    // New earnings repay the debt first.
    await makeOrder(db().db, c as string, 50_000, clock.now());
    await syncOrderPoints(db().db, ctx);
    expect(await readBalances(db().db, c as string)).toEqual({ member: 100, pending: 0, debt: 0 });
    const report = await reconcile(db().db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('forgives what was already spent when the policy says so, never going negative', async () => {
    const forgiving = testCtx(clock, { debtPolicy: 'forgive', pendingDays: 0 });
    const [c] = await makeCustomers(db().db, 1);
    const order = await makeOrder(db().db, c as string, 20_000, clock.now()); // 200 points
    await syncOrderPoints(db().db, forgiving);
    await db().tx((trx) => redeemPoints(trx, forgiving, { customerId: c as string, points: 150, key: 'spend', reason: 'gift', actor: 'test' }));
    await makeRefund(db().db, c as string, order, 20_000, clock.now());
    await syncOrderPoints(db().db, forgiving);
    expect(await readBalances(db().db, c as string)).toEqual({ member: 0, pending: 0, debt: 0 });
    const reversal = await db()
      .db.selectFrom('loyalty_movement')
      .select(['points', 'details'])
      .where('customer_id', '=', c as string)
      .where('kind', '=', 'reverse')
      .executeTakeFirstOrThrow();
    expect(reversal).toMatchObject({ points: 50, details: { due: 200, forgiven: 150, debt: 0 } });
    expect((await reconcile(db().db)).ok).toBe(true);
  });

  it('earns on the net amount of an order refunded before it was seen, and skips cancelled ones', async () => {
    const [c] = await makeCustomers(db().db, 1);
    const order = await makeOrder(db().db, c as string, 10_000, clock.now());
    await makeRefund(db().db, c as string, order, 4_000, clock.now());
    const cancelled = await makeOrder(db().db, c as string, 99_900, clock.now());
    await sql`update customer_order set status = 'cancelled' where id = ${cancelled}`.execute(db().db);
    await syncOrderPoints(db().db, ctx);
    expect((await readBalances(db().db, c as string)).member).toBe(60);
  });

  it('keeps the points of an order pending through its return window; a refund then takes them back from pending', async () => {
    const pendingCtx = testCtx(clock, { pendingDays: 7 });
    clock.set('2026-09-01T02:00:00Z');
    const [c] = await makeCustomers(db().db, 1);
    const id = c as string;
    const kept = await makeOrder(db().db, id, 50_000, clock.now()); // 500 points
    const returned = await makeOrder(db().db, id, 20_000, clock.now()); // 200 points
    await syncOrderPoints(db().db, pendingCtx);
    expect(await readBalances(db().db, id)).toEqual({ member: 0, pending: 700, debt: 0 });
    await expect(db().tx((trx) => redeemPoints(trx, pendingCtx, { customerId: id, points: 1, key: 'early', reason: 'x', actor: 't' }))).rejects.toMatchObject({
      code: 'loyalty.insufficient_points',
    });
    clock.advance(3 * 86_400_000);
    await makeRefund(db().db, id, returned, 20_000, clock.now());
    await syncOrderPoints(db().db, pendingCtx);
    expect(await readBalances(db().db, id)).toEqual({ member: 0, pending: 500, debt: 0 });
    clock.set('2026-09-08T02:00:01Z');
    const r = await syncOrderPoints(db().db, pendingCtx);
    expect(r.released).toBe(2);
    expect(await readBalances(db().db, id)).toEqual({ member: 500, pending: 0, debt: 0 });
    expect((await syncOrderPoints(db().db, pendingCtx)).released).toBe(0);
    // A refund after release takes back from the released lot.
    await makeRefund(db().db, id, kept, 10_000, clock.now());
    await syncOrderPoints(db().db, pendingCtx);
    expect(await readBalances(db().db, id)).toEqual({ member: 400, pending: 0, debt: 0 });
    const report = await reconcile(db().db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('holds an order whose points exceed the per-operation limit and raises an alert', async () => {
    const capped = testCtx(clock, { pendingDays: 0, guards: { ...DEFAULT_LOYALTY_SETTINGS.guards, maxPointsPerOperation: 500 } });
    const [c] = await makeCustomers(db().db, 1);
    const order = await makeOrder(db().db, c as string, 2_000_000_00, clock.now()); // the 2,000,000-point accident
    await syncOrderPoints(db().db, capped);
    expect((await readBalances(db().db, c as string)).member).toBe(0);
    const earn = await db().db.selectFrom('loyalty_order_earn').select(['status', 'points']).where('order_id', '=', order).executeTakeFirstOrThrow();
    expect(earn).toEqual({ status: 'held', points: 2_000_000 });
    const alerts = await db().db.selectFrom('loyalty_alert').select('kind').where('kind', '=', 'operation_limit').execute();
    expect(alerts.length).toBeGreaterThan(0);
  });
});
