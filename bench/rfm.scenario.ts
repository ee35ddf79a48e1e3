import { sql } from 'kysely';
import type pg from 'pg';
import { DEFAULT_SEGMENTATION_SETTINGS, getActiveTierScheme, runSegmentation, type SegmentationRun } from '../src/modules/intelligence/segmentation/index.ts';
import { fixedClock } from '../src/platform/clock.ts';
import type { Db } from '../src/platform/db.ts';

const DAY_MS = 86_400_000;
const SOURCE = 'rfmbench';
/** The generated history ends here; the first run is at this date, the second a quarter later. */
export const AS_OF = new Date('2026-01-01T00:00:00Z');

type Progress = (p: { phase: string; done: number; total: number }) => void;

/**
 * `customers` customers with 1..19 orders each (10 on average: 10,000,000 orders for 1,000,000), over three
 * years, 3% cancelled and 6% (partly) refunded, generated set-based with INSERT … SELECT generate_series.
 * Sign-up times (hence ids) grow with the customer number, so rows arrive in index order.
 */
const generate = async (db: Db, customers: number, onProgress: Progress): Promise<number> => {
  const batch = 50_000;
  let orders = 0;
  for (let from = 0; from < customers; from += batch) {
    const to = Math.min(customers, from + batch) - 1;
    await db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      await sql`
        insert into customer (id, display_name, source, attributes, created_at, updated_at)
        select gx_id('cus', c.created_at, ${SOURCE}::text || i), 'RFM bench ' || i, ${SOURCE}, '{}'::jsonb, c.created_at, c.created_at
        from generate_series(${from}::int, ${to}::int) as i
        cross join lateral (select ${AS_OF}::timestamptz - interval '1200 days' + (i::float8 / ${customers}) * interval '1100 days' as created_at) c`.execute(
        trx,
      );
      const res = await sql`
        insert into customer_order (customer_id, id, source, external_id, status, currency, total_fen, refunded_fen, placed_at, created_at, updated_at)
        select gx_id('cus', c.created_at, ${SOURCE}::text || i), gx_id('ord', p.placed_at, ${SOURCE}::text || i || ':' || k), ${SOURCE}, i || ':' || k,
               case when h % 100 < 3 then 'cancelled' when h % 100 < 6 then 'refunded' when h % 100 < 9 then 'partially_refunded' else 'paid' end,
               'CNY', p.total, case when h % 100 between 3 and 5 then p.total when h % 100 between 6 and 8 then p.total / 3 else 0 end,
               p.placed_at, p.placed_at, p.placed_at
        from generate_series(${from}::int, ${to}::int) as i
        cross join lateral (select ${AS_OF}::timestamptz - interval '1200 days' + (i::float8 / ${customers}) * interval '1100 days' as created_at) c
        cross join generate_series(1, 19) as k
        cross join lateral (select (i::bigint * 2654435761 + k * 40503) % 1000003 as h) x
        cross join lateral (
          -- Recent customers buy more recently: each order lies between sign-up and AS_OF.
          select least(${AS_OF}::timestamptz - interval '1 hour',
                       c.created_at + ((h % 997) / 997.0) * (${AS_OF}::timestamptz - c.created_at)) as placed_at,
                 (1000 + (h * 31) % 300000)::bigint as total
        ) p
        where k <= 1 + (i::bigint * 104729) % 19
        order by 1, 2`.execute(trx);
      orders += Number(res.numAffectedRows ?? 0);
    });
    onProgress({ phase: 'generating', done: to + 1, total: customers });
  }
  return orders;
};

/**
 * The same computation as runSegmentation (annual review, default settings), hand-written as plain SQL
 * with literal values and run directly on one connection; rolled back so both start from the same state.
 */
