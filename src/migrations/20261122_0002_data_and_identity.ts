import { type Kysely, sql } from 'kysely';

/**
 * C1/C2: ingested events, import bookkeeping, refunds, tickets and community messages as timeline
 * records, and the identity graph (merge history, quarantine, trait observations for the golden record).
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // ---- identity: a customer row is either a root (root_id = id) or merged into another -----------
  await sql`alter table customer add column root_id text`.execute(db);
  await sql`update customer set root_id = id`.execute(db);
  await sql`alter table customer alter column root_id set not null`.execute(db);
  // A new customer is its own root unless the writer says otherwise (a column default cannot name id).
  await sql`
    create function customer_default_root() returns trigger language plpgsql as $$
    begin
      new.root_id := coalesce(new.root_id, new.id);
      return new;
    end $$`.execute(db);
  await sql`create trigger customer_default_root before insert on customer for each row execute function customer_default_root()`.execute(db);
  await sql`alter table customer add column merged_into text references customer (id)`.execute(db);
  await sql`alter table customer add column merged_at timestamptz`.execute(db);
  await sql`create index customer_root_idx on customer (root_id)`.execute(db);
  await sql`create index customer_merged_into_idx on customer (merged_into) where merged_into is not null`.execute(db);

  await sql`alter table customer_identifier add column last_seen_at timestamptz`.execute(db);
  await sql`update customer_identifier set last_seen_at = created_at`.execute(db);

  await sql`
    create table identity_merge (
      id text primary key,
      winner_id text not null references customer (id),
      loser_id text not null references customer (id),
      rule text not null,
      evidence jsonb not null default '{}',
      merged_at timestamptz not null,
      merged_by text not null,
      undone_at timestamptz,
      undone_by text
    )`.execute(db);
  await sql`create index identity_merge_winner_idx on identity_merge (winner_id)`.execute(db);
  await sql`create index identity_merge_loser_idx on identity_merge (loser_id)`.execute(db);

  // An identifier shared by too many customers (a shop's front-desk phone) stops linking anyone.
  await sql`
    create table identity_quarantine (
      type text not null,
      value text not null,
      reason text not null,
      linked_customers int not null,
      created_at timestamptz not null,
      primary key (type, value)
    )`.execute(db);

  // Each value each source has said about a customer, for survivorship (recent / trusted / frequent).
  await sql`
    create table profile_trait (
      customer_id text not null references customer (id) on delete cascade,
      field text not null,
      value text not null,
      source text not null,
      first_seen_at timestamptz not null,
      last_seen_at timestamptz not null,
      seen_count int not null default 1,
      primary key (customer_id, field, source, value)
    )`.execute(db);

  await sql`
    create table platform_setting (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null,
      updated_by text
    )`.execute(db);

  // ---- ingest -------------------------------------------------------------------------------------
  await sql`
    create table ingest_source (
      id text primary key check (id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
      name text not null,
      kind text not null check (kind in ('http', 'file', 'webhook', 'console')),
      trust_rank int not null default 50,
      created_at timestamptz not null
    )`.execute(db);
  await sql`alter table auth_api_key add column source_id text`.execute(db);
  // Edits made by people in the console are the most trusted source by default.
  await sql`
    insert into ingest_source (id, name, kind, trust_rank, created_at) values
      ('console', 'Console', 'console', 100, now()), ('demo', 'Demo data', 'file', 50, now())`.execute(db);

  // Idempotency for tracked messages: (source, messageId) is stored once, whoever it resolves to.
  await sql`
    create table ingest_message (
      source_id text not null,
      message_id text not null,
      customer_id text not null,
      event_id text not null,
      received_at timestamptz not null,
      primary key (source_id, message_id)
    )`.execute(db);

  await sql`
    create table customer_event (
      customer_id text not null references customer (id),
      id text not null,
      source_id text not null,
      message_id text not null,
      type text not null check (type in ('track', 'identify', 'page', 'screen', 'group', 'alias')),
      name text,
      user_id text,
      anonymous_id text,
      properties jsonb not null default '{}',
      traits jsonb not null default '{}',
      context jsonb not null default '{}',
      occurred_at timestamptz not null,
      received_at timestamptz not null,
      primary key (customer_id, id)
    )`.execute(db);
  await sql`create index customer_event_timeline_idx on customer_event (customer_id, occurred_at desc)`.execute(db);
  await sql`create index customer_event_source_idx on customer_event (source_id, received_at desc)`.execute(db);

  // What the live debugger shows next to accepted events: rejected ones, with the field and reason.
  await sql`
    create table ingest_rejection (
      id bigint generated always as identity primary key,
      source_id text,
      received_at timestamptz not null,
      type text,
      name text,
      field text not null,
      reason text not null
    )`.execute(db);
  await sql`create index ingest_rejection_source_idx on ingest_rejection (source_id, received_at desc)`.execute(db);

  // Idempotency for imported records: (source, kind, external id) is stored once.
  await sql`
    create table ingest_record (
      source_id text not null,
      kind text not null check (kind in ('customer', 'order', 'refund', 'ticket', 'message')),
      external_id text not null,
      customer_id text not null,
      record_id text not null,
      imported_at timestamptz not null,
      primary key (source_id, kind, external_id)
    )`.execute(db);

  await sql`
    create table ingest_mapping (
      source_id text not null,
      kind text not null,
      mapping jsonb not null,
      updated_at timestamptz not null,
      primary key (source_id, kind)
    )`.execute(db);

  await sql`
    create table ingest_import (
      id text primary key,
      source_id text not null,
      kind text not null,
      file_name text not null,
      encoding text,
      status text not null check (status in ('running', 'done', 'failed')),
      rows_total int not null default 0,
      rows_stored int not null default 0,
      rows_duplicate int not null default 0,
      rows_rejected int not null default 0,
      errors jsonb not null default '[]',
      started_at timestamptz not null,
      finished_at timestamptz,
      started_by text
    )`.execute(db);

  // ---- timeline records of other channels --------------------------------------------------------
  await sql`
    create table customer_order_refund (
      customer_id text not null references customer (id),
      id text not null,
      order_id text not null,
      source text not null,
      external_id text not null,
      amount_fen bigint not null check (amount_fen > 0),
      reason text,
      refunded_at timestamptz not null,
      created_at timestamptz not null,
      primary key (customer_id, id),
      unique (customer_id, source, external_id)
    )`.execute(db);
  await sql`create index customer_order_refund_order_idx on customer_order_refund (customer_id, order_id)`.execute(db);

  await sql`
    create table service_ticket (
      customer_id text not null references customer (id),
      id text not null,
      source text not null,
      external_id text not null,
      subject text not null,
      status text not null check (status in ('open', 'pending', 'solved', 'closed')),
      priority text not null default 'normal' check (priority in ('low', 'normal', 'high', 'urgent')),
      channel text,
      opened_at timestamptz not null,
      closed_at timestamptz,
      created_at timestamptz not null,
      primary key (customer_id, id),
      unique (customer_id, source, external_id)
    )`.execute(db);
  await sql`create index service_ticket_timeline_idx on service_ticket (customer_id, opened_at desc)`.execute(db);

  await sql`
    create table community_message (
      customer_id text not null references customer (id),
      id text not null,
      source text not null,
      external_id text not null,
      community text not null,
      channel text,
      body text not null,
      sent_at timestamptz not null,
      created_at timestamptz not null,
      primary key (customer_id, id),
      unique (customer_id, source, external_id)
    )`.execute(db);
  await sql`create index community_message_timeline_idx on community_message (customer_id, sent_at desc)`.execute(db);

  // Analytics: link rate counts events and orders attached to a customer known by a real identifier.
  await sql`
    create view analytics_identity_fact as
      select c.id as customer_id, c.root_id, c.merged_into is not null as merged,
             exists (select 1 from customer_identifier i where i.customer_id = c.id and i.type <> 'anonymous_id') as known
      from customer c`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
