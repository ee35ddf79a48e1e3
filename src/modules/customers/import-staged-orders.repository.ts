import { sql } from 'kysely';
import { assertIdentifier, type Trx } from '../../platform/db.ts';

/**
 * Where a bulk import has staged its orders (temporary tables of the import's connection, named by it):
 * - `orders`: one row per order to write — `customer_id`, `order_id`, `order_key` (the external id),
 *   `status` (null: paid), `currency`, `total_fen`, `placed_at`;
 * - `lines`: the file's lines — `order_key`, `line` (position in the file: line numbers follow it),
 *   `sku`, `name`, `quantity`, `unit_price_fen`, `amount_fen`; lines of other orders are ignored.
 */
export type StagedOrderTables = { orders: string; lines: string };

/**
 * Writes the staged orders with their lines in two set-based statements (bulk import), sorted by
 * customer so index pages are touched once. An order whose status is refunded counts as refunded in
 * full. Returns how many orders and lines were written.
 */
export const insertStagedOrders = async (
  trx: Trx,
  tables: StagedOrderTables,
  order: { source: string; at: Date },
): Promise<{ orders: number; lines: number }> => {
  const orders = sql.table(assertIdentifier(tables.orders));
  const lines = sql.table(assertIdentifier(tables.lines));
  const written = await sql`
    insert into customer_order (customer_id, id, source, external_id, status, currency, total_fen, refunded_fen, placed_at, created_at, updated_at)
    select o.customer_id, o.order_id, ${order.source}, o.order_key, coalesce(o.status, 'paid'), o.currency, o.total_fen,
           case when o.status = 'refunded' then o.total_fen else 0 end, o.placed_at, ${order.at}::timestamptz, ${order.at}::timestamptz
    from ${orders} o
    order by o.customer_id, o.order_id`.execute(trx);
  const writtenLines = await sql`
    insert into customer_order_line (customer_id, order_id, line_no, sku, name, quantity, unit_price_fen, amount_fen)
    select o.customer_id, o.order_id, row_number() over (partition by o.customer_id, o.order_id order by l.line), l.sku, l.name, l.quantity,
           l.unit_price_fen, l.amount_fen
    from ${orders} o join ${lines} l on l.order_key = o.order_key
    -- the chunk's range of order numbers: an index on the lines' order_key reads only that range
    where l.order_key between (select min(order_key) from ${orders}) and (select max(order_key) from ${orders})
    order by o.customer_id, o.order_id, l.line`.execute(trx);
  return { orders: Number(written.numAffectedRows ?? 0n), lines: Number(writtenLines.numAffectedRows ?? 0n) };
};
