import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db.ts';

/**
 * Recomputes the order summary, set-based. A root's summary covers the orders of every record in its
 * cluster (merged records included); a merged record's summary is empty. With `customerIds` only those
 * customers; otherwise every customer whose id is in [fromId, toId) (batches for large tables).
 */
export const refreshCustomerStats = async (db: Db | Trx, scope: { customerIds: string[] } | { fromId: string; toId: string }): Promise<void> => {
  const filter = 'customerIds' in scope ? sql`c.id = any(${scope.customerIds}::text[])` : sql`c.id >= ${scope.fromId} and c.id < ${scope.toId}`;
  await sql`
    insert into customer_stats (customer_id, order_count, total_spent_fen, refunded_fen, first_order_at, last_order_at, updated_at)
    select c.id,
           count(o.id) filter (where o.status <> 'cancelled'),
           coalesce(sum(o.total_fen - o.refunded_fen) filter (where o.status <> 'cancelled'), 0),
           coalesce(sum(o.refunded_fen), 0),
           min(o.placed_at) filter (where o.status <> 'cancelled'),
           max(o.placed_at) filter (where o.status <> 'cancelled'),
           now()
    from customer c
    left join customer m on m.root_id = c.id and c.root_id = c.id
    left join customer_order o on o.customer_id = m.id
    where ${filter}
    group by c.id
    on conflict (customer_id) do update set
      order_count = excluded.order_count, total_spent_fen = excluded.total_spent_fen, refunded_fen = excluded.refunded_fen,
      first_order_at = excluded.first_order_at, last_order_at = excluded.last_order_at, updated_at = excluded.updated_at`.execute(db);
};
