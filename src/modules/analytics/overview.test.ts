import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { useTestDb } from '../../test/test-db.ts';
import { cliActor } from '../auth/index.ts';
import { DEFAULT_IDENTITY_RULES, mergeCustomers, normalizeIdentifier, resolveIdentities, undoMerge } from '../identity/index.ts';
import { getOverview } from './overview.ts';

const clock = fixedClock('2026-06-01T08:00:00Z');

describe('dashboard overview', () => {
  const db = useTestDb();

  const customerWithOrder = async (type: 'phone' | 'email', value: string, source: string, externalId: string, totalFen: number) =>
    db().tx(async (trx) => {
      const n = normalizeIdentifier(type, value, 'CN');
      if (!n.ok) throw new Error(n.reason);
      const [r] = (await resolveIdentities(trx, clock, DEFAULT_IDENTITY_RULES, [{ source, identifiers: [n.identifier], traits: {}, observedAt: clock.now() }]))
        .resolutions;
      const id = r?.customerId as string;
      const at = new Date('2026-05-20T00:00:00Z');
      await trx
        .insertInto('customer_order')
        .values({
          customer_id: id,
          id: newId('ord', at),
          source,
          external_id: externalId,
          status: 'paid',
          total_fen: totalFen,
          placed_at: at,
          created_at: at,
          updated_at: at,
        })
        .execute();
      return id;
    });

  it('counts a person once after their channel records are merged, and twice again after unmerge', async () => {
    const pos = await customerWithOrder('phone', '13800001111', 'pos', 'P-1', 5000);
    const shop = await customerWithOrder('email', 'chen@example.com', 'shop', 'S-1', 7000);
    const before = await getOverview(db().db, clock);
    expect(before.customers.total).toBe(2);
    expect(before.activeCustomers90d).toBe(2);

    const merge = await db().tx((trx) => mergeCustomers(trx, clock, cliActor('test'), DEFAULT_IDENTITY_RULES, { winnerId: pos, loserId: shop }));
    const merged = await getOverview(db().db, clock);
    expect(merged.customers.total).toBe(1);
    expect(merged.activeCustomers90d).toBe(1);
    expect(merged.orders.total).toBe(2);
    expect(merged.revenueFen.last30d).toBe(12_000);

    await db().tx((trx) => undoMerge(trx, clock, cliActor('test'), DEFAULT_IDENTITY_RULES, merge.id));
    const undone = await getOverview(db().db, clock);
    expect(undone.customers.total).toBe(2);
    expect(undone.activeCustomers90d).toBe(2);
  });
});
