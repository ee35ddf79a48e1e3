import { sql } from 'kysely';
import { awardPoints, DEFAULT_LOYALTY_SETTINGS, type LoyaltyCtx, reconcile, redeemPoints } from '../src/modules/loyalty/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { createDb, type Db } from '../src/platform/db.ts';

export type LoyaltyBenchResult = {
  accounts: number;
  entries: number;
  generateSeconds: number;
  clients: number;
  awardOps: number;
  awardOpsPerSecond: number;
  awardP50ms: number;
  awardP99ms: number;
  awardErrors: number;
  redeemOps: number;
  redeemOpsPerSecond: number;
  redeemP50ms: number;
  redeemP99ms: number;
  redeemErrors: number;
  reconcileSeconds: number;
  reconcileOk: boolean;
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** `clients` workers each running one operation after another for `seconds`; latency per operation. */
const hammer = async (clients: number, seconds: number, op: (worker: number, i: number) => Promise<void>) => {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, w) => {
      for (let i = 0; performance.now() < until; i++) {
        const t = performance.now();
        try {
          await op(w, i);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    ops: latencies.length,
    opsPerSecond: Math.round(latencies.length / elapsed),
    p50ms: round(percentile(latencies, 50)),
    p99ms: round(percentile(latencies, 99)),
    errors,
  };
};

/**
 * The points ledger under load: `accounts` members with an opening grant (set-based, through the
 * same ledger triggers), then award and redeem operations from `clients` concurrent clients (each a
 * transaction with the account lock, idempotency check, budget row, entries and lots), then a full
 * reconcile of every account.
 */
export const runLoyalty = async (
  url: string,
  db: Db,
  options: { accounts: number; clients: number; seconds: number; onProgress: (p: { phase: string; done: number; total: number }) => void },
): Promise<LoyaltyBenchResult> => {
  const t0 = performance.now();
  const batch = 100_000;
  for (let from = 0; from < options.accounts; from += batch) {
    const to = Math.min(options.accounts, from + batch);
    await db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      await sql`
        create temp table b on commit drop as
        select gx_id('cus', timestamptz '2025-01-01' + (i || ' seconds')::interval, 'loybench:' || i) as cid,
               gx_id('lmv', timestamptz '2025-01-01' + (i || ' seconds')::interval, 'loybench-m:' || i) as mid,
               gx_id('lot', timestamptz '2025-01-01' + (i || ' seconds')::interval, 'loybench-l:' || i) as lid,
               timestamptz '2025-01-01' + (i || ' seconds')::interval as at
        from generate_series(${from}::int, ${to - 1}::int) as i`.execute(trx);
      await sql`insert into customer (id, display_name, source, attributes, created_at, updated_at) select cid, 'Bench', 'loybench', '{}'::jsonb, at, at from b`.execute(
        trx,
      );
      await sql`insert into loyalty_account (customer_id, kind, balance, entry_count, updated_at) select cid, 'member', 0, 0, at from b`.execute(trx);
      await sql`
        insert into loyalty_movement (customer_id, id, kind, idempotency_key, points, reason, actor, created_at)
        select cid, mid, 'grant', 'bench-open', 10000, 'opening', 'bench', at from b`.execute(trx);
      await sql`
        insert into loyalty_entry (customer_id, movement_id, line, account, delta, created_at)
        select cid, mid, l.line, l.account, l.delta, at from b
        cross join lateral (values (1, 'issued', -10000), (2, 'member', 10000)) as l(line, account, delta)`.execute(trx);
      await sql`
        insert into loyalty_lot (customer_id, id, movement_id, points, remaining, earned_at, expires_at)
        select cid, lid, mid, 10000, 10000, at, null from b`.execute(trx);
    });
    options.onProgress({ phase: 'generating', done: to, total: options.accounts });
  }
  await sql`analyze customer, loyalty_account, loyalty_movement, loyalty_entry, loyalty_lot`.execute(db);
  const generateSeconds = (performance.now() - t0) / 1000;

  // Each client gets its own connection; the operations spread over the first 100,000 accounts.
  const load = createDb(url, options.clients);
  const ids = (
    await sql<{ customer_id: string }>`select customer_id from loyalty_account where kind = 'member' order by customer_id limit 100000`.execute(db)
  ).rows.map((r) => r.customer_id);
  const ctx: LoyaltyCtx = {
    clock: systemClock,
    settings: { ...DEFAULT_LOYALTY_SETTINGS, guards: { ...DEFAULT_LOYALTY_SETTINGS.guards, dailyIssuanceBudget: 1_000_000_000_000 } },
  };
  const pick = (w: number, i: number) => ids[(w * 7919 + i * 104_729) % ids.length] as string;
  const run = `${Date.now().toString(36)}`;
  type Stats = Awaited<ReturnType<typeof hammer>>;
  let award: Stats;
  let redeem: Stats;
  try {
    options.onProgress({ phase: 'award', done: 0, total: 1 });
    award = await hammer(options.clients, options.seconds, (w, i) =>
      load.db
        .transaction()
        .execute((trx) => awardPoints(trx, ctx, { customerId: pick(w, i), points: 10, key: `bench:${run}:a:${w}:${i}`, reason: 'bench', actor: 'bench' }))
        .then(() => undefined),
    );
    options.onProgress({ phase: 'redeem', done: 0, total: 1 });
    redeem = await hammer(options.clients, options.seconds, (w, i) =>
      load.db
        .transaction()
        .execute((trx) => redeemPoints(trx, ctx, { customerId: pick(w, i + 1), points: 5, key: `bench:${run}:r:${w}:${i}`, reason: 'bench', actor: 'bench' }))
        .then(() => undefined),
    );
  } finally {
    await load.close();
  }
  options.onProgress({ phase: 'reconcile', done: 0, total: 1 });
  const entries = Number((await sql<{ n: number }>`select count(*)::bigint as n from loyalty_entry`.execute(db)).rows[0]?.n ?? 0);
  const report = await reconcile(db);
  return {
    accounts: report.accounts,
    entries,
    generateSeconds: Math.round(generateSeconds * 10) / 10,
    clients: options.clients,
    awardOps: award.ops,
    awardOpsPerSecond: award.opsPerSecond,
    awardP50ms: award.p50ms,
    awardP99ms: award.p99ms,
    awardErrors: award.errors,
    redeemOps: redeem.ops,
    redeemOpsPerSecond: redeem.opsPerSecond,
    redeemP50ms: redeem.p50ms,
    redeemP99ms: redeem.p99ms,
    redeemErrors: redeem.errors,
    reconcileSeconds: Math.round(report.seconds * 100) / 100,
    reconcileOk: report.ok,
  };
};
