// Test-only: synthetic companies and reference data loaded into a real database.
import type { Db } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import { createRng } from '../models/index.ts';
import { readCdnowSample } from '../models/test-support.ts';

const DAY = 86_400_000;

type NewOrder = { customerId: string; at: Date; totalFen: number; refundedFen?: number };

const insertInChunks = async <T>(rows: T[], size: number, write: (chunk: T[]) => Promise<unknown>) => {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
};

/** Customers (id → display name) and their orders, written in bulk. */
export const insertCompany = async (db: Db, customers: { id: string; name: string; createdAt: Date }[], orders: NewOrder[]) => {
  await insertInChunks(customers, 2000, (chunk) =>
    db
      .insertInto('customer')
      .values(chunk.map((c) => ({ id: c.id, display_name: c.name, source: 'test', created_at: c.createdAt, updated_at: c.createdAt, attributes: '{}' })))
      .execute(),
  );
  const rows = orders.map((o, n) => {
    const refunded = o.refundedFen ?? 0;
    return {
      customer_id: o.customerId,
      id: newId('ord', o.at),
      source: 'test',
      external_id: `o${n + 1}`,
      status: refunded >= o.totalFen ? ('refunded' as const) : refunded > 0 ? ('partially_refunded' as const) : ('paid' as const),
      total_fen: o.totalFen,
      refunded_fen: refunded,
      placed_at: o.at,
      created_at: o.at,
      updated_at: o.at,
    };
  });
  await insertInChunks(rows, 2000, (chunk) => db.insertInto('customer_order').values(chunk).execute());
  // Each refunded order's refund, three days after the order (churn features date refunds when they happen).
  const refunds = rows
    .filter((r) => r.refunded_fen > 0)
    .map((r) => {
      const at = new Date(r.placed_at.getTime() + 3 * DAY);
      return {
        customer_id: r.customer_id,
        id: newId('ref', at),
        order_id: r.id,
        source: 'test',
        external_id: `r-${r.external_id}`,
        amount_fen: r.refunded_fen,
        refunded_at: at,
        created_at: at,
      };
    });
  await insertInChunks(refunds, 2000, (chunk) => db.insertInto('customer_order_refund').values(chunk).execute());
};

/** CDNOW_sample.txt as customers and orders (dollars → fen, dates at UTC midnight); sample id → customer id. */
export const loadCdnow = async (db: Db): Promise<Map<string, string>> => {
  const transactions = readCdnowSample();
  const ids = new Map<string, string>();
  const base = new Date(Date.UTC(1997, 0, 1));
  for (const t of transactions) if (!ids.has(t.customerId)) ids.set(t.customerId, newId('cus', base));
  await insertCompany(
    db,
    [...ids].map(([sampleId, id]) => ({ id, name: `CDNOW ${sampleId}`, createdAt: base })),
    transactions.map((t) => ({ customerId: ids.get(t.customerId) as string, at: t.at, totalFen: Math.round(t.amount * 100) })),
  );
  return ids;
};

export type SyntheticCustomer = { id: string; stoppedAt: Date | null; meanGapDays: number };

/**
 * A company whose customers buy as Poisson processes (mean gap 8–45 days); `stopShare` of them stop
 * for good at a random moment (some before `now`, some long before). Some orders are partly refunded and
 * some customers open tickets; most of those who stop had their last order refunded. Deterministic for a seed.
 */
export const seedSyntheticCompany = async (
  db: Db,
  options: { now: Date; customers: number; stopShare?: number; seed?: number },
): Promise<SyntheticCustomer[]> => {
  const rng = createRng(options.seed ?? 11);
  const refundRng = createRng((options.seed ?? 11) + 7919);
  const now = options.now.getTime();
  const customers: (SyntheticCustomer & { name: string; createdAt: Date })[] = [];
  const orders: NewOrder[] = [];
  const tickets: { customerId: string; at: Date }[] = [];
  for (let i = 0; i < options.customers; i++) {
    const start = now - (120 + rng.next() * 600) * DAY;
    const meanGapDays = 8 + rng.next() * 37;
    const stops = rng.next() < (options.stopShare ?? 0.4);
    const stoppedAt = stops ? new Date(start + (60 + rng.next() * ((now - start) / DAY - 30)) * DAY) : null;
    const end = stoppedAt ? stoppedAt.getTime() : now;
    const id = newId('cus', new Date(start));
    const basket = 5000 + Math.floor(rng.next() * 40000);
    customers.push({ id, name: `客户${i}`, createdAt: new Date(start), stoppedAt, meanGapDays });
    let t = start;
    const first = orders.length;
    while (t <= end) {
      const total = Math.max(100, Math.round(basket * (0.5 + rng.next())));
      orders.push({ customerId: id, at: new Date(t), totalFen: total, refundedFen: rng.next() < 0.05 ? Math.round(total / 2) : 0 });
      t += -Math.log(1 - rng.next()) * meanGapDays * DAY;
    }
    // Most customers who stop had their last order refunded (drawn from its own generator, so the purchase
    // histories stay those of the seed).
    const last = orders[orders.length - 1];
    if (stops && orders.length > first && last && refundRng.next() < 0.6) last.refundedFen = Math.round(last.totalFen / 2);
    if (rng.next() < 0.15) tickets.push({ customerId: id, at: new Date(end - rng.next() * 60 * DAY) });
  }
  await insertCompany(db, customers, orders);
  if (tickets.length > 0) {
    await db
      .insertInto('service_ticket')
      .values(
        tickets.map((tk, k) => ({
          customer_id: tk.customerId,
          id: newId('tkt', tk.at),
          source: 'test',
          external_id: `t${k}`,
          subject: 'delivery late',
          status: 'closed' as const,
          opened_at: tk.at,
          created_at: tk.at,
        })),
      )
      .execute();
  }
  return customers.map(({ id, stoppedAt, meanGapDays }) => ({ id, stoppedAt, meanGapDays }));
};
