import { type Kysely, sql } from 'kysely';

/**
 * C3 tags (manual, rule-based, behavioural, with history) and recommendations (item-to-item model,
 * its evaluation, the emergency stop switch and its history).
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // ---- tags: definitions are a small catalogue; assignments and history are per customer -------------
  await sql`
    create table tag_definition (
      id text primary key,
      name text not null check (length(name) between 1 and 60),
      description text not null default '',
      colour text not null,
      kind text not null check (kind in ('manual', 'rule', 'behavioural')),
      definition jsonb not null default '{}',
      created_at timestamptz not null,
      created_by text not null,
      updated_at timestamptz not null,
      updated_by text not null,
      evaluated_at timestamptz,
      evaluation jsonb
    )`.execute(db);
  await sql`create unique index tag_definition_name_key on tag_definition (lower(name))`.execute(db);

  // One row per (customer, tag) that holds now; on the root customer. Evidence = why it was assigned.
  await sql`
    create table customer_tag (
      customer_id text not null references customer (id) on delete cascade,
      tag_id text not null references tag_definition (id) on delete cascade,
      assigned_at timestamptz not null,
      assigned_by text not null,
      reason text,
      evidence jsonb not null default '{}',
      primary key (customer_id, tag_id)
    )`.execute(db);
  await sql`create index customer_tag_tag_idx on customer_tag (tag_id, customer_id)`.execute(db);

  // Every assignment and removal: who (a person) or what (a rule or behaviour evaluation), when, why.
  await sql`
    create table tag_history (
      customer_id text not null references customer (id) on delete cascade,
      id bigint generated always as identity,
      tag_id text not null references tag_definition (id) on delete cascade,
      action text not null check (action in ('add', 'remove')),
      at timestamptz not null,
      actor_type text not null check (actor_type in ('user', 'rule', 'behaviour', 'system', 'cli')),
      actor_id text,
      actor_label text not null,
      reason text,
      evidence jsonb not null default '{}',
      primary key (customer_id, id)
    )`.execute(db);
  await sql`create index tag_history_tag_idx on tag_history (tag_id, at desc, id desc)`.execute(db);
  await sql`create index tag_history_customer_idx on tag_history (customer_id, at desc, id desc)`.execute(db);

  // ---- recommendations ---------------------------------------------------------------------------
  await sql`
    create table recommendation_model (
      id text primary key,
      purpose text not null check (purpose in ('serving', 'evaluation')),
      trained_at timestamptz not null,
      trained_by text not null,
      baskets int not null,
      items int not null,
      pairs int not null,
      max_neighbours int not null,
      seconds double precision not null,
      metrics jsonb not null default '{}'
    )`.execute(db);
  await sql`create index recommendation_model_latest_idx on recommendation_model (purpose, trained_at desc, id desc)`.execute(db);
  await sql`
    create table recommendation_item (
      model_id text not null references recommendation_model (id) on delete cascade,
      item text not null,
      name text not null,
      baskets int not null,
      popular_rank int not null,
      primary key (model_id, item)
    )`.execute(db);
  await sql`create index recommendation_item_popular_idx on recommendation_item (model_id, popular_rank)`.execute(db);
  await sql`
    create table recommendation_neighbour (
      model_id text not null references recommendation_model (id) on delete cascade,
      item text not null,
      rank int not null,
      other text not null,
      score double precision not null,
      primary key (model_id, item, rank)
    )`.execute(db);
  // The emergency stop (算法紧急制动): the newest row is the switch's state; older rows are its history.
  await sql`
    create table recommendation_switch (
      id text primary key,
      stopped boolean not null,
      reason text not null,
      at timestamptz not null,
      actor_id text,
      actor_label text not null
    )`.execute(db);
  await sql`create index recommendation_switch_at_idx on recommendation_switch (at desc, id desc)`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
