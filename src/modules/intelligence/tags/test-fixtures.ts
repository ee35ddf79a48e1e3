// Test-only helpers: customers, orders and events written straight into a test database.
import { sql } from 'kysely';
import type { Db } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import { refreshCustomerStats } from '../../customers/index.ts';

export const DAY = 86_400_000;

let counter = 0;

export const insertCustomer = async (db: Db, input: { name?: string; attributes?: Record<string, unknown>; createdAt?: Date; rootId?: string } = {}) => {
  const at = input.createdAt ?? new Date('2025-01-01T00:00:00Z');
  const id = newId('cus', at);
  await db
    .insertInto('customer')
    .values({
      id,
      display_name: input.name ?? `客户${++counter}`,
      phone: `+86139${String(10_000_000 + counter).slice(-8)}`,
      email: null,
      member_no: null,
      attributes: JSON.stringify(input.attributes ?? {}),
      created_at: at,
      updated_at: at,
    })
    .execute();
  if (input.rootId) {
    await db.updateTable('customer').set({ root_id: input.rootId, merged_into: input.rootId, merged_at: at }).where('id', '=', id).execute();
  }
  return id;
};

/** An order with one line per SKU (quantity 1), then the customer's summary refreshed (on its root). */
export const insertOrder = async (
  db: Db,
  customerId: string,
  input: { at: Date; skus: string[]; priceFen?: number; status?: 'paid' | 'fulfilled' | 'cancelled' | 'refunded' },
) => {
  const id = newId('ord', input.at);
  const price = input.priceFen ?? 10_000;
  await db
    .insertInto('customer_order')
    .values({
      customer_id: customerId,
      id,
      source: 'test',
      external_id: id,
      status: input.status ?? 'fulfilled',
      total_fen: price * input.skus.length,
      placed_at: input.at,
      created_at: input.at,
      updated_at: input.at,
    })
    .execute();
  if (input.skus.length > 0) {
    await db
      .insertInto('customer_order_line')
      .values(
        input.skus.map((sku, i) => ({
          customer_id: customerId,
          order_id: id,
          line_no: i + 1,
          sku,
          name: `商品 ${sku}`,
          quantity: 1,
          unit_price_fen: price,
          amount_fen: price,
        })),
      )
      .execute();
  }
  const root = await db.selectFrom('customer').select('root_id').where('id', '=', customerId).executeTakeFirstOrThrow();
  await refreshCustomerStats(db, { customerIds: [root.root_id] });
  return id;
};

export const insertEvent = async (
  db: Db,
  customerId: string,
  input: { name: string; at: Date; type?: 'track' | 'page'; properties?: Record<string, unknown> },
) => {
  const id = newId('evt', input.at);
  await db
    .insertInto('customer_event')
    .values({
      customer_id: customerId,
      id,
      source_id: 'test',
      message_id: id,
      type: input.type ?? 'track',
      name: input.name,
      user_id: null,
      anonymous_id: null,
      properties: JSON.stringify(input.properties ?? {}),
      traits: '{}',
      context: '{}',
      occurred_at: input.at,
      received_at: input.at,
    })
    .execute();
};

/** Customer ids holding a tag now, sorted. */
export const holders = async (db: Db, tagId: string): Promise<string[]> =>
  (await db.selectFrom('customer_tag').select('customer_id').where('tag_id', '=', tagId).orderBy('customer_id').execute()).map((r) => r.customer_id);

export const tableExists = async (db: Db, name: string): Promise<boolean> =>
  (await sql<{ ok: boolean }>`select to_regclass(${name}) is not null as ok`.execute(db)).rows[0]?.ok === true;
