import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { writeSetting } from '../../platform/settings.ts';
import { systemActor } from '../auth/index.ts';
import { createBenefit, listBenefits, redeemBenefit } from './benefits.ts';
import { loadLoyaltySettings } from './loyalty-settings.ts';

export type DemoLoyaltyReport = { members: number; orders: number; points: number };

// Concurrent transactions, each over a disjoint hash partition of the root customers.
const PARTS = 2;

/**
 * The demo company's loyalty history, set-based (10,000 customers in seconds): every root customer
 * with orders is enrolled on their first order, each order earns its points on the day it was placed
 * (through the same ledger, triggers and checks as live earning), growth value sets the tier, and a
 * small catalogue with a few redemptions. Idempotent: only orders not yet earned are added. Live
 * orders are then picked up by the loyalty:sync_orders job from now on.
 */
export const seedDemoLoyalty = async (db: Db, clock: Clock): Promise<DemoLoyaltyReport> => {
  const settings = await loadLoyaltySettings(db);
  const now = clock.now();
  const entry = settings.tiers[0]?.code ?? 'explorer';
  const codes = settings.tiers.map((t) => t.code);
  const thresholds = settings.tiers.map((t) => t.threshold);
  const since = new Date(now);
  since.setUTCMonth(since.getUTCMonth() - settings.evaluationWindowMonths);
  const expiryInterval = `${settings.expiryMonths} months`;
  const recent = new Date(now.getTime() - settings.pendingDays * 86_400_000);

  // Two transactions at once, each over the customers of one hash partition (their rows never
  // overlap): the demo machine's two cores both work, as in the demo generator.
  const seedPart = (part: number) =>
    db.transaction().execute(async (trx) => {
      // The history's sorts and aggregates stay in memory.
      await sql`set local work_mem = '64MB'`.execute(trx);
      await sql`
      create temp table demo_earn on commit drop as
      select f.customer_id, f.order_id, f.root_id, greatest(0, f.total_fen - f.refunded_fen) as net, f.placed_at,
             floor(greatest(0, f.total_fen - f.refunded_fen) * ${settings.pointsPerYuan}::numeric / 100)::bigint as points,
             gx_id('lmv', f.placed_at, f.customer_id || f.order_id) as movement_id,
             gx_id('lot', f.placed_at, f.customer_id || f.order_id) as lot_id
      from loyalty_order_feed f
      where f.status <> 'cancelled'
        -- Orders still inside their return window are left to the live job (their points are pending).
        and f.placed_at < ${recent}
        and not exists (select 1 from loyalty_order_earn e where e.customer_id = f.customer_id and e.order_id = f.order_id)
        -- Accounts with a recorded debt earn through the live path (which repays the debt first).
        and not exists (select 1 from loyalty_account a where a.customer_id = f.root_id and a.kind = 'debt' and a.balance < 0)
        and mod(abs(hashtext(f.root_id)), ${PARTS}) = ${part}`.execute(trx);
      await sql`analyze demo_earn`.execute(trx);
      const members = await sql`
      insert into loyalty_member (customer_id, member_no, tier, growth, enrolled_at, enrolled_via, tier_since)
      select root_id, 'M' || nextval('loyalty_member_no_seq'), ${entry}, 0, first_at, 'order', first_at
      from (select root_id, min(placed_at) as first_at from demo_earn group by root_id order by root_id) r
      on conflict (customer_id) do nothing`.execute(trx);
      await sql`
      insert into loyalty_tier_change (customer_id, id, from_tier, to_tier, reason, growth, at)
      select m.customer_id, gx_id('ltc', m.enrolled_at, m.customer_id), null, m.tier, 'enrolment', 0, m.enrolled_at
      from loyalty_member m
      where m.customer_id in (select root_id from demo_earn)
        and not exists (select 1 from loyalty_tier_change c where c.customer_id = m.customer_id)`.execute(trx);
      await sql`
      insert into loyalty_account (customer_id, kind, balance, entry_count, updated_at)
      select distinct root_id, 'member', 0, 0, ${now}::timestamptz from demo_earn
      on conflict do nothing`.execute(trx);
      await sql`
      insert into loyalty_order_earn (customer_id, order_id, account_customer_id, movement_id, points, total_fen, status, created_at)
      select customer_id, order_id, root_id, case when points > 0 then movement_id end, points, net,
             case when points > 0 then 'earned' else 'skipped' end, placed_at
      from demo_earn`.execute(trx);
      await sql`
      insert into loyalty_refund_seen (customer_id, refund_id, order_id, amount_fen, processed_at)
      select r.customer_id, r.refund_id, r.order_id, r.amount_fen, ${now}::timestamptz
      from loyalty_refund_feed r join demo_earn d on d.customer_id = r.customer_id and d.order_id = r.order_id
      on conflict do nothing`.execute(trx);
      await sql`
      insert into loyalty_movement (customer_id, id, kind, idempotency_key, points, reason, ref_type, ref_id, actor, details, created_at)
      select root_id, movement_id, 'earn', 'order:' || customer_id || ':' || order_id, points, 'purchase', 'order', order_id,
             'system:loyalty-demo', jsonb_build_object('netFen', net), placed_at
      from demo_earn where points > 0`.execute(trx);
      const entries = await sql`
      insert into loyalty_entry (customer_id, movement_id, line, account, delta, created_at)
      select root_id, movement_id, l.line, l.account, l.delta, placed_at
      from demo_earn cross join lateral (values (1, 'issued', -points), (2, 'member', points)) as l(line, account, delta)
      where points > 0
      order by root_id, movement_id, l.line`.execute(trx);
      await sql`
      insert into loyalty_lot (customer_id, id, movement_id, points, remaining, earned_at, expires_at)
      select root_id, lot_id, movement_id, points, points, placed_at,
             case when ${settings.expiryMonths}::int > 0 then placed_at + ${expiryInterval}::interval end
      from demo_earn where points > 0`.execute(trx);
      // Growth value of the history, one entry per customer, kind and month (what the window needs);
      // the tier follows the window's growth. Live orders add one entry per order.
      await sql`
      insert into loyalty_growth_entry (customer_id, idempotency_key, kind, points, created_at)
      select root_id, 'demo:' || g.kind || ':' || to_char(date_trunc('month', placed_at), 'YYYY-MM') || ':' || ${now.getTime()}::bigint, g.kind, sum(g.points), max(placed_at)
      from demo_earn cross join lateral (values
        ('spend', floor(net * ${settings.growth.perYuan}::numeric / 100)::bigint),
        ('order', ${settings.growth.perOrder}::bigint)) as g(kind, points)
      where g.points > 0
      group by root_id, g.kind, date_trunc('month', placed_at)
      on conflict do nothing`.execute(trx);
      await sql`
      with totals as (
        select d.root_id as customer_id,
               (select coalesce(sum(points), 0) from loyalty_growth_entry g where g.customer_id = d.root_id) as lifetime,
               (select coalesce(sum(points), 0) from loyalty_growth_entry g where g.customer_id = d.root_id and g.created_at > ${since}) as windowed
        from (select distinct root_id from demo_earn) d
      ), tiers as (select code, threshold, ord from unnest(${codes}::text[], ${thresholds}::bigint[]) with ordinality as t(code, threshold, ord))
      update loyalty_member m set growth = t.lifetime,
        tier = (select code from tiers where threshold <= t.windowed order by ord desc limit 1)
      from totals t where m.customer_id = t.customer_id`.execute(trx);
      await sql`
      insert into loyalty_tier_change (customer_id, id, from_tier, to_tier, reason, growth, at)
      select m.customer_id, gx_id('ltc', ${now}::timestamptz, m.customer_id || m.tier), ${entry}, m.tier, 'upgrade', m.growth, ${now}::timestamptz
      from loyalty_member m
      where m.tier <> ${entry} and m.customer_id in (select root_id from demo_earn)
        and not exists (select 1 from loyalty_tier_change c where c.customer_id = m.customer_id and c.reason = 'upgrade')`.execute(trx);
      const sum = await sql<{ n: number; points: number }>`select count(*)::bigint as n, coalesce(sum(points), 0)::bigint as points from demo_earn`.execute(
        trx,
      );
      void entries;
      return { members: Number(members.numAffectedRows ?? 0), orders: Number(sum.rows[0]?.n ?? 0), points: Number(sum.rows[0]?.points ?? 0) };
    });
  const parts = await Promise.all(Array.from({ length: PARTS }, (_, i) => seedPart(i)));
  const report: DemoLoyaltyReport = {
    members: parts.reduce((n, p) => n + p.members, 0),
    orders: parts.reduce((n, p) => n + p.orders, 0),
    points: parts.reduce((n, p) => n + p.points, 0),
  };

  // The scan job picks up the orders of the return window and every live one after them.
  const from = new Date(recent.getTime() - 86_400_000).toISOString();
  await db.transaction().execute((trx) => writeSetting(trx, 'loyalty.order_cursor', { orders: from, refunds: from }, null, now));
  await seedDemoBenefits(db, clock);
  // Fresh statistics for the pages that read the new history (not needed when nothing was added).
  if (report.orders > 0) await sql`analyze loyalty_member, loyalty_account, loyalty_movement, loyalty_entry, loyalty_lot`.execute(db);
  return report;
};