export const rawSql = (asOf: Date, runId: string): string => {
  const t = (days: number) => `'${new Date(asOf.getTime() - days * DAY_MS).toISOString()}'::timestamptz`;
  const now = `'${asOf.toISOString()}'::timestamptz`;
  const yuan = (x: string) =>
    `(case when ${x} < 0 then '-' else '' end || '¥' || case when ${x} % 100 = 0 then to_char(abs(${x}) / 100, 'FM999,999,999,999,990') else to_char(abs(${x}) / 100.0, 'FM999,999,999,999,990.00') end)`;
  return `
    set local work_mem = '256MB';
    create temp table raw_base on commit drop as
    with r as (
      select customer_id, min(placed_at) first_at, max(placed_at) last_at,
             max(placed_at) filter (where placed_at >= ${t(730)}) rfm_last,
             count(*) filter (where placed_at >= ${t(730)}) freq,
             sum(total_fen - refunded_fen) filter (where placed_at >= ${t(730)}) monetary,
             sum(total_fen - refunded_fen) filter (where placed_at > ${t(365)}) spend,
             max(placed_at) filter (where placed_at <= ${t(90)}) before_last,
             min(placed_at) filter (where placed_at > ${t(90)}) active_first
      from customer_order where status <> 'cancelled' and placed_at <= ${now} group by customer_id
    ), g as (
      select c.root_id, min(first_at) first_at, max(last_at) last_at, max(rfm_last) rfm_last, sum(freq) freq, sum(monetary) monetary,
             sum(spend) spend, max(before_last) before_last, min(active_first) active_first
      from r join customer c on c.id = r.customer_id group by c.root_id
    )
    select c.id, c.created_at, g.first_at, g.last_at, g.before_last, g.active_first,
           floor(extract(epoch from (${now} - g.rfm_last)) / 86400)::int rec, coalesce(g.freq, 0)::int freq,
           coalesce(g.monetary, 0)::bigint monetary, round(coalesce(g.spend, 0) * 365.0 / 365)::bigint spend,
           floor(extract(epoch from (${now} - coalesce(g.last_at, c.created_at))) / 86400)::int silent
    from customer c left join g on g.root_id = c.id where c.root_id = c.id;
    analyze raw_base;
    create temp table raw_cuts on commit drop as
    select percentile_cont(array[0.2, 0.4, 0.6, 0.8]) within group (order by rec) r,
           percentile_cont(array[0.2, 0.4, 0.6, 0.8]) within group (order by freq) f,
           percentile_cont(array[0.2, 0.4, 0.6, 0.8]) within group (order by monetary) m
    from raw_base where freq > 0;
    insert into rfm_score (customer_id, run_id, recency_days, frequency, monetary_fen, r, f, m)
    select b.id, '${runId}', rec, freq, monetary,
           1 + (rec > c.r[1])::int + (rec > c.r[2])::int + (rec > c.r[3])::int + (rec > c.r[4])::int,
           5 - (freq > c.f[1])::int - (freq > c.f[2])::int - (freq > c.f[3])::int - (freq > c.f[4])::int,
           5 - (monetary > c.m[1])::int - (monetary > c.m[2])::int - (monetary > c.m[3])::int - (monetary > c.m[4])::int
    from raw_base b, raw_cuts c where freq > 0;
    delete from rfm_score where run_id <> '${runId}';
    create temp table raw_result on commit drop as
    select id, spend,
           case when silent >= 180 then 'dormant' when spend > 1000000 then 'strategic' when spend >= 100000 then 'potential' else 'dormant' end tier,
           case when silent >= 180 then
                  case when last_at is null then format('never purchased; signed up %s days ago (≥ 180)', silent)
                       else format('no purchase for %s days (≥ 180)', silent) end
                when spend > 1000000 then 'spend last 12 months ' || ${yuan('spend')} || ' > ¥10,000'
                when spend >= 100000 then 'spend last 12 months ' || ${yuan('spend')} || ' ≥ ¥1,000'
                else 'spend last 12 months ' || ${yuan('spend')} || ' < ¥1,000' end reason,
           case when silent >= 180 then jsonb_build_object('rule', 'inactive', 'days', silent, 'thresholdDays', 180, 'neverPurchased', last_at is null)
                else jsonb_build_object('rule', 'spend', 'spendFen', spend,
                                        'op', case when spend > 1000000 then '>' when spend >= 100000 then '≥' else '<' end,
                                        'thresholdFen', case when spend > 1000000 then 1000000 else 100000 end, 'windowDays', 365) end detail,
           case when last_at is null then case when created_at > ${t(90)} then 'new' when created_at > ${t(365)} then 'dormant' else 'churned' end
                when first_at > ${t(90)} then 'new'
                when last_at > ${t(90)} then
                  case when before_last is not null and extract(epoch from (active_first - before_last)) >= 180 * 86400 then 'won_back' else 'active' end
                when last_at > ${t(365)} then 'dormant' else 'churned' end stage
    from raw_base;
    analyze raw_result;
    create temp table raw_tier on commit drop as
    select s.*, t.scheme_id from_scheme, t.tier from_tier, t.since old_since,
           (t.customer_id is null or t.scheme_id <> 'annual_review' or t.tier <> s.tier) changed,
           (t.customer_id is null or t.scheme_id <> 'annual_review' or t.tier <> s.tier or t.reason <> s.reason or t.spend_fen <> s.spend) dirty
    from raw_result s left join tier_customer t on t.customer_id = s.id;
    insert into tier_change (customer_id, run_id, scheme_id, from_scheme_id, from_tier, to_tier, reason, reason_detail, changed_at)
    select id, '${runId}', 'annual_review', from_scheme, from_tier, tier, reason, detail, ${now} from raw_tier where changed;
    insert into outbox_event (id, topic, customer_id, payload, created_at)
    select gx_id('obx', now(), '${runId}:' || id), 'customer.tier_changed', id,
           jsonb_build_object('customerId', id, 'runId', '${runId}', 'schemeId', 'annual_review', 'fromSchemeId', from_scheme, 'fromTier', from_tier,
                              'toTier', tier, 'reason', reason, 'reasonDetail', detail, 'changedAt', '${asOf.toISOString()}'), now()
    from raw_tier where changed;
    insert into tier_customer (customer_id, scheme_id, tier, since, reason, reason_detail, spend_fen, run_id)
    select id, 'annual_review', tier, case when changed then ${now} else old_since end, reason, detail, spend, '${runId}' from raw_tier where dirty
    on conflict (customer_id) do update set scheme_id = excluded.scheme_id, tier = excluded.tier, since = excluded.since, reason = excluded.reason,
      reason_detail = excluded.reason_detail, spend_fen = excluded.spend_fen, run_id = excluded.run_id;
    delete from tier_customer t where not exists (select 1 from raw_result s where s.id = t.customer_id);
    create temp table raw_stage on commit drop as
    select s.id, s.stage, l.stage from_stage, (l.customer_id is null or l.stage <> s.stage) changed
    from raw_result s left join lifecycle_customer l on l.customer_id = s.id;
    insert into lifecycle_change (customer_id, run_id, from_stage, to_stage, changed_at)
    select id, '${runId}', from_stage, stage, ${now} from raw_stage where changed;
    insert into outbox_event (id, topic, customer_id, payload, created_at)
    select gx_id('obx', now(), '${runId}:stage:' || id), 'customer.lifecycle_changed', id,
           jsonb_build_object('customerId', id, 'runId', '${runId}', 'from', from_stage, 'to', stage, 'at', '${asOf.toISOString()}'), now()
    from raw_stage where changed;
    insert into lifecycle_customer (customer_id, stage, since, run_id)
    select id, stage, ${now}, '${runId}' from raw_stage where changed
    on conflict (customer_id) do update set stage = excluded.stage, since = excluded.since, run_id = excluded.run_id;
    delete from lifecycle_customer l where not exists (select 1 from raw_result s where s.id = l.customer_id);
    select (select count(*) from raw_tier where changed) as tier_changes, (select count(*) from raw_stage where changed) as stage_changes;`;
};

