import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { awardPoints } from './award-points.ts';
import { expirePoints } from './expire-points.ts';
import { readBalances } from './ledger.repository.ts';
import { reconcile } from './reconcile.ts';
import { redeemPoints } from './redeem-points.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

describe('expiry by lot, first in first out', () => {
  const db = useTestDb();

  it('expires each lot at its own date across a month boundary, after FIFO redemptions', async () => {
    const clock = fixedClock('2026-01-31T12:00:00Z');
    const ctx = testCtx(clock, { expiryMonths: 1 });
    const [c] = await makeCustomers(db().db, 1);
    const id = c as string;
    await db().tx((trx) => awardPoints(trx, ctx, { customerId: id, points: 100, key: 'jan31', reason: 'x', actor: 't' })); // expires Feb 28
    clock.set('2026-02-15T12:00:00Z');
    await db().tx((trx) => awardPoints(trx, ctx, { customerId: id, points: 50, key: 'feb15', reason: 'x', actor: 't' })); // expires Mar 15
    await db().tx((trx) => redeemPoints(trx, ctx, { customerId: id, points: 30, key: 'r', reason: 'x', actor: 't' })); // from the Jan lot

    const lots = await db()
      .db.selectFrom('loyalty_lot')
      .select(['points', 'remaining', 'expires_at'])
      .where('customer_id', '=', id)
      .orderBy('earned_at')
      .execute();
    expect(lots).toEqual([
      { points: 100, remaining: 70, expires_at: new Date('2026-02-28T12:00:00Z') },
      { points: 50, remaining: 50, expires_at: new Date('2026-03-15T12:00:00Z') },
    ]);

    clock.set('2026-02-28T11:59:59Z');
    expect(await expirePoints(db().db, ctx)).toEqual({ customers: 0, lots: 0, points: 0 });
    clock.set('2026-03-01T00:00:00Z');
    expect(await expirePoints(db().db, ctx)).toEqual({ customers: 1, lots: 1, points: 70 });
    expect((await readBalances(db().db, id)).member).toBe(50);
    // Running again (a retried job) expires nothing more.
    expect((await expirePoints(db().db, ctx)).points).toBe(0);
    clock.set('2026-03-15T12:00:00Z');
    expect((await expirePoints(db().db, ctx)).points).toBe(50);
    expect((await readBalances(db().db, id)).member).toBe(0);
    const report = await reconcile(db().db);
    expect(report.ok).toBe(true);
    expect(report.totals).toMatchObject({ issued: 150, redeemed: 30, expired: 120, outstanding: 0 });
  });

  it('keeps points for ever when expiry is off', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const ctx = testCtx(clock, { expiryMonths: 0 });
    const [c] = await makeCustomers(db().db, 1);
    await db().tx((trx) => awardPoints(trx, ctx, { customerId: c as string, points: 10, key: 'k', reason: 'x', actor: 't' }));
    clock.set('2036-01-01T00:00:00Z');
    await expirePoints(db().db, ctx);
    expect((await readBalances(db().db, c as string)).member).toBe(10);
  });
});
