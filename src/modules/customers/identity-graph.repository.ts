import { sql } from 'kysely';
import type { Trx } from '../../platform/db.ts';

export type IdentifierKey = { type: string; value: string };
export type IdentifierOwner = IdentifierKey & { customerId: string; rootId: string };

/** Every record holding one of these identifiers, with the root it resolves to. */
export const findIdentifierOwners = async (trx: Trx, keys: IdentifierKey[]): Promise<IdentifierOwner[]> => {
  if (keys.length === 0) return [];
  const { rows } = await sql<{ type: string; value: string; customer_id: string; root_id: string }>`
    select i.type, i.value, i.customer_id, c.root_id
    from unnest(${keys.map((k) => k.type)}::text[], ${keys.map((k) => k.value)}::text[]) as k(type, value)
    join customer_identifier i on i.type = k.type and i.value = k.value
    join customer c on c.id = i.customer_id`.execute(trx);
  return rows.map((r) => ({ type: r.type, value: r.value, customerId: r.customer_id, rootId: r.root_id }));
};

/** All identifiers held by the records of these roots' clusters. */
export const clusterIdentifiers = async (trx: Trx, rootIds: string[]): Promise<(IdentifierKey & { rootId: string; customerId: string })[]> => {
  if (rootIds.length === 0) return [];
  const { rows } = await sql<{ type: string; value: string; root_id: string; customer_id: string }>`
    select i.type, i.value, c.root_id, i.customer_id
    from customer c join customer_identifier i on i.customer_id = c.id
    where c.root_id = any(${rootIds}::text[])`.execute(trx);
  return rows.map((r) => ({ type: r.type, value: r.value, rootId: r.root_id, customerId: r.customer_id }));
};

/**
 * A new customer record. `golden`: the values of its golden record when they are known at creation (a record
 * seen by one input only: its own observations are the golden record), so it need not be refreshed after.
 */
export type NewCustomerRecord = {
  id: string;
  displayName: string;
  source: string;
  createdAt: Date;
  golden?: { phone: string | null; email: string | null; memberNo: string | null; attributes: Record<string, unknown> };
};

export const insertCustomerRecords = async (trx: Trx, rows: NewCustomerRecord[]): Promise<void> => {
  if (rows.length === 0) return;
  await sql`
    insert into customer (id, display_name, source, phone, email, member_no, attributes, created_at, updated_at)
    select id, name, source, phone, email, member_no, coalesce(attributes, '{}'::jsonb), at, at
    from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.displayName)}::text[], ${rows.map((r) => r.source)}::text[],
                ${rows.map((r) => r.golden?.phone ?? null)}::text[], ${rows.map((r) => r.golden?.email ?? null)}::text[],
                ${rows.map((r) => r.golden?.memberNo ?? null)}::text[], ${rows.map((r) => (r.golden ? JSON.stringify(r.golden.attributes) : null))}::jsonb[],
                ${rows.map((r) => r.createdAt)}::timestamptz[])
      as t(id, name, source, phone, email, member_no, attributes, at)`.execute(trx);
  await sql`insert into customer_stats (customer_id) select unnest(${rows.map((r) => r.id)}::text[]) on conflict do nothing`.execute(trx);
};

export const attachIdentifiers = async (trx: Trx, rows: (IdentifierKey & { customerId: string; source: string; at: Date })[]): Promise<void> => {
  if (rows.length === 0) return;
  await sql`
    insert into customer_identifier (customer_id, type, value, source, created_at, last_seen_at)
    select distinct on (customer_id, type, value) customer_id, type, value, source, at, at
    from unnest(${rows.map((r) => r.customerId)}::text[], ${rows.map((r) => r.type)}::text[], ${rows.map((r) => r.value)}::text[],
                ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.at)}::timestamptz[]) as t(customer_id, type, value, source, at)
    on conflict (customer_id, type, value) do update set last_seen_at = greatest(customer_identifier.last_seen_at, excluded.last_seen_at)`.execute(trx);
};

/** Merges the cluster of `loserRoot` into `winnerRoot`: the loser record points at the winner; nothing is rewritten. */
export const repointRoot = async (trx: Trx, loserRoot: string, winnerRoot: string, at: Date): Promise<void> => {
  await trx.updateTable('customer').set({ root_id: winnerRoot }).where('root_id', '=', loserRoot).execute();
  await trx.updateTable('customer').set({ merged_into: winnerRoot, merged_at: at }).where('id', '=', loserRoot).execute();
};

/**
 * Undoes one merge: `loserId` becomes a root again, together with every record that was merged into it
 * (directly or through records merged into those), exactly as before the merge.
 */
export const detachRecord = async (trx: Trx, loserId: string): Promise<void> => {
  await trx.updateTable('customer').set({ merged_into: null, merged_at: null }).where('id', '=', loserId).execute();
  await sql`
    with recursive subtree(id) as (
      select ${loserId}::text
      union all select c.id from customer c join subtree s on c.merged_into = s.id
    )
    update customer set root_id = ${loserId} where id in (select id from subtree)`.execute(trx);
};

export const rootOf = async (trx: Trx, customerId: string): Promise<string | undefined> =>
  (await trx.selectFrom('customer').select('root_id').where('id', '=', customerId).executeTakeFirst())?.root_id;