// A rolled-back run leaves dead rows (and row locks on customers) behind; clear them so the next contender starts clean.
const vacuumOutputs = async (db: Db) => {
  for (const table of ['customer', 'rfm_score', 'tier_customer', 'tier_change', 'lifecycle_customer', 'lifecycle_change', 'outbox_event']) {
    await sql`vacuum analyze ${sql.table(table)}`.execute(db);
  }
};

/** The hand-written SQL on one connection, rolled back. */
const timeRaw = async (pool: pg.Pool, asOf: Date): Promise<{ seconds: number; tierChanges: number }> => {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const started = performance.now();
    const results = (await client.query(rawSql(asOf, `rfm_raw${asOf.getTime()}`))) as unknown as pg.QueryResult[];
    const seconds = (performance.now() - started) / 1000;
    await client.query('rollback');
    const last = results[results.length - 1]?.rows[0] as { tier_changes: string } | undefined;
    return { seconds, tierChanges: Number(last?.tier_changes ?? 0) };
  } finally {
    client.release();
  }
};

class Rollback extends Error {}

/** Guanxi's run (runSegmentation, as the job and the CLI call it); rolled back unless `commit`. */
const timeApp = async (db: Db, asOf: Date, commit: boolean) => {
  const phases: Record<string, number> = {};
  let phase = '';
  let phaseStart = performance.now();
  const onPhase = (next: string) => {
    const t = performance.now();
    if (phase) phases[phase] = round((t - phaseStart) / 1000);
    phase = next;
    phaseStart = t;
  };
  let result: { seconds: number; run: SegmentationRun } | undefined;
  await db
    .transaction()
    .execute(async (trx) => {
      const scheme = await getActiveTierScheme(trx);
      const started = performance.now();
      const run = await runSegmentation(trx, fixedClock(asOf), {
        trigger: 'cli',
        triggeredBy: 'bench',
        settings: DEFAULT_SEGMENTATION_SETTINGS,
        scheme,
        onPhase,
      });
      onPhase('');
      result = { seconds: (performance.now() - started) / 1000, run };
      if (!commit) throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
  if (!result) throw new Error('no run');
  return { ...result, phases };
};

/** Raw SQL and Guanxi alternately, `reps` times each, every run rolled back; the fastest of each (the least disturbed). */
export const compare = async (db: Db, pool: pg.Pool, asOf: Date, reps: number, label: string, onProgress: Progress) => {
  const raw: number[] = [];
  const app: number[] = [];
  let rawChanges = 0;
  let last: Awaited<ReturnType<typeof timeApp>> | undefined;
  for (let i = 0; i < reps; i++) {
    onProgress({ phase: `${label}: raw SQL`, done: 2 * i, total: 2 * reps });
    const r = await timeRaw(pool, asOf);
    raw.push(r.seconds);
    rawChanges = r.tierChanges;
    await vacuumOutputs(db);
    onProgress({ phase: `${label}: Guanxi`, done: 2 * i + 1, total: 2 * reps });
    last = await timeApp(db, asOf, false);
    app.push(last.seconds);
    await vacuumOutputs(db);
  }
  onProgress({ phase: `${label}: done`, done: 2 * reps, total: 2 * reps });
  if (!last) throw new Error('no runs');
  const best = (xs: number[]) => Math.min(...xs);
  return { raw: best(raw), app: best(app), rawAll: raw, appAll: app, rawChanges, run: last.run, phases: last.phases };
};

export type RfmBenchResult = Record<string, number | string | boolean>;

/**
 * RFM + tiers + lifecycle over `customers` generated customers (≈10 orders each) plus whatever the
 * database already holds: Guanxi's run next to the same computation as hand-written SQL, for the first run
 * (every customer gets a tier and a stage: a change, a history row and an event each) and a re-run a quarter later
 * (only changes written). Both contenders run alternately on the same data and are rolled back.
 */
export const runRfmBench = async (db: Db, pool: pg.Pool, customers: number, onProgress: Progress): Promise<RfmBenchResult> => {
  let started = performance.now();
  const orders = await generate(db, customers, onProgress);
  const generateSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  // Hint bits and statistics once, so neither contender pays for the load.
  await sql`vacuum analyze customer`.execute(db);
  await sql`vacuum analyze customer_order`.execute(db);
  const vacuumSeconds = (performance.now() - started) / 1000;
  const reps = customers > 200_000 ? 1 : 3;

  const first = await compare(db, pool, AS_OF, reps, 'first run', onProgress);
  // The state a quarter later starts from: the first run, committed.
  await timeApp(db, AS_OF, true);
  await vacuumOutputs(db);
  const later = new Date(AS_OF.getTime() + 90 * DAY_MS);
  const second = await compare(db, pool, later, reps, 'quarterly re-run', onProgress);
  const list = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' / ');
  return {
    customers: first.run.customers,
    orders,
    generateSeconds: round(generateSeconds),
    vacuumSeconds: round(vacuumSeconds),
    repetitions: reps,
    firstRunSeconds: round(first.app),
    firstRunRawSqlSeconds: round(first.raw),
    firstRunRatio: round(first.app / first.raw),
    firstRunAll: `Guanxi ${list(first.appAll)}; raw ${list(first.rawAll)}`,
    firstRunTierChanges: first.run.tierChanges,
    firstRunRawTierChanges: first.rawChanges,
    firstRunStageChanges: first.run.stageChanges,
    reRunSeconds: round(second.app),
    reRunRawSqlSeconds: round(second.raw),
    reRunRatio: round(second.app / second.raw),
    reRunAll: `Guanxi ${list(second.appAll)}; raw ${list(second.rawAll)}`,
    reRunTierChanges: second.run.tierChanges,
    reRunRawTierChanges: second.rawChanges,
    reRunStageChanges: second.run.stageChanges,
    scored: first.run.scored,
    ...Object.fromEntries(Object.entries(first.phases).map(([k, v]) => [`firstRunPhase: ${k}`, v])),
    ...Object.fromEntries(Object.entries(second.phases).map(([k, v]) => [`reRunPhase: ${k}`, v])),
  };
};

const round = (x: number) => Math.round(x * 1000) / 1000;
