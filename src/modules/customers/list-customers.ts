import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { recordAudit } from '../audit/index.ts';
import { type Actor, actorCan } from '../auth/index.ts';
import { normalizePhone } from './contact.ts';
import { type CustomerSort, searchCustomers } from './customer.repository.ts';
import { viewPii } from './customer-views.ts';

export type CustomerListItem = {
  id: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  memberNo: string | null;
  createdAt: Date;
  orderCount: number;
  totalSpentFen: number;
  lastOrderAt: Date | null;
};

export type ListCustomersInput = { q?: string; sort: CustomerSort; order: 'asc' | 'desc'; page: number; pageSize: number };

/** Up to this many customer records an unfiltered list counts its customers exactly; above, it estimates. */
export const EXACT_COUNT_UP_TO = 50_000;

/**
 * The number of live customers (roots: records not merged into another), for an unfiltered list. A count
 * over a million rows is a full scan, so above `exactUpTo` records it is estimated from the planner's
 * statistics: the table's row estimate times the share of records that are not merged (the null fraction
 * of `merged_into`). Without that share, merged records would be counted as customers — after the demo's
 * re-resolution, about half of all records.
 */
export const countLiveCustomers = async (db: Db, exactUpTo = EXACT_COUNT_UP_TO): Promise<number> => {
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

/** Lists customers; a page that shows unmasked personal data is recorded in the audit log. */
export const listCustomers = async (
  db: Db,
  clock: Clock,
  actor: Actor,
  input: ListCustomersInput,
  options: { exactCountUpTo?: number } = {},
): Promise<{ items: CustomerListItem[]; total: number; totalCapped: boolean; masked: boolean }> => {
  const digits = input.q?.replace(/[\s\-()]/g, '') ?? '';
  // A partial number cannot be parsed; it is matched as a prefix of the national number.
  const phoneQuery = /^\+?\d{3,}$/.test(digits) ? (digits.startsWith('+') ? digits : (normalizePhone(digits) ?? `+86${digits}`)) : undefined;
  const [{ rows, total: counted, totalCapped }, live] = await Promise.all([
    searchCustomers(db, { ...input, phoneQuery }),
    input.q ? Promise.resolve(undefined) : countLiveCustomers(db, options.exactCountUpTo),
  ]);
  // An unfiltered list counts live customers only; the repository's own count estimates all records.
  const total = live ?? counted;
  const reveal = actorCan(actor, 'customers:read_pii');
  if (reveal && rows.length > 0) {
    await db.transaction().execute((trx) =>
      recordAudit(trx, clock, actor, {
        action: 'customer.list_pii',
        subjectType: 'customer',
        details: { customerIds: rows.map((r) => r.id), searched: Boolean(input.q) },
      }),
    );
  }
  return {
    total,
    totalCapped,
    masked: !reveal,
    items: rows.map((r) => ({
      id: r.id,
      ...viewPii(r, reveal),
      memberNo: r.member_no,
      createdAt: r.created_at,
      orderCount: r.order_count ?? 0,
      totalSpentFen: r.total_spent_fen ?? 0,
      lastOrderAt: r.last_order_at,
    })),
  };
};
