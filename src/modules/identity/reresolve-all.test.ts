import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { useTestDb } from '../../test/test-db.ts';
import { listTimeline } from '../profiles/index.ts';
import { identityMetrics } from './identity-metrics.ts';
import { DEFAULT_IDENTITY_RULES } from './identity-rules.ts';
import { reresolveAll } from './reresolve-all.ts';

const clock = fixedClock('2026-06-01T08:00:00Z');

describe('full re-resolution and identity metrics', () => {
  const db = useTestDb();

  /** Customers written straight into the tables, as an import from several systems would leave them. */
  const seed = async (rows: { name: string; ids: [string, string][]; orders?: number }[]) => {
    const out: string[] = [];
    for (const r of rows) {
      const id = newId('cus');
      const at = clock.now();
      await db().db.insertInto('customer').values({ id, display_name: r.name, attributes: '{}', source: 'crm', created_at: at, updated_at: at }).execute();
      await db().db.insertInto('customer_stats').values({ customer_id: id, first_order_at: null, last_order_at: null }).execute();
      for (const [type, value] of r.ids)
        await db().db.insertInto('customer_identifier').values({ customer_id: id, type, value, source: 'crm', created_at: at }).execute();
      for (let o = 0; o < (r.orders ?? 0); o++) {
        await db()
          .db.insertInto('customer_order')
          .values({
            customer_id: id,
            id: newId('ord'),
            source: 'pos',
            external_id: `${id}-${o}`,
            status: 'paid',
            total_fen: 1000,
            placed_at: at,
            created_at: at,
            updated_at: at,
          })
          .execute();
      }
      out.push(id);
    }
    return out;
  };

  it('measures duplicates without changing anything, then merges them, leaving conflicts alone', async () => {
    const [a, b, c, d, e, f] = await seed([
      {
        name: '张三',
        ids: [
          ['phone', '+8613800000001'],
          ['member_no', 'M1'],
        ],
        orders: 2,
      },
      {
        name: '张三',
        ids: [
          ['phone', '+8613800000001'],
          ['email', 'zs@example.com'],
        ],
        orders: 1,
      },
      {
        name: 'Z. San',
        ids: [
          ['email', 'zs@example.com'],
          ['anonymous_id', 'a-1'],
        ],
      },
      {
        name: '李四',
        ids: [
          ['member_no', 'M2'],
          ['phone', '+8613900000002'],
        ],
      },
      {
        name: '李四 (2)',
        ids: [
          ['member_no', 'M3'],
          ['phone', '+8613900000002'],
        ],
      },
      { name: '王五', ids: [['email', 'ww@example.com']], orders: 1 },
    ]);
    const dry = await reresolveAll(db().db, clock, DEFAULT_IDENTITY_RULES, { apply: false });
    expect(dry).toMatchObject({ roots: 6, components: 3, duplicates: 2, conflicted: 1, applied: false });
    expect(dry.duplicateRate).toBeCloseTo(2 / 6);
    const untouched = await db().db.selectFrom('customer').select('id').where('merged_into', 'is not', null).execute();
    expect(untouched).toEqual([]);

    const metrics = await identityMetrics(db().db, clock, DEFAULT_IDENTITY_RULES);
    expect(metrics.duplicateRate).toMatchObject({ duplicates: 2, customers: 6 });
    expect(metrics.linkRate.orders).toEqual({ linked: 4, total: 4 });

    const applied = await reresolveAll(db().db, clock, DEFAULT_IDENTITY_RULES, { apply: true });
    expect(applied.duplicates).toBe(2);
    const roots = await db().db.selectFrom('customer').select(['id', 'root_id']).execute();
    const rootOf = new Map(roots.map((r) => [r.id, r.root_id]));
    const winner = [a, b, c].sort()[0] as string;
    expect([rootOf.get(a as string), rootOf.get(b as string), rootOf.get(c as string)]).toEqual([winner, winner, winner]);
    expect(rootOf.get(d as string)).toBe(d);
    expect(rootOf.get(e as string)).toBe(e);
    expect(rootOf.get(f as string)).toBe(f);
    const stats = await db().db.selectFrom('customer_stats').select('order_count').where('customer_id', '=', winner).executeTakeFirstOrThrow();
    expect(stats.order_count).toBe(3);
    expect(await db().db.selectFrom('identity_merge').select('rule').execute()).toEqual([{ rule: 'reresolution' }, { rule: 'reresolution' }]);

    // The merged customer's timeline shows the orders of all three records.
    const { items } = await listTimeline(db().db, { rootId: winner, limit: 10 });
    expect(items.filter((i) => i.kind === 'order')).toHaveLength(3);
    const again = await reresolveAll(db().db, clock, DEFAULT_IDENTITY_RULES, { apply: false });
    expect(again.duplicates).toBe(0);
  });

  it('counts events of anonymous-only customers as unlinked', async () => {
    const [anon] = await seed([{ name: '', ids: [['anonymous_id', 'only-anon']] }]);
    const at = clock.now();
    await db()
      .db.insertInto('customer_event')
      .values({
        customer_id: anon as string,
        id: newId('evt'),
        source_id: 'web',
        message_id: 'm-1',
        type: 'track',
        name: 'Viewed',
        user_id: null,
        anonymous_id: 'only-anon',
        properties: '{}',
        traits: '{}',
        context: '{}',
        occurred_at: at,
        received_at: at,
      })
      .execute();
    const metrics = await identityMetrics(db().db, clock, DEFAULT_IDENTITY_RULES);
    expect(metrics.linkRate.events).toEqual({ linked: 0, total: 1 });
  });
});
