import { type Kysely, sql } from 'kysely';

/**
 * C3 scoring: model runs (CLV, churn) with their diagnostics, per-customer CLV / value × potential
 * scores and churn-risk scores, and the read-only views through which scoring reads other modules.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // ---- views: what scoring reads of orders, refunds, tickets, events and messages, per root customer ----
  // A purchase is an order that is neither cancelled nor wholly refunded (a free order is a purchase).
  await sql`
    create view model_order_fact as
      select c.root_id, o.customer_id, o.placed_at, o.total_fen, o.refunded_fen, o.total_fen - o.refunded_fen as net_fen
      from customer_order o join customer c on c.id = o.customer_id
      where o.status <> 'cancelled' and (o.refunded_fen < o.total_fen or o.total_fen = 0)`.execute(db);
  await sql`
    create view model_refund_fact as
      select c.root_id, r.refunded_at, r.amount_fen
      from customer_order_refund r join customer c on c.id = r.customer_id`.execute(db);
  await sql`
    create view model_activity_fact as
      select c.root_id, 'ticket'::text as kind, t.opened_at as at from service_ticket t join customer c on c.id = t.customer_id
      union all
      select c.root_id, 'event', e.occurred_at from customer_event e join customer c on c.id = e.customer_id
      union all
      select c.root_id, 'message', m.sent_at from community_message m join customer c on c.id = m.customer_id`.execute(db);
  await sql`
    create view model_customer_fact as
      select id as customer_id, root_id, display_name, created_at from customer`.execute(db);

  // ---- runs: one row per CLV or churn run; small, not per customer --------------------------------
  await sql`
    create table model_run (
      id text primary key,
      kind text not null check (kind in ('clv', 'churn')),
      status text not null check (status in ('queued', 'running', 'succeeded', 'failed')),
      trigger text not null check (trigger in ('schedule', 'manual', 'cli', 'demo', 'test')),
      requested_by text,
      created_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      settings jsonb not null default '{}',
      diagnostics jsonb,
      model jsonb,
      error text
    )`.execute(db);
  await sql`create index model_run_kind_idx on model_run (kind, created_at desc)`.execute(db);
  // At most one queued or running run per kind, across every node.
  await sql`create unique index model_run_active_key on model_run (kind) where status in ('queued', 'running')`.execute(db);

  // ---- CLV and value × potential, per root customer (latest run) ------------------------------------
  await sql`
    create table clv_score (
      customer_id text primary key references customer (id) on delete cascade,
      run_id text not null,
      frequency int not null,
      recency_days int not null,
      age_days int not null,
      mean_repeat_spend_fen double precision not null,
      p_alive double precision not null,
      expected_purchases_30d double precision not null,
      expected_purchases_90d double precision not null,
      expected_purchases_365d double precision not null,
      expected_spend_fen bigint not null,
      clv_12m_fen bigint not null,
      value_12m_fen bigint not null,
      value_percentile double precision not null,
      clv_percentile double precision not null,
      potential_index int not null,
      quadrant text not null,
      sample_key int not null,
      scored_at timestamptz not null
    )`.execute(db);
  await sql`create index clv_score_quadrant_idx on clv_score (quadrant, potential_index desc, customer_id)`.execute(db);
  await sql`create index clv_score_clv_idx on clv_score (clv_12m_fen desc, customer_id)`.execute(db);
  await sql`create index clv_score_sample_idx on clv_score (sample_key)`.execute(db);

  // ---- churn risk, per root customer (latest run) ---------------------------------------------------
  await sql`
    create table churn_score (
      customer_id text primary key references customer (id) on delete cascade,
      run_id text not null,
      risk double precision not null check (risk >= 0 and risk <= 1),
      value_12m_fen bigint not null,
      priority double precision not null,
      factors jsonb not null default '[]',
      scored_at timestamptz not null
    )`.execute(db);
  await sql`create index churn_score_priority_idx on churn_score (priority desc, customer_id)`.execute(db);
  await sql`create index churn_score_risk_idx on churn_score (risk desc, customer_id)`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
