import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';

export type Overview = {
  customers: { total: number; newLast30d: number };
  orders: { total: number; last30d: number };
  revenueFen: { last30d: number; last365d: number };
  refundRate: number;
  activeCustomers90d: number;
  monthly: { month: string; orders: number; revenueFen: number; newCustomers: number }[];
};

const DAY = 86_400_000;

/** Headline KPIs and 24 months of orders, revenue (net of refunds) and new customers, from the analytics views. */
export const getOverview = async (db: Db, clock: Clock): Promise<Overview> => {
  const now = clock.now();
  const d30 = new Date(now.getTime() - 30 * DAY);
  const d90 = new Date(now.getTime() - 90 * DAY);
  const d365 = new Date(now.getTime() - 365 * DAY);
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1));

  const [orders, customers, monthlyOrders, monthlyCustomers] = await Promise.all([
    sql<{ total: number; last30d: number; rev30: number; rev365: number; gross: number; refunded: number; active90: number }>`
      select count(*)::bigint as total,
             count(*) filter (where placed_at >= ${d30})::bigint as last30d,
             coalesce(sum(net_fen) filter (where placed_at >= ${d30}), 0)::bigint as rev30,
             coalesce(sum(net_fen) filter (where placed_at >= ${d365}), 0)::bigint as rev365,
             coalesce(sum(total_fen) filter (where placed_at >= ${d365}), 0)::bigint as gross,
             coalesce(sum(refunded_fen) filter (where placed_at >= ${d365}), 0)::bigint as refunded,
             count(distinct customer_id) filter (where placed_at >= ${d90})::bigint as active90
      from analytics_order_fact where placed_at <= ${now}`.execute(db),
    sql<{ total: number; new30: number }>`
      select count(*)::bigint as total, count(*) filter (where created_at >= ${d30})::bigint as new30
      from analytics_customer_fact`.execute(db),
    sql<{ month: string; orders: number; revenue: number }>`
      select to_char(date_trunc('month', placed_at at time zone 'UTC'), 'YYYY-MM') as month,
             count(*)::bigint as orders, coalesce(sum(net_fen), 0)::bigint as revenue
      from analytics_order_fact where placed_at >= ${start} and placed_at <= ${now}
      group by 1`.execute(db),
    sql<{ month: string; n: number }>`
      select to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM') as month, count(*)::bigint as n
      from analytics_customer_fact where created_at >= ${start} and created_at <= ${now}
      group by 1`.execute(db),
  ]);
  const o = orders.rows[0];
  const c = customers.rows[0];
  const byMonthOrders = new Map(monthlyOrders.rows.map((r) => [r.month, r]));
  const byMonthCustomers = new Map(monthlyCustomers.rows.map((r) => [r.month, r.n]));
  const monthly = Array.from({ length: 24 }, (_, i) => {
    const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1));
    const month = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    const m = byMonthOrders.get(month);
    return { month, orders: Number(m?.orders ?? 0), revenueFen: Number(m?.revenue ?? 0), newCustomers: Number(byMonthCustomers.get(month) ?? 0) };
  });
  const gross = Number(o?.gross ?? 0);
  return {
    customers: { total: Number(c?.total ?? 0), newLast30d: Number(c?.new30 ?? 0) },
    orders: { total: Number(o?.total ?? 0), last30d: Number(o?.last30d ?? 0) },
    revenueFen: { last30d: Number(o?.rev30 ?? 0), last365d: Number(o?.rev365 ?? 0) },
    refundRate: gross > 0 ? Number(o?.refunded ?? 0) / gross : 0,
    activeCustomers90d: Number(o?.active90 ?? 0),
    monthly,
  };
};
