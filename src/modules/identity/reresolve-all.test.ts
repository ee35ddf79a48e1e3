import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { type TestDb, useTestDb } from '../../test/test-db.ts';
import { listTimeline } from '../profiles/index.ts';
import { identityMetrics } from './identity-metrics.ts';
import { DEFAULT_IDENTITY_RULES } from './identity-rules.ts';
import { reresolveAll } from './reresolve-all.ts';

const clock = fixedClock('2026-06-01T08:00:00Z');

/** Customers written straight into the tables, as an import from several systems would leave them. */
const seeder = (db: () => TestDb) => async (rows: { name: string; ids: [string, string][]; orders?: number; source?: string }[]) => {
  const out: string[] = [];
  for (const r of rows) {
    const id = newId('cus');
    const at = clock.now();
    await db()
      .db.insertInto('customer')
      .values({ id, display_name: r.name, attributes: '{}', source: r.source ?? 'crm', created_at: at, updated_at: at })
      .execute();
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

describe('full re-resolution and identity metrics', () => {
  const db = useTestDb();

  const seed = seeder(db);

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
    const merges = await db().db.selectFrom('identity_merge').select(['id', 'rule', 'winner_id', 'loser_id']).orderBy('id').execute();
    expect(merges.map((m) => m.rule)).toEqual(['reresolution', 'reresolution']);
    // Published like a manual merge, so loyalty points and manual tags follow it.
    const events = await db().db.selectFrom('outbox_event').select(['topic', 'payload']).where('topic', '=', 'customer.merged').execute();
    expect(events.map((e) => e.payload)).toEqual(expect.arrayContaining(merges.map((m) => ({ winnerId: m.winner_id, loserId: m.loser_id, mergeId: m.id }))));
    expect(events).toHaveLength(2);

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

describe('full re-resolution with values shared beyond the quarantine limit', () => {
  const db = useTestDb();
  const seed = seeder(db);

  it('quarantines a front-desk phone shared by ten records instead of chaining them, and still merges a genuine pair', async () => {
    const deskPhone = '+8602188880000';
    const shop = await seed(
      Array.from({ length: 10 }, (_, n) => ({
        name: `顾客 ${n}`,
        ids: [
          ['phone', deskPhone],
          ['email', `guest${n}@example.com`],
        ] as [string, string][],
      })),
    );
    const [p1, p2] = await seed([
      {
        name: '赵六',
        ids: [
          ['phone', deskPhone],
          ['email', 'zl@example.com'],
          ['member_no', 'M9'],
        ],
      },
      { name: '赵六', ids: [['email', 'zl@example.com']] },
    ]);

    const dry = await reresolveAll(db().db, clock, DEFAULT_IDENTITY_RULES, { apply: false });
    expect(dry).toMatchObject({ roots: 12, components: 11, duplicates: 1, quarantined: 1 });
    expect(await db().db.selectFrom('identity_quarantine').selectAll().execute()).toEqual([]);

    const applied = await reresolveAll(db().db, clock, DEFAULT_IDENTITY_RULES, { apply: true });
    expect(applied).toMatchObject({ duplicates: 1, quarantined: 1 });
    const live = await db().db.selectFrom('customer').select('id').where('merged_into', 'is', null).execute();
    expect(live).toHaveLength(11);
    const roots = new Map((await db().db.selectFrom('customer').select(['id', 'root_id']).execute()).map((r) => [r.id, r.root_id]));
    expect(new Set(shop.map((id) => roots.get(id))).size).toBe(10);
    expect(roots.get(p2 as string)).toBe([p1, p2].sort()[0]);
    expect(roots.get(p1 as string)).toBe([p1, p2].sort()[0]);
    const quarantine = await db().db.selectFrom('identity_quarantine').select(['type', 'value', 'linked_customers', 'reason']).execute();
    expect(quarantine).toEqual([{ type: 'phone', value: deskPhone, linked_customers: 11, reason: 'shared by more customers than the limit' }]);

    const again = await reresolveAll(db().db, clock, DEFAULT_IDENTITY_RULES, { apply: false });
    expect(again).toMatchObject({ duplicates: 0, quarantined: 0 });
  });

  it('still merges records sharing a value within the limit, and one person seen by more channels than the limit', async () => {
    const ids = await seed(
      Array.from({ length: DEFAULT_IDENTITY_RULES.quarantineAfterCustomers }, (_, n) => ({
        name: `家庭 ${n}`,
        ids: [['email', 'family@example.com']] as [string, string][],
      })),
    );
    // One person's phone on the records of four channels (more records than the limit) still links them.
    const channels = await seed(
      ['member', 'shop', 'mini-program', 'pos'].map((source) => ({ name: '孙七', source, ids: [['phone', '+8613700000007']] as [string, string][] })),
    );
    const applied = await reresolveAll(db().db, clock, DEFAULT_IDENTITY_RULES, { apply: true });
    expect(applied).toMatchObject({ duplicates: ids.length - 1 + channels.length - 1, quarantined: 0 });
    const roots = await db().db.selectFrom('customer').select('root_id').distinct().where('id', 'in', channels).execute();
    expect(roots).toHaveLength(1);
    expect(await db().db.selectFrom('identity_quarantine').select('type').execute()).toEqual([{ type: 'phone' }]);
  });
});
