import { sql } from 'kysely';
import type { ChurnDiagnostics, ClvDiagnostics } from '../src/modules/intelligence/scoring/index.ts';
import { DEFAULT_SCORING_SETTINGS, runModelNow } from '../src/modules/intelligence/scoring/index.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { Db } from '../src/platform/db.ts';
import type { Logger } from '../src/platform/logger.ts';

/** Flat, as the bench report prints scenarios. */
export type ScoringResult = Record<string, number>;

const NOW = new Date('2026-11-22T04:00:00Z');
const DAY_S = 86_400;

// A uniform number in [0, 1) from a hash of the row and a tag: deterministic, no session state.
const u = (key: string, tag: string) => sql.raw(`((('x' || substr(md5(${key} || '${tag}'), 1, 8))::bit(32)::bigint)::float8 / 4294967296.0)`);

/**
 * `customers` buyers over two years, generated set-based: each has a first purchase, a purchase rate
 * (mean gap 15–300 days, skewed to short gaps) and, for 40 %, a stop date; orders fall in between.
 */
const generate = async (db: Db, customers: number, onProgress: (done: number) => void): Promise<number> => {
  const batch = 100_000;
  let orders = 0;
  const now = Math.floor(NOW.getTime() / 1000);
  for (let from = 0; from < customers; from += batch) {
    const to = Math.min(customers, from + batch);
    await db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      await sql`
        insert into customer (id, display_name, source, attributes, created_at, updated_at)
        select gx_id('cus', to_timestamp(${now} - 730 * ${DAY_S} + i), 'scorebench:' || i), 'Bench ' || i, 'scorebench', '{}'::jsonb,
               to_timestamp(${now} - 730 * ${DAY_S} + i), to_timestamp(${now} - 730 * ${DAY_S} + i)
        from generate_series(${from}::int, ${to - 1}::int) as i`.execute(trx);
      const res = await sql`
        insert into customer_order (customer_id, id, source, external_id, status, total_fen, refunded_fen, placed_at, created_at, updated_at)
        select c.id, gx_id('ord', at, 'scorebench:' || c.i || ':' || k), 'scorebench', c.i || '-' || k, 'paid', fen, 0, at, at, at
        from (
          select i, gx_id('cus', to_timestamp(${now} - 730 * ${DAY_S} + i), 'scorebench:' || i) as id,
                 ${now} - floor(${u('i::text', 'f')} * 720 * ${DAY_S})::bigint as first_s,
                 15 + 285 * power(${u('i::text', 'g')}, 1.5) as gap_days,
                 ${u('i::text', 's')} < 0.4 as stops, ${u('i::text', 't')} as stop_u,
                 2000 + floor(${u('i::text', 'm')} * 30000)::int as basket
          from generate_series(${from}::int, ${to - 1}::int) as i
        ) c
        cross join lateral (select case when c.stops then c.first_s + floor(c.stop_u * (${now} - c.first_s))::bigint else ${now} end as end_s) e
        cross join lateral generate_series(0, least(60, floor((e.end_s - c.first_s) / (c.gap_days * ${DAY_S}))::int)) as k
        cross join lateral (
          select to_timestamp(case when k = 0 then c.first_s
                                   else c.first_s + floor((k - 1 + ${u("c.i || ':' || k", 'o')}) * c.gap_days * ${DAY_S})::bigint end) as at,
                 greatest(100, floor(c.basket * (0.5 + ${u("c.i || ':' || k", 'v')})))::bigint as fen
        ) o
        where o.at <= to_timestamp(e.end_s)`.execute(trx);
      orders += Number(res.numAffectedRows ?? 0);
    });
    onProgress(to);
  }
  await sql`analyze customer, customer_order`.execute(db);
  return orders;
};

/** End to end at scale: SQL summary + fit + holdout + every score written; then the churn model trained and every active customer scored. */
export const runScoring = async (
  db: Db,
  logger: Logger,
  customers: number,
  onProgress: (p: { phase: string; done: number; total: number }) => void,
): Promise<ScoringResult> => {
  let t = performance.now();
  const orders = await generate(db, customers, (done) => onProgress({ phase: 'generate', done, total: customers }));
  const generateSeconds = (performance.now() - t) / 1000;
  const deps = { db, clock: fixedClock(NOW), logger };
  const settings = DEFAULT_SCORING_SETTINGS;

  t = performance.now();
  const clvRun = await runModelNow(
    deps,
    { kind: 'clv', trigger: 'cli', requestedBy: 'bench' },
    { settings, onProgress: (phase, done, total) => onProgress({ phase: `clv ${phase}`, done, total }) },
  );
  const clvSeconds = (performance.now() - t) / 1000;
  const clv = clvRun.diagnostics as unknown as ClvDiagnostics;

  t = performance.now();
  const churnRun = await runModelNow(
    deps,
    { kind: 'churn', trigger: 'cli', requestedBy: 'bench' },
    { settings, onProgress: (phase, done, total) => onProgress({ phase: `churn ${phase}`, done, total }) },
  );
  const churnSeconds = (performance.now() - t) / 1000;
  const churn = churnRun.diagnostics as unknown as ChurnDiagnostics;

  const r = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    customers,
    orders,
    generateSeconds: r(generateSeconds, 1),
    clvSeconds: r(clvSeconds, 1),
    clvSummarySeconds: clv.seconds.summary,
    clvFitSeconds: clv.seconds.fit,
    clvHoldoutSeconds: clv.seconds.holdout,
    clvPredictSeconds: clv.seconds.predict,
    clvWriteSeconds: clv.seconds.write,
    clvCustomersScored: clv.customers,
    clvPatterns: clv.patterns,
    bgnbdR: r(clv.bgnbd.r),
    bgnbdAlpha: r(clv.bgnbd.alpha),
    bgnbdA: r(clv.bgnbd.a),
    bgnbdB: r(clv.bgnbd.b),
    churnSeconds: r(churnSeconds, 1),
    churnFeaturesSeconds: churn.seconds.features,
    churnFitSeconds: churn.seconds.fit,
    churnScoreSeconds: churn.seconds.score,
    churnTrainedOn: churn.training.customers,
    churnScored: churn.scored,
    churnHeldOutAuc: churn.heldOut.auc,
  };
};
