import { type Kysely, sql } from 'kysely';

/** Indexes that match the customer list's sorts exactly; an inlinable gx_id for faster bulk generation. */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // "Last order, newest first" puts customers who never ordered last: desc nulls last in both directions.
  await sql`create index customer_stats_last_order_desc_idx on customer_stats (last_order_at desc nulls last, customer_id desc)`.execute(db);
  await sql`create index customer_stats_last_order_asc_idx on customer_stats (last_order_at asc nulls last, customer_id asc)`.execute(db);
  await sql`drop index if exists customer_stats_last_order_idx`.execute(db);
  // Same ids as before; epoch via subtraction is immutable, so PostgreSQL can inline the function.
  await sql`
    create or replace function gx_id(prefix text, at timestamptz, entropy text) returns text
    language sql immutable parallel safe as $$
      select prefix || '_' || lpad(to_hex((extract(epoch from at - timestamptz '1970-01-01 00:00:00+00') * 1000)::bigint), 12, '0')
                    || substr(md5(entropy), 1, 16)
    $$`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
