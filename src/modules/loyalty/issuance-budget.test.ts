import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { createDb } from '../../platform/db.ts';
import { isAppError } from '../../platform/errors.ts';
import { useTestDb } from '../../test/test-db.ts';
import { awardPoints } from './award-points.ts';
import { issuedOnDay, withIssuanceAlerts } from './issuance-guard.ts';
import { readBalances } from './ledger.repository.ts';
import { DEFAULT_LOYALTY_SETTINGS } from './loyalty-settings.ts';
import { reconcile } from './reconcile.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

describe('daily issuance budget in shards', () => {
  const db = useTestDb();
  const clock = fixedClock('2026-07-01T03:00:00Z');
  const day = '2026-07-01';
  const budgetCtx = (budget: number) => testCtx(clock, { guards: { ...DEFAULT_LOYALTY_SETTINGS.guards, dailyIssuanceBudget: budget, budgetWarnRatio: 0.8 } });

  it('60 concurrent awards on 20 connections never issue past the cap; what is left can still be issued, exactly to the cap', async () => {
    const ctx = budgetCtx(1_000);
    const ids = await makeCustomers(db().db, 60);
    const many = createDb(db().url, 20);
    try {
      const results = await Promise.allSettled(
        ids.map((id, i) =>
          withIssuanceAlerts(many.db, clock, () =>
            many.db.transaction().execute((trx) => awardPoints(trx, ctx, { customerId: id, points: 40, key: `burst:${i}`, reason: 'x', actor: 't' })),
          ),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const refused = results.filter((r) => r.status === 'rejected' && isAppError(r.reason) && r.reason.code === 'loyalty.daily_budget_exceeded').length;
      expect(ok + refused).toBe(60);
      expect(ok * 40).toBeLessThanOrEqual(1_000);
      expect(await issuedOnDay(db().db, day)).toBe(ok * 40);

      // Nothing is stranded in a shard: one connection after another issues the rest, to the point.
      let issued = ok * 40;
      let n = 0;
      while (issued + 40 <= 1_000) {
        const id = ids[n++ % ids.length] as string;
        await many.db.transaction().execute((trx) => awardPoints(trx, ctx, { customerId: id, points: 40, key: `fill:${n}`, reason: 'x', actor: 't' }));
        issued += 40;
      }
      const rest = 1_000 - issued;
      if (rest > 0) {
        await db().tx((trx) => awardPoints(trx, ctx, { customerId: ids[0] as string, points: rest, key: 'rest', reason: 'x', actor: 't' }));
      }
      expect(await issuedOnDay(db().db, day)).toBe(1_000);
      await expect(
        db().tx((trx) => awardPoints(trx, ctx, { customerId: ids[1] as string, points: 1, key: 'one-more', reason: 'x', actor: 't' })),
      ).rejects.toMatchObject({ code: 'loyalty.daily_budget_exceeded' });
    } finally {
      await many.close();
    }
    const total = (await Promise.all(ids.map((id) => readBalances(db().db, id)))).reduce((s, b) => s + b.member, 0);
    expect(total).toBe(1_000);
    const alerts = await db()
      .db.selectFrom('loyalty_alert')
      .select('kind')
      .where('at', '>=', new Date(`${day}T00:00:00Z`))
      .execute();
    expect(alerts.filter((a) => a.kind === 'budget_warning')).toHaveLength(1);
    expect(alerts.some((a) => a.kind === 'budget_exceeded')).toBe(true);
    expect((await reconcile(db().db)).ok).toBe(true);
  });

  it('a budget lowered during the day is held exactly, and an approved grant still counts against it', async () => {
    clock.set('2026-07-02T03:00:00Z');
    const [a, b] = (await makeCustomers(db().db, 2)) as [string, string];
    await db().tx((trx) => awardPoints(trx, budgetCtx(100_000), { customerId: a, points: 300, key: 'x1', reason: 'x', actor: 't' }));
    // The shard now holds a chunk far above 500; lowered to 500, only 200 more can be issued.
    const lowered = budgetCtx(500);
    await db().tx((trx) => awardPoints(trx, lowered, { customerId: a, points: 150, key: 'x2', reason: 'x', actor: 't' }));
    await expect(db().tx((trx) => awardPoints(trx, lowered, { customerId: a, points: 51, key: 'x3', reason: 'x', actor: 't' }))).rejects.toMatchObject({
      code: 'loyalty.daily_budget_exceeded',
    });
    await db().tx((trx) => awardPoints(trx, lowered, { customerId: b, points: 400, key: 'g', reason: 'x', actor: 't', approved: true }));
    expect(await issuedOnDay(db().db, '2026-07-02')).toBe(850);
    await expect(db().tx((trx) => awardPoints(trx, lowered, { customerId: a, points: 1, key: 'x4', reason: 'x', actor: 't' }))).rejects.toMatchObject({
      code: 'loyalty.daily_budget_exceeded',
    });
  });
});
