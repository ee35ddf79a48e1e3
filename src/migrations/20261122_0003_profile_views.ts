import { type Kysely, sql } from 'kysely';

/** Read models for the 360° view: one timeline over every channel, read by the profiles module only. */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // root_id comes from the customer record, so the view answers "everything of this customer, merged
  // records included" with an index scan per branch (the predicate is pushed into each branch).
  await sql`
    create view profile_timeline as
      select c.root_id, x.* from customer c join lateral (
      select e.customer_id, 'event'::text as kind, e.id, e.occurred_at as at, e.source_id as source,
             coalesce(e.name, e.type) as title, e.type as subtype, null::bigint as amount_fen,
             jsonb_build_object('properties', e.properties, 'traits', e.traits) as detail
      from customer_event e where e.customer_id = c.id
      union all
      select o.customer_id, 'order', o.id, o.placed_at, o.source, o.external_id, o.status, o.total_fen,
             jsonb_build_object('refundedFen', o.refunded_fen, 'currency', o.currency)
      from customer_order o where o.customer_id = c.id
      union all
      select r.customer_id, 'refund', r.id, r.refunded_at, r.source, r.external_id, null, r.amount_fen,
             jsonb_build_object('orderId', r.order_id, 'reason', r.reason)
      from customer_order_refund r where r.customer_id = c.id
      union all
      select t.customer_id, 'ticket', t.id, t.opened_at, t.source, t.subject, t.status, null,
             jsonb_build_object('priority', t.priority, 'channel', t.channel, 'closedAt', t.closed_at)
      from service_ticket t where t.customer_id = c.id
      union all
      select m.customer_id, 'message', m.id, m.sent_at, m.source, m.community, m.channel, null,
             jsonb_build_object('body', m.body)
      from community_message m where m.customer_id = c.id
      ) x on true`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
