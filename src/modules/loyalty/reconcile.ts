import { sql } from 'kysely';
import type { Db } from '../../platform/db.ts';

export type ReconcileProblem = {
  kind: 'unbalanced_movement' | 'balance_drift' | 'lots_mismatch' | 'lot_uses_mismatch' | 'sign_violation' | 'movement_without_entries' | 'unbalanced_transfer';
  customerId: string;
  account?: string;
  movementId?: string;
  lotId?: string;
  expected: number;
  actual: number;
};

export type ReconcileReport = {
  ok: boolean;
  accounts: number;
  movements: number;
  totals: { issued: number; redeemed: number; expired: number; reversed: number; adjusted: number; outstanding: number; debt: number; pending: number };
  /** issued − redeemed − expired − reversed − adjusted, which must equal the balances held (outstanding + pending + debt). */
  liabilityFromLedger: number;
  liabilityFromBalances: number;
  problems: ReconcileProblem[];
  seconds: number;
};

const LIMIT = 1000;

/**
 * Proves the ledger: every movement balances, every account's balance equals the sum of its entries,
 * open lots add up to the member balance, and the system totals equal the liability. Names every
 * account that does not (up to 1,000 problems per check).
 */
export const reconcile = async (db: Db): Promise<ReconcileReport> => {
  const started = performance.now();
  const problems: ReconcileProblem[] = [];

  const unbalanced = await sql<{ customer_id: string; movement_id: string; total: number }>`
    select customer_id, movement_id, sum(delta)::bigint as total from loyalty_entry
    group by customer_id, movement_id having sum(delta) <> 0 limit ${LIMIT}`.execute(db);
  for (const r of unbalanced.rows) {
    problems.push({ kind: 'unbalanced_movement', customerId: r.customer_id, movementId: r.movement_id, expected: 0, actual: Number(r.total) });
  }

  const empty = await sql<{ customer_id: string; id: string; points: number }>`
    select m.customer_id, m.id, m.points from loyalty_movement m
    where m.points > 0 and not exists (select 1 from loyalty_entry e where e.customer_id = m.customer_id and e.movement_id = m.id)
    limit ${LIMIT}`.execute(db);
  for (const r of empty.rows) {
    problems.push({ kind: 'movement_without_entries', customerId: r.customer_id, movementId: r.id, expected: Number(r.points), actual: 0 });
  }

  const drift = await sql<{ customer_id: string; kind: string; balance: number | null; total: number | null; entry_count: number | null; n: number | null }>`
    with sums as (
      select customer_id, account as kind, sum(delta)::bigint as total, count(*)::bigint as n
      from loyalty_entry where account in ('member', 'pending', 'debt') group by customer_id, account
    )
    select coalesce(a.customer_id, s.customer_id) as customer_id, coalesce(a.kind, s.kind) as kind,
           a.balance, s.total, a.entry_count, s.n
    from loyalty_account a full join sums s on s.customer_id = a.customer_id and s.kind = a.kind
    where a.balance is distinct from coalesce(s.total, 0) or a.entry_count is distinct from coalesce(s.n, 0)
    limit ${LIMIT}`.execute(db);
  for (const r of drift.rows) {
    problems.push({ kind: 'balance_drift', customerId: r.customer_id, account: r.kind, expected: Number(r.total ?? 0), actual: Number(r.balance ?? 0) });
  }

  const signs = await sql<{ customer_id: string; kind: string; balance: number }>`
    select customer_id, kind, balance from loyalty_account
    where (kind = 'debt' and balance > 0) or (kind <> 'debt' and balance < 0) limit ${LIMIT}`.execute(db);
  for (const r of signs.rows) problems.push({ kind: 'sign_violation', customerId: r.customer_id, account: r.kind, expected: 0, actual: Number(r.balance) });

  const lots = await sql<{ customer_id: string; member: number; open: number }>`
    with open as (select customer_id, sum(remaining)::bigint as open from loyalty_lot group by customer_id),
         member as (select customer_id, balance from loyalty_account where kind = 'member')
    select coalesce(m.customer_id, o.customer_id) as customer_id, coalesce(m.balance, 0) as member, coalesce(o.open, 0) as open
    from member m full join open o on o.customer_id = m.customer_id
    where coalesce(m.balance, 0) <> coalesce(o.open, 0) limit ${LIMIT}`.execute(db);
  for (const r of lots.rows) {
    problems.push({ kind: 'lots_mismatch', customerId: r.customer_id, account: 'member', expected: Number(r.member), actual: Number(r.open) });
  }

  const uses = await sql<{ customer_id: string; id: string; points: number; remaining: number; used: number }>`
    select l.customer_id, l.id, l.points, l.remaining, coalesce(u.used, 0)::bigint as used
    from loyalty_lot l
    left join (select customer_id, lot_id, sum(points) as used from loyalty_lot_use group by customer_id, lot_id) u
      on u.customer_id = l.customer_id and u.lot_id = l.id
    where l.points - coalesce(u.used, 0) <> l.remaining limit ${LIMIT}`.execute(db);
  for (const r of uses.rows) {
    problems.push({
      kind: 'lot_uses_mismatch',
      customerId: r.customer_id,
      lotId: r.id,
      expected: Number(r.points) - Number(r.used),
      actual: Number(r.remaining),
    });
  }

  // A merge's (or unmerge's) two transfer movements cancel out on the clearing account.
  const transfers = await sql<{ customer_id: string; key: string; total: number }>`
    select min(e.customer_id) as customer_id, m.idempotency_key as key, sum(e.delta)::bigint as total
    from loyalty_entry e join loyalty_movement m on m.customer_id = e.customer_id and m.id = e.movement_id
    where e.account = 'transfer' group by m.idempotency_key having sum(e.delta) <> 0 limit ${LIMIT}`.execute(db);
  for (const r of transfers.rows) {
    problems.push({ kind: 'unbalanced_transfer', customerId: r.customer_id, account: 'transfer', movementId: r.key, expected: 0, actual: Number(r.total) });
  }

  const t = await sql<{ account: string; total: number }>`select account, sum(delta)::bigint as total from loyalty_entry group by account`.execute(db);
  const byAccount = new Map(t.rows.map((r) => [r.account, Number(r.total)]));
  const b = await sql<{
    kind: string;
    total: number;
    n: number;
  }>`select kind, sum(balance)::bigint as total, count(*)::bigint as n from loyalty_account group by kind`.execute(db);
  const balances = new Map(b.rows.map((r) => [r.kind, Number(r.total)]));
  const accounts = b.rows.reduce((s, r) => s + Number(r.n), 0);
  const m = await sql<{ n: number }>`select count(*)::bigint as n from loyalty_movement`.execute(db);

  const totals = {
    issued: -(byAccount.get('issued') ?? 0),
    redeemed: byAccount.get('redeemed') ?? 0,
    expired: byAccount.get('expired') ?? 0,
    reversed: byAccount.get('reversed') ?? 0,
    adjusted: byAccount.get('adjusted') ?? 0,
    outstanding: balances.get('member') ?? 0,
    pending: balances.get('pending') ?? 0,
    debt: balances.get('debt') ?? 0,
  };
  const liabilityFromLedger = totals.issued - totals.redeemed - totals.expired - totals.reversed - totals.adjusted;
  const liabilityFromBalances = totals.outstanding + totals.pending + totals.debt;
  const ok = problems.length === 0 && liabilityFromLedger === liabilityFromBalances;
  return {
    ok,
    accounts,
    movements: Number(m.rows[0]?.n ?? 0),
    totals,
    liabilityFromLedger,
    liabilityFromBalances,
    problems,
    seconds: (performance.now() - started) / 1000,
  };
};
