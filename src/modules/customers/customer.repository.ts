import { type SelectQueryBuilder, sql } from 'kysely';
import type { Db, Trx } from '../../platform/db.ts';
import type { Database } from '../database.ts';
import type { OrderStatus } from './customers.tables.ts';

export const SEARCH_COUNT_CAP = 10_000;

export type CustomerSort = 'createdAt' | 'displayName' | 'lastOrderAt' | 'totalSpentFen' | 'orderCount';

export type CustomerRow = {
  id: string;
  display_name: string;
  phone: string | null;
  email: string | null;
  member_no: string | null;
  created_at: Date;
  order_count: number | null;
  total_spent_fen: number | null;
  last_order_at: Date | null;
};

const SORT_COLUMN = {
  createdAt: 'c.created_at',
  displayName: 'c.display_name',
  lastOrderAt: 's.last_order_at',
  totalSpentFen: 's.total_spent_fen',
  orderCount: 's.order_count',
} as const;

const TIEBREAK = {
  createdAt: 'c.id',
  displayName: 'c.id',
  lastOrderAt: 's.customer_id',
  totalSpentFen: 's.customer_id',
  orderCount: 's.customer_id',
} as const;

type Q = SelectQueryBuilder<Database & { c: Database['customer']; s: Database['customer_stats'] }, 'c' | 's', object>;

/**
 * Search: a phone-like query matches the normalised phone by prefix (digits), an email-like one the email
 * by prefix, anything else the member number exactly or the name by substring (trigram index).
 */
const applySearch = (q: Q, search: string | undefined, phoneQuery: string | undefined): Q => {
  if (!search) return q;
  const term = search.trim();
  if (term.includes('@')) return q.where('c.email', 'like', `${escapeLike(term.toLowerCase())}%`);
  if (phoneQuery) return q.where('c.phone', 'like', `${escapeLike(phoneQuery)}%`);
  return q.where((eb) => eb.or([eb('c.member_no', '=', term), eb('c.display_name', 'ilike', `%${escapeLike(term)}%`)]));
};

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

export const searchCustomers = async (
  db: Db,
  input: {
    q?: string;
    phoneQuery?: string;
    sort: CustomerSort;
    order: 'asc' | 'desc';
    page: number;
    pageSize: number;
    countCap?: number;
    /** Unfiltered lists count exactly up to this many records, then estimate (tests lower it). */
    exactCountUpTo?: number;
  },
): Promise<{ rows: CustomerRow[]; total: number; totalCapped: boolean }> => {
  // Merged records are part of their root customer; lists show roots only.
  // Every customer has a summary row (written with the customer), so an inner join lets the planner walk
  // the summary's sort index when sorting by spend, orders or last order.
  const roots = db.selectFrom('customer as c').innerJoin('customer_stats as s', 's.customer_id', 'c.id').where('c.merged_into', 'is', null);
  const base = applySearch(roots as unknown as Q, input.q, input.phoneQuery);
  const column = SORT_COLUMN[input.sort];
  const rowsQuery = base
    .select(['c.id', 'c.display_name', 'c.phone', 'c.email', 'c.member_no', 'c.created_at', 's.order_count', 's.total_spent_fen', 's.last_order_at'])
    // Each sort matches an index exactly: (column, id) in either direction; only last order can be null.
    .orderBy(sql.ref(column), (ob) => {
      const dir = input.order === 'asc' ? ob.asc() : ob.desc();
      return input.sort === 'lastOrderAt' ? dir.nullsLast() : dir;
    })
    .orderBy(sql.ref(TIEBREAK[input.sort]), input.order)
    .limit(input.pageSize)
    .offset((input.page - 1) * input.pageSize);
  // An unfiltered count over a million rows is a full scan; the planner's estimate is exact enough there
  // (countLiveCustomers).
  // A search counts its matches only up to a cap: a common surname matches a tenth of all customers, and
  // counting them all costs far more than finding the page (a pager needs no more than "10,000+").
  const cap = input.countCap ?? SEARCH_COUNT_CAP;
  const totalPromise = input.q
    ? db
        .selectFrom(
          base
            .select(sql.lit(1).as('one'))
            .limit(cap + 1)
            .as('m'),
        )
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n))
    : countLiveCustomers(db, input.exactCountUpTo);
  const [rows, counted] = await Promise.all([rowsQuery.execute() as Promise<CustomerRow[]>, totalPromise]);
  const totalCapped = Boolean(input.q) && counted > cap;
  return { rows, total: totalCapped ? cap : counted, totalCapped };
};

