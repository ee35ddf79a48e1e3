import { type Kysely, sql } from 'kysely';

/**
 * The tracking inbox (ADR 0007): accepted events wait here, durable and deduplicated, until the
 * `ingest:resolve` job resolves their identities and moves them to customer_event. Imports record why
 * they failed (an interrupted import is marked failed), and a source's saved mapping may state the
 * file's date order.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // A queue, not a large table: rows live for seconds. Keyed by (source, messageId) for deduplication;
  // `seq` is the order the resolver takes them in. Vacuumed eagerly, as every row is deleted soon after.
  // Payloads are `json` (checked, kept as text): the request path skips building jsonb, which the
  // resolver does once when it moves the row to customer_event.
  await sql`
    create table ingest_inbox (
      source_id text not null,
      message_id text not null,
      seq bigint generated always as identity,
      event_id text not null,
      type text not null check (type in ('track', 'identify', 'page', 'screen', 'group', 'alias')),
      name text,
      user_id text,
      anonymous_id text,
      properties json not null,
      traits json not null,
      context json not null,
      occurred_at timestamptz not null,
      received_at timestamptz not null,
      path text not null,
      identity json,
      primary key (source_id, message_id)
    ) with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 5000)`.execute(
    db,
  );
  await sql`create index ingest_inbox_seq_idx on ingest_inbox (seq)`.execute(db);

  await sql`alter table ingest_import add column failure text`.execute(db);
  await sql`alter table ingest_import add column date_order text check (date_order in ('ymd', 'mdy', 'dmy'))`.execute(db);
  await sql`alter table ingest_mapping add column date_order text check (date_order in ('ymd', 'mdy', 'dmy'))`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
