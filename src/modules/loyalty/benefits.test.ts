import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { cliActor } from '../auth/index.ts';
import { createBenefit, getBenefit, redeemBenefit } from './benefits.ts';
import { createBulkGrant, runBulkGrant } from './bulk-grants.ts';
import { enrolMember } from './members.ts';
import { reconcile } from './reconcile.ts';
import { makeCustomers, makeMembersWithPoints, testCtx } from './test-fixtures.ts';

describe('benefits', () => {
  const db = useTestDb();
  const clock = fixedClock('2026-07-01T02:00:00Z');
  const ctx = testCtx(clock);
  const actor = cliActor('test');

  const members = async (n: number, points: number) => {
    const ids = await makeCustomers(db().db, n);
    await db().tx(async (trx) => {
      for (const id of ids) await enrolMember(trx, clock, ctx.settings, id, 'test');
    });
    const g = await db().tx((trx) =>
      createBulkGrant(trx, clock, { ...ctx.settings, guards: { ...ctx.settings.guards, bulkApprovalThreshold: 10_000_000 } }, actor, {
        title: 'seed',
        reason: 'seed',
        pointsEach: points,
        customerIds: ids,
      }),
    );
    await runBulkGrant(db().db, ctx, g.id, { batchSize: 250 });
    return ids;
  };

  it('1,000 concurrent redemptions of a benefit with stock 100: exactly 100 succeed, stock 0, balances right', async () => {
    const ids = await makeMembersWithPoints(db().db, 1000, 500);
    const benefit = await db().tx((trx) =>
      createBenefit(trx, clock, actor, { name: 'Tea tasting', provider: 'own', pointsPrice: 300, stockTotal: 100, terms: 'One per visit' }),
    );
    const results = await Promise.allSettled(
      ids.map((customerId) => db().tx((trx) => redeemBenefit(trx, ctx, { customerId, benefitId: benefit.id, key: `redeem:${benefit.id}`, actor: 'test' }))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(100);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'loyalty.out_of_stock' });
    expect((await getBenefit(db().db, benefit.id)).stockLeft).toBe(0);
    const codes = new Set(ok.map((r) => (r.status === 'fulfilled' ? r.value.code : '')));
    expect(codes.size).toBe(100);
    const balances = await sql<{ balance: number; n: number }>`
      select balance, count(*)::int as n from loyalty_account where kind = 'member' and customer_id = any(${ids}) group by balance order by balance`.execute(
      db().db,
    );
    expect(balances.rows).toEqual([
      { balance: 200, n: 100 },
      { balance: 500, n: 900 },
    ]);
    const redemptions = await db()
      .db.selectFrom('loyalty_redemption')
      .select(db().db.fn.countAll<number>().as('n'))
      .where('benefit_id', '=', benefit.id)
      .executeTakeFirst();
    expect(Number(redemptions?.n)).toBe(100);
    expect((await reconcile(db().db)).ok).toBe(true);
  }, 180_000);

  it('returns the unit to stock when the points fall short, and replays a repeated request', async () => {
    const [poor, rich] = await members(2, 100);
    const benefit = await db().tx((trx) =>
      createBenefit(trx, clock, actor, { name: 'Partner spa', provider: 'partner', partnerName: 'Spa Co', pointsPrice: 80, stockTotal: 1, terms: 'Weekdays' }),
    );
    await db().tx((trx) => redeemBenefit(trx, ctx, { customerId: poor as string, benefitId: benefit.id, key: 'k1', actor: 't' }));
    const bigger = await db().tx((trx) => createBenefit(trx, clock, actor, { name: 'Dinner', provider: 'own', pointsPrice: 150, stockTotal: 5, terms: 'x' }));
    await expect(db().tx((trx) => redeemBenefit(trx, ctx, { customerId: rich as string, benefitId: bigger.id, key: 'k2', actor: 't' }))).rejects.toMatchObject({
      code: 'loyalty.insufficient_points',
    });
    expect((await getBenefit(db().db, bigger.id)).stockLeft).toBe(5);
    const first = await db()
      .tx((trx) => redeemBenefit(trx, ctx, { customerId: rich as string, benefitId: benefit.id, key: 'k3', actor: 't' }))
      .catch((e) => e);
    expect(first).toMatchObject({ code: 'loyalty.out_of_stock' });
    const again = await db().tx((trx) => redeemBenefit(trx, ctx, { customerId: poor as string, benefitId: benefit.id, key: 'k1', actor: 't' }));
    expect(again.replayed).toBe(true);
    const tierOnly = await db().tx((trx) =>
      createBenefit(trx, clock, actor, { name: 'Advisor', provider: 'own', pointsPrice: 0, stockTotal: 5, minTier: 'close_friend', terms: 'x' }),
    );
    await expect(
      db().tx((trx) => redeemBenefit(trx, ctx, { customerId: rich as string, benefitId: tierOnly.id, key: 'k4', actor: 't' })),
    ).rejects.toMatchObject({
      code: 'loyalty.tier_too_low',
    });
  });
});