const seedDemoBenefits = async (db: Db, clock: Clock): Promise<void> => {
  if ((await listBenefits(db)).length > 0) return;
  const actor = systemActor('demo');
  const settings = await loadLoyaltySettings(db);
  const benefits = await db.transaction().execute(async (trx) => [
    await createBenefit(trx, clock, actor, {
      name: '龙井新茶品鉴会',
      provider: 'own',
      pointsPrice: 800,
      stockTotal: 200,
      terms: '每位会员限一次；请提前三天预约。',
    }),
    await createBenefit(trx, clock, actor, {
      name: '满 200 减 30 优惠券',
      provider: 'own',
      pointsPrice: 300,
      stockTotal: 5000,
      terms: '下单满 200 元可用，有效期 30 天，不与其他优惠同享。',
    }),
    await createBenefit(trx, clock, actor, {
      name: '合作酒店下午茶',
      provider: 'partner',
      partnerName: '西湖国宾馆',
      pointsPrice: 2000,
      stockTotal: 50,
      minTier: 'partner',
      terms: '伙伴及以上等级可兑换；周一至周五 14:00–17:00，需提前预约。',
    }),
    await createBenefit(trx, clock, actor, {
      name: '专属茶顾问一对一',
      provider: 'own',
      pointsPrice: 0,
      stockTotal: 30,
      minTier: 'close_friend',
      terms: '挚友专享，每季度一次，线上或门店均可。',
    }),
  ]);
  // A few redemptions so the catalogue and member pages have history.
  const coupon = benefits[1];
  if (!coupon) return;
  const rich = await db
    .selectFrom('loyalty_account')
    .select('customer_id')
    .where('kind', '=', 'member')
    .where('balance', '>=', 1000)
    .orderBy('customer_id')
    .limit(60)
    .execute();
  for (const r of rich) {
    await db
      .transaction()
      .execute((trx) =>
        redeemBenefit(trx, { clock, settings }, { customerId: r.customer_id, benefitId: coupon.id, key: `demo:${coupon.id}`, actor: 'system:loyalty-demo' }),
      )
      .catch(() => undefined);
  }
};