const EXACT_COUNT_UP_TO = 50_000;

/**
 * The number of live customers (roots: records not merged into another), for an unfiltered list. A count
 * over a million rows is a full scan, so above `exactUpTo` records it is estimated from the planner's
 * statistics: the table's row estimate times the share of records that are not merged (the null fraction
 * of `merged_into`). Without that share, merged records would be counted as customers — after the demo's
 * re-resolution, about half of all records.
 */
const countLiveCustomers = async (db: Db, exactUpTo = EXACT_COUNT_UP_TO): Promise<number> => {
  const { rows } = await sql<{ records: number; liveShare: number | null }>`
    select c.reltuples::float8 as records,
           (select s.null_frac::float8 from pg_stats s
            where s.schemaname = n.nspname and s.tablename = c.relname and s.attname = 'merged_into') as "liveShare"
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.oid = 'customer'::regclass`.execute(db);
  const records = Number(rows[0]?.records ?? -1);
  const liveShare = rows[0]?.liveShare;
  // reltuples is -1 (or 0) until the table was first analysed; the share is missing until then too.
  if (records > exactUpTo && liveShare !== null && liveShare !== undefined) return Math.round(records * Number(liveShare));
  const exact = await db
    .selectFrom('customer')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('merged_into', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(exact.n);
};

export const findCustomer = (db: Db | Trx, id: string) =>
  db
    .selectFrom('customer as c')
    .leftJoin('customer_stats as s', 's.customer_id', 'c.id')
    .select([
      'c.id',
      'c.display_name',
      'c.phone',
      'c.email',
      'c.member_no',
      'c.attributes',
      'c.source',
      'c.created_at',
      'c.updated_at',
      's.order_count',
      's.total_spent_fen',
      's.refunded_fen',
      's.first_order_at',
      's.last_order_at',
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();

export const listIdentifiers = (db: Db | Trx, customerId: string) =>
  db.selectFrom('customer_identifier').selectAll().where('customer_id', '=', customerId).orderBy('type').orderBy('created_at').execute();

export type OrderWithLines = {
  id: string;
  external_id: string;
  source: string;
  status: OrderStatus;
  currency: string;
  total_fen: number;
  refunded_fen: number;
  placed_at: Date;
  lines: { line_no: number; sku: string; name: string; quantity: number; unit_price_fen: number; amount_fen: number }[];
};

export const listOrders = async (db: Db, customerId: string, page: number, pageSize: number): Promise<{ rows: OrderWithLines[]; total: number }> => {
  const [orders, count] = await Promise.all([
    db
      .selectFrom('customer_order')
      .select(['id', 'external_id', 'source', 'status', 'currency', 'total_fen', 'refunded_fen', 'placed_at'])
      .where('customer_id', '=', customerId)
      .orderBy('placed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    db
      .selectFrom('customer_order')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow(),
  ]);
  const ids = orders.map((o) => o.id);
  const lines =
    ids.length === 0
      ? []
      : await db
          .selectFrom('customer_order_line')
          .select(['order_id', 'line_no', 'sku', 'name', 'quantity', 'unit_price_fen', 'amount_fen'])
          .where('customer_id', '=', customerId)
          .where('order_id', 'in', ids)
          .orderBy('order_id')
          .orderBy('line_no')
          .execute();
  const byOrder = new Map<string, typeof lines>();
  for (const l of lines) byOrder.set(l.order_id, [...(byOrder.get(l.order_id) ?? []), l]);
  return {
    total: Number(count.n),
    rows: orders.map((o) => ({ ...o, lines: (byOrder.get(o.id) ?? []).map(({ order_id: _, ...l }) => l) })),
  };
};
