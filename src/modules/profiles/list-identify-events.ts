import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db.ts';

export type IdentifyEvent = {
  /** The event's own customer record, and the customer (root) it belongs to now. */
  customerId: string;
  rootId: string;
  id: string;
  receivedAt: Date;
  occurredAt: Date;
  traits: Record<string, unknown>;
};

export type IdentifyCursor = { receivedAt: Date; customerId: string; id: string };

/**
 * Stored C1 `identify` events in the order they were received, after a keyset cursor — for modules
 * that react to traits (loyalty enrolment). `withTrait` keeps only events whose traits carry that key.
 * Set-based, bounded by `limit`; served by a partial index on identify events' receipt time.
 */
export const listIdentifyEvents = async (db: Db | Trx, q: { after: IdentifyCursor | null; withTrait?: string; limit: number }): Promise<IdentifyEvent[]> => {
  const { rows } = await sql<{ customer_id: string; root_id: string; id: string; received_at: Date; occurred_at: Date; traits: Record<string, unknown> }>`
    select e.customer_id, c.root_id, e.id, e.received_at, e.occurred_at, e.traits
    from customer_event e join customer c on c.id = e.customer_id
    where e.type = 'identify'
      ${q.after ? sql`and (e.received_at, e.customer_id, e.id) > (${q.after.receivedAt}::timestamptz, ${q.after.customerId}, ${q.after.id})` : sql``}
      ${q.withTrait ? sql`and e.traits ? ${q.withTrait}` : sql``}
    order by e.received_at, e.customer_id, e.id
    limit ${q.limit}`.execute(db);
  return rows.map((r) => ({
    customerId: r.customer_id,
    rootId: r.root_id,
    id: r.id,
    receivedAt: r.received_at,
    occurredAt: r.occurred_at,
    traits: r.traits,
  }));
};
