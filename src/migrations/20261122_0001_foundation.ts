import { type Kysely, sql } from 'kysely';

/**
 * Foundation schema: platform (ids, outbox), auth, audit, core customer records, analytics views.
 * Large tables carry customer_id in their primary key and unique constraints (Citus distribution key).
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`create extension if not exists pg_trgm`.execute(db);

  // Same id shape as src/platform/ids.ts, for set-based generation in SQL.
  await sql`
    create function gx_id(prefix text, at timestamptz, entropy text) returns text
    language sql immutable parallel safe as $$
      select prefix || '_' || lpad(to_hex((extract(epoch from at) * 1000)::bigint), 12, '0')
                    || substr(md5(entropy), 1, 16)
    $$`.execute(db);

  // ---- platform: transactional outbox -------------------------------------------------------
  await sql`
    create table outbox_event (
      id text primary key,
      topic text not null,
      customer_id text,
      payload jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index outbox_event_created_idx on outbox_event (created_at)`.execute(db);
  await sql`
    create table outbox_delivery (
      event_id text not null references outbox_event (id) on delete cascade,
      consumer text not null,
      delivered_at timestamptz not null default now(),
      primary key (event_id, consumer)
    )`.execute(db);

  // ---- auth -----------------------------------------------------------------------------------
  await sql`
    create table auth_user (
      id text primary key,
      email text not null,
      display_name text not null,
      role text not null check (role in ('admin', 'operator', 'analyst', 'agent', 'auditor')),
      password_hash text not null,
      status text not null default 'active' check (status in ('active', 'disabled')),
      locale text check (locale in ('zh-CN', 'en')),
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index auth_user_email_key on auth_user (lower(email))`.execute(db);
  await sql`
    create table auth_session (
      id text primary key,
      token_hash text not null unique,
      user_id text not null references auth_user (id) on delete cascade,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      last_seen_at timestamptz not null,
      ip text,
      user_agent text
    )`.execute(db);
  await sql`create index auth_session_user_idx on auth_session (user_id)`.execute(db);
  await sql`
    create table auth_login_failure (
      id bigint generated always as identity primary key,
      email_key text not null,
      ip text,
      at timestamptz not null
    )`.execute(db);
  await sql`create index auth_login_failure_email_idx on auth_login_failure (email_key, at)`.execute(db);
  await sql`
    create table auth_api_key (
      id text primary key,
      name text not null,
      prefix text not null,
      secret_hash text not null unique,
      scopes text[] not null default '{ingest:write}',
      created_by text references auth_user (id),
      created_at timestamptz not null,
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);

  // ---- audit: append-only, hash-chained --------------------------------------------------------
  await sql`
    create table audit_log (
      seq bigint primary key,
      id text not null unique,
      at timestamptz not null,
      actor_type text not null check (actor_type in ('user', 'api_key', 'system', 'cli')),
      actor_id text,
      actor_label text,
      action text not null,
      subject_type text,
      subject_id text,
      ip text,
      user_agent text,
      details jsonb not null default '{}',
      prev_hash text not null,
      hash text not null
    )`.execute(db);
  await sql`create index audit_log_at_idx on audit_log (at)`.execute(db);
  await sql`create index audit_log_action_idx on audit_log (action, seq)`.execute(db);
  await sql`create index audit_log_actor_idx on audit_log (actor_id, seq)`.execute(db);
  await sql`create index audit_log_subject_idx on audit_log (subject_type, subject_id, seq)`.execute(db);
  // Append-only by construction: the application role cannot update or delete audit rows.
  await sql`
    create function audit_log_block_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_block_change()`.execute(db);
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_block_change()`.execute(db);

  // ---- customers: core records -------------------------------------------------------------------
  await sql`
    create table customer (
      id text primary key,
      display_name text not null,
      phone text,
      email text,
      member_no text,
      attributes jsonb not null default '{}',
      source text not null default 'manual',
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index customer_created_idx on customer (created_at desc, id desc)`.execute(db);
  await sql`create index customer_name_idx on customer (display_name, id)`.execute(db);
  await sql`create index customer_name_trgm_idx on customer using gin (display_name gin_trgm_ops)`.execute(db);
  await sql`create index customer_phone_idx on customer (phone text_pattern_ops)`.execute(db);
  await sql`create index customer_email_idx on customer (email text_pattern_ops)`.execute(db);
  await sql`create index customer_member_no_idx on customer (member_no)`.execute(db);

  await sql`
    create table customer_identifier (
      customer_id text not null references customer (id) on delete cascade,
      type text not null,
      value text not null,
      source text not null,
      created_at timestamptz not null,
      primary key (customer_id, type, value)
    )`.execute(db);
  await sql`create index customer_identifier_lookup_idx on customer_identifier (type, value)`.execute(db);

  await sql`
    create table customer_order (
      customer_id text not null references customer (id) on delete cascade,
      id text not null,
      source text not null,
      external_id text not null,
      status text not null check (status in ('paid', 'fulfilled', 'cancelled', 'refunded', 'partially_refunded')),
      currency text not null default 'CNY',
      total_fen bigint not null check (total_fen >= 0),
      refunded_fen bigint not null default 0 check (refunded_fen >= 0 and refunded_fen <= total_fen),
      placed_at timestamptz not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (customer_id, id),
      unique (customer_id, source, external_id)
    )`.execute(db);
  await sql`create index customer_order_placed_idx on customer_order (placed_at)`.execute(db);
  await sql`create index customer_order_customer_placed_idx on customer_order (customer_id, placed_at desc)`.execute(db);

  await sql`
    create table customer_order_line (
      customer_id text not null,
      order_id text not null,
      line_no int not null,
      sku text not null,
      name text not null,
      quantity int not null check (quantity > 0),
      unit_price_fen bigint not null check (unit_price_fen >= 0),
      amount_fen bigint not null check (amount_fen >= 0),
      primary key (customer_id, order_id, line_no),
      foreign key (customer_id, order_id) references customer_order (customer_id, id) on delete cascade
    )`.execute(db);

  // Per-customer order summary, maintained with the orders (same transaction) so lists can sort by spend.
  await sql`
    create table customer_stats (
      customer_id text primary key references customer (id) on delete cascade,
      order_count int not null default 0,
      total_spent_fen bigint not null default 0,
      refunded_fen bigint not null default 0,
      first_order_at timestamptz,
      last_order_at timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index customer_stats_spent_idx on customer_stats (total_spent_fen, customer_id)`.execute(db);
  await sql`create index customer_stats_last_order_idx on customer_stats (last_order_at, customer_id)`.execute(db);
  await sql`create index customer_stats_count_idx on customer_stats (order_count, customer_id)`.execute(db);

  // ---- analytics: the only way analytics reads other modules' data -------------------------------
  await sql`
    create view analytics_order_fact as
      select customer_id, id as order_id, source, status, total_fen, refunded_fen,
             total_fen - refunded_fen as net_fen, placed_at
      from customer_order
      where status <> 'cancelled'`.execute(db);
  await sql`
    create view analytics_customer_fact as
      select c.id as customer_id, c.created_at, c.source, s.order_count, s.total_spent_fen, s.last_order_at
      from customer c left join customer_stats s on s.customer_id = c.id`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
