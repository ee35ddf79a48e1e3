import { type Kysely, sql } from 'kysely';

/**
 * Failed deliveries of outbox events, per consumer. Each failed attempt adds to `attempts` (kept across
 * dispatch runs); after the limit the event is parked for that consumer (`parked_at` set): the consumer goes
 * on with later events, and an admin can retry it (the row goes, the next dispatch tries again). Only the
 * error message is kept, never the payload. A parked event is kept by the purge.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    create table outbox_failure (
      event_id text not null references outbox_event (id) on delete cascade,
      consumer text not null,
      attempts int not null check (attempts > 0),
      last_error text not null,
      first_failed_at timestamptz not null,
      last_failed_at timestamptz not null,
      parked_at timestamptz,
      primary key (event_id, consumer)
    )`.execute(db);
  await sql`create index outbox_failure_parked_idx on outbox_failure (parked_at desc, event_id) where parked_at is not null`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
