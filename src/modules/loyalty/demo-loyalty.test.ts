import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { clearDemoData } from '../customers/demo/generate-demo-data.ts';
import { seedDemoLoyalty } from './demo-loyalty.ts';
import { syncOrderPoints } from './order-points.ts';
import { reconcile } from './reconcile.ts';
import { makeCustomers, makeOrder, testCtx } from './test-fixtures.ts';

describe('demo loyalty', () => {
  const db = useTestDb();

  it('earns every demo order once through the ledger, reconciles, and clears with the demo company', async () => {
    const clock = fixedClock('2026-11-01T00:00:00Z');
    const ids = await makeCustomers(db().db, 20, new Date('2025-01-01T00:00:00Z'), 'demo');
    for (const [i, id] of ids.entries()) {
      await makeOrder(db().db, id, 10_000 + i * 5_000, new Date('2026-06-01T00:00:00Z'));
      await makeOrder(db().db, id, i < 3 ? 1_200_000 : 200_000, new Date('2026-09-01T00:00:00Z'), i % 2 === 0 ? 50_000 : 0);
    }
    const first = await seedDemoLoyalty(db().db, clock);
    expect(first).toMatchObject({ members: 20, orders: 40 });
    expect(await seedDemoLoyalty(db().db, clock)).toMatchObject({ members: 0, orders: 0 });
    // The live job finds nothing more to earn.
    expect((await syncOrderPoints(db().db, testCtx(clock))).earned).toBe(0);
    const report = await reconcile(db().db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const tiers = await db().db.selectFrom('loyalty_member').select('tier').distinct().orderBy('tier').execute();
    expect(tiers.map((t) => t.tier)).toEqual(['close_friend', 'explorer', 'partner']);
    await clearDemoData(db().db);
    expect(await db().db.selectFrom('loyalty_entry').select('movement_id').limit(1).execute()).toEqual([]);
    expect((await reconcile(db().db)).ok).toBe(true);
  });
});
