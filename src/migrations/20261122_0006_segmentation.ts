import { type Kysely, sql } from 'kysely';

/**
 * C3 segmentation: RFM scores per run, tier schemes (two presets, one active), each root customer's
 * current tier and lifecycle stage, and their change history. Derived per-customer rows reference
 * customer(id) on delete cascade and carry customer_id in their keys (Citus-ready).
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // What segmentation reads of the customers module: root customers and orders net of refunds.
  await sql`
    create view rfm_customer_fact as
      select id as customer_id, root_id, created_at from customer`.execute(db);
  await sql`
    create view rfm_order_fact as
      select customer_id, placed_at, total_fen - refunded_fen as net_fen
      from customer_order where status <> 'cancelled'`.execute(db);

  // Thresholds are fen per year; the tier structure of each preset lives in code.
  await sql`
    create table tier_scheme (
      id text primary key check (id ~ '^[a-z][a-z0-9_]{0,62}$'),
      preset text not null check (preset in ('annual_review', 'loyalty_study')),
      config jsonb not null,
      active boolean not null default false,
      updated_at timestamptz not null,
      updated_by text
    )`.execute(db);
  await sql`create unique index tier_scheme_one_active_idx on tier_scheme ((true)) where active`.execute(db);
  await sql`
    insert into tier_scheme (id, preset, config, active, updated_at) values
      ('annual_review', 'annual_review',
       '{"upperFen": 1000000, "lowerFen": 100000, "inactiveDays": 180, "spendWindowDays": 365}', true, now()),
      ('loyalty_study', 'loyalty_study',
       '{"upperFen": 500000, "lowerFen": 200000, "inactiveDays": 180, "spendWindowDays": 365}', false, now())`.execute(db);

  await sql`
    create table rfm_run (
      id text primary key,
      trigger text not null check (trigger in ('schedule', 'manual', 'cli', 'demo')),
      triggered_by text,
      as_of timestamptz not null,
      started_at timestamptz not null,
      finished_at timestamptz not null,
      scheme_id text not null,
      scheme jsonb not null,
      settings jsonb not null,
      customers int not null,
      scored int not null,
      tier_changes int not null,
      stage_changes int not null,
      cut_points jsonb not null,
      summary jsonb not null
    )`.execute(db);
  await sql`create index rfm_run_finished_idx on rfm_run (finished_at desc)`.execute(db);

  // The latest run's scores (older runs' rows are removed by the next run; their aggregates stay in rfm_run).
  await sql`
    create table rfm_score (
      customer_id text not null references customer (id) on delete cascade,
      run_id text not null,
      recency_days int not null,
      frequency int not null,
      monetary_fen bigint not null,
      r smallint not null,
      f smallint not null,
      m smallint not null,
      primary key (customer_id, run_id)
    )`.execute(db);

  // Current tier of each root customer in the active scheme; other modules read it (churn list, tags).
  await sql`
    create table tier_customer (
      customer_id text primary key references customer (id) on delete cascade,
      scheme_id text not null,
      tier text not null,
      since timestamptz not null,
      reason text not null,
      reason_detail jsonb not null,
      spend_fen bigint not null,
      run_id text not null
    )`.execute(db);
  await sql`create index tier_customer_tier_idx on tier_customer (scheme_id, tier)`.execute(db);

  await sql`
    create table tier_change (
      customer_id text not null references customer (id) on delete cascade,
      run_id text not null,
      scheme_id text not null,
      from_scheme_id text,
      from_tier text,
      to_tier text not null,
      reason text not null,
      reason_detail jsonb not null,
      changed_at timestamptz not null,
      primary key (customer_id, run_id)
    )`.execute(db);

  await sql`
    create table lifecycle_customer (
      customer_id text primary key references customer (id) on delete cascade,
      stage text not null check (stage in ('new', 'active', 'dormant', 'churned', 'won_back')),
      since timestamptz not null,
      run_id text not null
    )`.execute(db);
  await sql`create index lifecycle_customer_stage_idx on lifecycle_customer (stage)`.execute(db);

  await sql`
    create table lifecycle_change (
      customer_id text not null references customer (id) on delete cascade,
      run_id text not null,
      from_stage text,
      to_stage text not null,
      changed_at timestamptz not null,
      primary key (customer_id, run_id)
    )`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
