import { sql } from 'kysely';
import type { Trx } from '../../platform/db.ts';
import type { OrderStatus } from './customers.tables.ts';

export type RefundableOrder = {
  customerId: string;
  rootId: string;
  id: string;
  externalId: string;
  status: OrderStatus;
  totalFen: number;
  refundedFen: number;
  placedAt: Date;
  skus: string[];
};

type OrderRow = {
  customer_id: string;
  root_id: string;
  id: string;
  external_id: string;
  status: OrderStatus;
  total_fen: number;
  refunded_fen: number;
  placed_at: Date;
  skus: string[] | null;
};

const toRefundable = (r: OrderRow): RefundableOrder => ({
  customerId: r.customer_id,
  rootId: r.root_id,
  id: r.id,
  externalId: r.external_id,
  status: r.status,
  totalFen: r.total_fen,
  refundedFen: r.refunded_fen,
  placedAt: r.placed_at,
  skus: r.skus ?? [],
});

/** Orders of these customers' clusters that can still be refunded, locked until the caller commits. */
export const lockRefundableOrders = async (trx: Trx, rootIds: string[]): Promise<RefundableOrder[]> => {
  if (rootIds.length === 0) return [];
  const { rows } = await sql<OrderRow>`
    select o.customer_id, c.root_id, o.id, o.external_id, o.status, o.total_fen, o.refunded_fen, o.placed_at,
           (select array_agg(distinct l.sku) from customer_order_line l where l.customer_id = o.customer_id and l.order_id = o.id) as skus
    from customer c
    join customer_order o on o.customer_id = c.id
    where c.root_id = any(${rootIds}::text[]) and o.status <> 'cancelled' and o.refunded_fen < o.total_fen
    order by o.placed_at desc, o.id desc
    for update of o`.execute(trx);
  return rows.map(toRefundable);
};

/** These orders (whatever their state), locked until the caller commits. */
export const lockOrders = async (trx: Trx, keys: { customerId: string; orderId: string }[]): Promise<RefundableOrder[]> => {
  if (keys.length === 0) return [];
  const { rows } = await sql<OrderRow>`
    select o.customer_id, c.root_id, o.id, o.external_id, o.status, o.total_fen, o.refunded_fen, o.placed_at, null::text[] as skus
    from unnest(${keys.map((k) => k.customerId)}::text[], ${keys.map((k) => k.orderId)}::text[]) as k(customer_id, id)
    join customer_order o on o.customer_id = k.customer_id and o.id = k.id
    join customer c on c.id = o.customer_id
    order by o.customer_id, o.id
    for update of o`.execute(trx);
  return rows.map(toRefundable);
};

export type NewRefund = {
  customerId: string;
  id: string;
  orderId: string;
  source: string;
  externalId: string;
  amountFen: number;
  reason: string | null;
  refundedAt: Date;
};

/**
 * Records refunds and moves their orders' refunded amount and status (refunded when nothing is left,
 * partially refunded otherwise). The caller has checked the amounts against locked orders.
 */
export const insertRefunds = async (trx: Trx, refunds: NewRefund[], at: Date): Promise<void> => {
  if (refunds.length === 0) return;
  await sql`
    insert into customer_order_refund (customer_id, id, order_id, source, external_id, amount_fen, reason, refunded_at, created_at)
    select c, i, o, s, e, a, r, at, ${at}::timestamptz
    from unnest(${refunds.map((r) => r.customerId)}::text[], ${refunds.map((r) => r.id)}::text[], ${refunds.map((r) => r.orderId)}::text[],
                ${refunds.map((r) => r.source)}::text[], ${refunds.map((r) => r.externalId)}::text[], ${refunds.map((r) => r.amountFen)}::bigint[],
                ${refunds.map((r) => r.reason)}::text[], ${refunds.map((r) => r.refundedAt)}::timestamptz[]) as u(c, i, o, s, e, a, r, at)`.execute(trx);
  await sql`
    update customer_order o set
      refunded_fen = o.refunded_fen + r.amount,
      status = case when o.refunded_fen + r.amount >= o.total_fen then 'refunded' else 'partially_refunded' end,
      updated_at = ${at}::timestamptz
    from (
      select c, i, sum(a) as amount
      from unnest(${refunds.map((r) => r.customerId)}::text[], ${refunds.map((r) => r.orderId)}::text[], ${refunds.map((r) => r.amountFen)}::bigint[]) as u(c, i, a)
      group by c, i
    ) r
    where o.customer_id = r.c and o.id = r.i`.execute(trx);
};
