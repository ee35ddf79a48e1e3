import { type Kysely, sql } from 'kysely';

/**
 * The dashboard counts people, not records: once identity merges a customer's channel records,
 * only the root customer is counted, and orders are attributed to their root customer.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    create or replace view analytics_order_fact as
      select c.root_id as customer_id, o.id as order_id, o.source, o.status, o.total_fen, o.refunded_fen,
             o.total_fen - o.refunded_fen as net_fen, o.placed_at
      from customer_order o join customer c on c.id = o.customer_id
      where o.status <> 'cancelled'`.execute(db);
  await sql`
    create or replace view analytics_customer_fact as
      select c.id as customer_id, c.created_at, c.source, s.order_count, s.total_spent_fen, s.last_order_at
      from customer c left join customer_stats s on s.customer_id = c.id
      where c.root_id = c.id`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
