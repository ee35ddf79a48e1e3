import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type { FeatureSpec } from '../models/index.ts';

// Churn features of each root customer at a cut-off instant, from the company's own orders, refunds (share
// of the year's spend and how many, dated when refunded), tickets, tracked events and community messages
// (through the model_* views). The console translates the feature keys; the English labels here are for
// logs and the CLI.

export const CHURN_FEATURES = [
  { name: 'recency_days', kind: 'numeric', label: 'days since the last purchase', unit: 'days', lowWord: 'short', highWord: 'long' },
  { name: 'tenure_days', kind: 'numeric', label: 'days since the first purchase', unit: 'days', lowWord: 'short', highWord: 'long' },
  { name: 'orders_365d', kind: 'numeric', label: 'orders in the last 12 months', lowWord: 'few', highWord: 'many' },
  { name: 'spend_365d_yuan', kind: 'numeric', label: 'net spend in the last 12 months', unit: 'yuan' },
  { name: 'trend_90d', kind: 'numeric', label: 'orders in the last 90 days minus the 90 before', lowWord: 'falling', highWord: 'rising' },
  { name: 'overdue_ratio', kind: 'numeric', label: 'days since the last purchase / usual days between purchases' },
  { name: 'refund_rate', kind: 'numeric', label: 'share of the last 12 months refunded' },
  { name: 'refunds_365d', kind: 'numeric', label: 'refunds in the last 12 months', lowWord: 'few', highWord: 'many' },
  { name: 'tickets_90d', kind: 'numeric', label: 'service tickets in the last 90 days', lowWord: 'few', highWord: 'many' },
  { name: 'events_30d', kind: 'numeric', label: 'tracked events in the last 30 days', lowWord: 'few', highWord: 'many' },
  { name: 'messages_90d', kind: 'numeric', label: 'community messages in the last 90 days', lowWord: 'few', highWord: 'many' },
] as const satisfies readonly FeatureSpec[];

export type ChurnFeatureKey = (typeof CHURN_FEATURES)[number]['name'];
export const CHURN_FEATURE_KEYS = CHURN_FEATURES.map((f) => f.name) as ChurnFeatureKey[];

export type ChurnFeatureRow = { customer_id: string; value_12m_fen: number } & Record<ChurnFeatureKey, number | null>;

const days = (n: number) => sql`make_interval(days => ${n})`;

/**
 * One row per root customer who bought in the `activeWithinDays` before `cutoff`: the features, their
 * current value (net spend of the last 365 days, fen) and, with `horizonDays`, the label `churned`
 * (no purchase in the `horizonDays` after the cut-off).
 */
export const churnFeaturesQuery = (input: {
  cutoff: Date;
  activeWithinDays: number;
  horizonDays?: number;
}): RawBuilder<ChurnFeatureRow & { churned?: boolean }> => {
  const c = sql`${input.cutoff}::timestamptz`;
  const label =
    input.horizonDays === undefined
      ? sql``
      : sql`, not exists (select 1 from model_order_fact f where f.root_id = a.root_id and f.placed_at > ${c} and f.placed_at <= ${c} + ${days(input.horizonDays)}) as churned`;
  return sql<ChurnFeatureRow & { churned?: boolean }>`
    with a as (
      select root_id, min(placed_at) as first_at, max(placed_at) as last_at, count(*) as n_all,
             count(*) filter (where placed_at > ${c} - ${days(365)}) as orders_365d,
             coalesce(sum(net_fen) filter (where placed_at > ${c} - ${days(365)}), 0) as spend_365d,
             count(*) filter (where placed_at > ${c} - ${days(90)}) as orders_90d,
             count(*) filter (where placed_at > ${c} - ${days(180)} and placed_at <= ${c} - ${days(90)}) as orders_prev_90d
      from model_order_fact
      where placed_at <= ${c}
      group by root_id
      having max(placed_at) > ${c} - ${days(input.activeWithinDays)}
    ),
    r as (
      select root_id, sum(amount_fen) as refunded, count(*) as refunds from model_refund_fact
      where refunded_at > ${c} - ${days(365)} and refunded_at <= ${c} group by root_id
    ),
    act as (
      select root_id,
             count(*) filter (where kind = 'ticket') as tickets_90d,
             count(*) filter (where kind = 'event' and at > ${c} - ${days(30)}) as events_30d,
             count(*) filter (where kind = 'message') as messages_90d
      from model_activity_fact
      where at > ${c} - ${days(90)} and at <= ${c}
      group by root_id
    )
    select a.root_id as customer_id,
           round((extract(epoch from ${c} - a.last_at) / 86400)::numeric, 1)::float8 as recency_days,
           round((extract(epoch from ${c} - a.first_at) / 86400)::numeric, 1)::float8 as tenure_days,
           a.orders_365d::float8 as orders_365d,
           round(a.spend_365d / 100.0, 2)::float8 as spend_365d_yuan,
           (a.orders_90d - a.orders_prev_90d)::float8 as trend_90d,
           case when a.n_all > 1 and a.last_at > a.first_at
                then round(least(20, extract(epoch from ${c} - a.last_at) / (extract(epoch from a.last_at - a.first_at) / (a.n_all - 1)))::numeric, 2)::float8
           end as overdue_ratio,
           round(least(1, coalesce(coalesce(r.refunded, 0)::numeric / nullif(a.spend_365d + coalesce(r.refunded, 0), 0), 0)), 3)::float8 as refund_rate,
           coalesce(r.refunds, 0)::float8 as refunds_365d,
           coalesce(act.tickets_90d, 0)::float8 as tickets_90d,
           coalesce(act.events_30d, 0)::float8 as events_30d,
           coalesce(act.messages_90d, 0)::float8 as messages_90d,
           a.spend_365d::bigint as value_12m_fen
           ${label}
    from a left join r on r.root_id = a.root_id left join act on act.root_id = a.root_id`;
};

/**
 * A stable number in [0, 1) per customer that decides who is held out. It reads the last bytes of the
 * md5, while the training sample is taken in order of the md5's first bytes: the two stay independent.
 */
export const customerBucket = (customerId: string): number => createHash('md5').update(customerId).digest().readUInt32BE(12) / 2 ** 32;
