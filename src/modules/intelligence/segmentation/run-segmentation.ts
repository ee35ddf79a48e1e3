import { type RawBuilder, sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { DISPATCH_TASK } from '../../../platform/outbox.ts';
import type { LifecycleStage, RfmCutPoints, RunRecord, RunSummary, RunTrigger } from './segmentation.shared.ts';
import type { SegmentationSettings } from './settings.ts';
import { PRESETS, type TierScheme } from './tier-schemes.ts';

export const TIER_CHANGED_TOPIC = 'customer.tier_changed';
export const LIFECYCLE_CHANGED_TOPIC = 'customer.lifecycle_changed';

const DAY_MS = 86_400_000;
// One run at a time, across processes.
const RUN_LOCK = 7_361_006;

export type { RfmCutPoints, RunSummary } from './segmentation.shared.ts';

/** A finished run as runSegmentation returns it: the stored record but for the scheme and settings it copied. */
export type SegmentationRun = Omit<RunRecord, 'scheme' | 'settings'> & { buckets: number };

export type RunSegmentationOptions = {
  trigger: RunTrigger;
  triggeredBy: string | null;
  settings: SegmentationSettings;
  scheme: TierScheme;
  /** The date recency and windows are measured to; the clock's now by default. */
  asOf?: Date;
  onPhase?: (phase: string) => void;
};

/** "¥12,340" / "¥12,340.50" / "-¥5" from fen, in SQL (reasons are built set-based). */
const yuanSql = (fen: RawBuilder<unknown>) =>
  sql`(case when ${fen} < 0 then '-' else '' end || '¥' || case when ${fen} % 100 = 0
        then to_char(abs(${fen}) / 100, 'FM999,999,999,999,990')
        else to_char(abs(${fen}) / 100.0, 'FM999,999,999,999,990.00') end)`;

/** The same format in TypeScript, for thresholds. */
export const formatYuan = (fen: number): string => {
  const whole = fen % 100 === 0;
  const text = (Math.abs(fen) / 100).toLocaleString('en-US', { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 });
  return `${fen < 0 ? '-' : ''}¥${text}`;
};

const spendLabel = (windowDays: number) => (windowDays === 365 ? 'spend last 12 months' : `spend per year (last ${windowDays} days)`);

/** Quantile probabilities of the cut points: quartiles .25/.5/.75, quintiles .2/.4/.6/.8. */
const quantiles = (buckets: number) => Array.from({ length: buckets - 1 }, (_, i) => (i + 1) / buckets);

/** `(v > cuts[1])::int + … `: how many cut points lie strictly below the value (ties go to the lower bucket). */
const cutsBelow = (value: RawBuilder<unknown>, cuts: RawBuilder<unknown>, buckets: number) =>
  sql.join(
    Array.from({ length: buckets - 1 }, (_, i) => sql`(${value} > ${cuts}[${sql.raw(String(i + 1))}])::int`),
    sql` + `,
  );

/**
 * Step 1: per root customer, the order aggregates everything else is computed from, in one pass over
 * the orders (per record first, then rolled up to the root so merged records count for their root).
 */
const aggregateOrders = async (trx: Trx, p: { asOf: Date; rfmFrom: Date | null; spendFrom: Date; activeStart: Date }) => {
  const rfmFrom = p.rfmFrom ? p.rfmFrom.toISOString() : '-infinity';
  await sql`
    create temp table seg_base on commit drop as
    with per_record as (
      select o.customer_id,
             min(o.placed_at) as first_at,
             max(o.placed_at) as last_at,
             max(o.placed_at) filter (where o.placed_at >= ${rfmFrom}::timestamptz) as rfm_last_at,
             count(*) filter (where o.placed_at >= ${rfmFrom}::timestamptz) as rfm_frequency,
             sum(o.net_fen) filter (where o.placed_at >= ${rfmFrom}::timestamptz) as rfm_monetary,
             sum(o.net_fen) filter (where o.placed_at > ${p.spendFrom}::timestamptz) as spend_fen,
             max(o.placed_at) filter (where o.placed_at <= ${p.activeStart}::timestamptz) as before_active_last,
             min(o.placed_at) filter (where o.placed_at > ${p.activeStart}::timestamptz) as active_first
      from rfm_order_fact o
      where o.placed_at <= ${p.asOf}::timestamptz
      group by o.customer_id
    ), per_root as (
      select c.root_id, min(r.first_at) as first_at, max(r.last_at) as last_at, max(r.rfm_last_at) as rfm_last_at,
             sum(r.rfm_frequency) as rfm_frequency, sum(r.rfm_monetary) as rfm_monetary, sum(r.spend_fen) as spend_fen,
             max(r.before_active_last) as before_active_last, min(r.active_first) as active_first
      from per_record r join rfm_customer_fact c on c.customer_id = r.customer_id
      group by c.root_id
    )
    select c.customer_id, c.created_at, r.first_at, r.last_at, r.before_active_last, r.active_first,
           floor(extract(epoch from (${p.asOf}::timestamptz - r.rfm_last_at)) / 86400)::int as rfm_recency_days,
           coalesce(r.rfm_frequency, 0)::int as rfm_frequency,
           coalesce(r.rfm_monetary, 0)::bigint as rfm_monetary,
           coalesce(r.spend_fen, 0)::bigint as spend_fen
    from rfm_customer_fact c left join per_root r on r.root_id = c.customer_id
    where c.root_id = c.customer_id`.execute(trx);
  await sql`analyze seg_base`.execute(trx);
};

/**
 * Step 2: RFM scores of the customers who bought in the window. Cut points are pandas' linear
 * quantiles (percentile_cont interpolates the same way); a value equal to a cut point stays in the
 * lower bucket; R 1 = most recent, F and M 1 = best.
 */
const scoreRfm = async (trx: Trx, runId: string, buckets: number): Promise<{ cutPoints: RfmCutPoints; scored: number }> => {
  const qs = quantiles(buckets);
  await sql`
    create temp table seg_cuts on commit drop as
    select percentile_cont(${qs}::float8[]) within group (order by rfm_recency_days) as r,
           percentile_cont(${qs}::float8[]) within group (order by rfm_frequency) as f,
           percentile_cont(${qs}::float8[]) within group (order by rfm_monetary) as m,
           count(*)::int as n
    from seg_base where rfm_frequency > 0`.execute(trx);
  await sql`
    insert into rfm_score (customer_id, run_id, recency_days, frequency, monetary_fen, r, f, m)
    select b.customer_id, ${runId}, b.rfm_recency_days, b.rfm_frequency, b.rfm_monetary,
           1 + ${cutsBelow(sql`b.rfm_recency_days`, sql`c.r`, buckets)},
           ${buckets}::int - (${cutsBelow(sql`b.rfm_frequency`, sql`c.f`, buckets)}),
           ${buckets}::int - (${cutsBelow(sql`b.rfm_monetary`, sql`c.m`, buckets)})
    from seg_base b cross join seg_cuts c
    where b.rfm_frequency > 0`.execute(trx);
  await sql`delete from rfm_score where run_id <> ${runId}`.execute(trx);
  const { rows } = await sql<{ r: number[] | null; f: number[] | null; m: number[] | null; n: number }>`select r, f, m, n from seg_cuts`.execute(trx);
  const row = rows[0];
  return { cutPoints: { recency: row?.r ?? [], frequency: row?.f ?? [], monetary: row?.m ?? [] }, scored: row?.n ?? 0 };
};

/** Step 3: tier (with its reason) and lifecycle stage of every root customer. */
const classify = async (trx: Trx, p: { asOf: Date; settings: SegmentationSettings; scheme: TierScheme }) => {
  const { config } = p.scheme;
  const def = PRESETS[p.scheme.preset];
  const life = p.settings.lifecycle;
  const at = (days: number) => new Date(p.asOf.getTime() - days * DAY_MS);
  const label = spendLabel(config.spendWindowDays);

  // Branch 0: inactive; branch i + 1: the i-th spend tier (the last one takes the rest).
  const branches: { when: RawBuilder<unknown> | null; tier: string; reason: RawBuilder<unknown>; detail: RawBuilder<unknown> }[] = [
    {
      when: sql`v.silent_days >= ${config.inactiveDays}`,
      tier: def.inactiveTier,
      reason: sql`case when b.last_at is null
                    then format('never purchased; signed up %s days ago (≥ %s)', v.silent_days, ${config.inactiveDays}::int)
                    else format('no purchase for %s days (≥ %s)', v.silent_days, ${config.inactiveDays}::int) end`,
      detail: sql`jsonb_build_object('rule', 'inactive', 'days', v.silent_days, 'thresholdDays', ${config.inactiveDays}::int,
                                     'neverPurchased', b.last_at is null)`,
    },
  ];
  def.spendTiers.forEach((tier, i) => {
    const spendDetail = (op: string, thresholdFen: number) =>
      sql`jsonb_build_object('rule', 'spend', 'spendFen', v.spend_year, 'op', ${op}::text, 'thresholdFen', ${thresholdFen}::bigint,
                             'windowDays', ${config.spendWindowDays}::int)`;
    const spendReason = (op: string, thresholdFen: number) =>
      sql`${label}::text || ' ' || ${yuanSql(sql`v.spend_year`)} || ${` ${op} ${formatYuan(thresholdFen)}`}::text`;
    if (tier.min) {
      const threshold = config[tier.min];
      const op = tier.inclusive ? '≥' : '>';
      branches.push({
        when: tier.inclusive ? sql`v.spend_year >= ${threshold}::bigint` : sql`v.spend_year > ${threshold}::bigint`,
        tier: tier.key,
        reason: spendReason(op, threshold),
        detail: spendDetail(op, threshold),
      });
    } else {
      const above = def.spendTiers[i - 1];
      const threshold = above?.min ? config[above.min] : 0;
      const op = above?.inclusive === false ? '≤' : '<';
      branches.push({ when: null, tier: tier.key, reason: spendReason(op, threshold), detail: spendDetail(op, threshold) });
    }
  });
  const pick = (what: (b: (typeof branches)[number]) => RawBuilder<unknown>) =>
    sql`case ${sql.join(
      branches.map((b, i) => sql`when k.branch = ${sql.raw(String(i))} then ${what(b)}`),
      sql` `,
    )} end`;
  const branch = sql`case ${sql.join(
    branches.map((b, i) => (b.when ? sql`when ${b.when} then ${sql.raw(String(i))}` : sql`else ${sql.raw(String(i))}`)),
    sql` `,
  )} end`;

  const newStart = at(life.newDays);
  const activeStart = at(life.activeDays);
  const churnStart = at(life.churnDays);
  await sql`
    create temp table seg_result on commit drop as
    select b.customer_id, v.spend_year,
           ${pick((b) => sql`${b.tier}::text`)} as tier,
           ${pick((b) => b.reason)} as reason,
           ${pick((b) => b.detail)} as detail,
           case
             when b.last_at is null then
               case when b.created_at > ${newStart}::timestamptz then 'new'
                    when b.created_at > ${churnStart}::timestamptz then 'dormant' else 'churned' end
             when b.first_at > ${newStart}::timestamptz then 'new'
             when b.last_at > ${activeStart}::timestamptz then
               case when b.before_active_last is not null
                     and extract(epoch from (b.active_first - b.before_active_last)) >= ${life.wonBackGapDays * 86_400}::float8
                    then 'won_back' else 'active' end
             when b.last_at > ${churnStart}::timestamptz then 'dormant'
             else 'churned'
           end as stage
    from seg_base b
    cross join lateral (
      select round(b.spend_fen * 365.0 / ${config.spendWindowDays}::int)::bigint as spend_year,
             floor(extract(epoch from (${p.asOf}::timestamptz - coalesce(b.last_at, b.created_at))) / 86400)::int as silent_days
    ) v
    cross join lateral (select ${branch} as branch) k`.execute(trx);
};

/** Step 4: record tier changes (history + domain events through the outbox) and store current tiers. */
const applyTiers = async (trx: Trx, p: { runId: string; asOf: Date; now: Date; schemeId: string }): Promise<number> => {
  await sql`
    create temp table seg_tier_diff on commit drop as
    select s.customer_id, s.tier, s.reason, s.detail, s.spend_year, t.scheme_id as from_scheme_id, t.tier as from_tier,
           (t.customer_id is null or t.scheme_id <> ${p.schemeId} or t.tier <> s.tier) as changed,
           (t.customer_id is null or t.scheme_id <> ${p.schemeId} or t.tier <> s.tier or t.reason <> s.reason or t.spend_fen <> s.spend_year) as dirty,
           t.since as old_since
    from seg_result s left join tier_customer t on t.customer_id = s.customer_id`.execute(trx);
  const changes = await sql`
    insert into tier_change (customer_id, run_id, scheme_id, from_scheme_id, from_tier, to_tier, reason, reason_detail, changed_at)
    select customer_id, ${p.runId}, ${p.schemeId}, from_scheme_id, from_tier, tier, reason, detail, ${p.asOf}
    from seg_tier_diff where changed`.execute(trx);
  const changed = Number(changes.numAffectedRows ?? 0);
  if (changed > 0) {
    // The outbox rows of platform/outbox.ts's publish(), written set-based in the same transaction.
    await sql`
      insert into outbox_event (id, topic, customer_id, payload, created_at)
      select gx_id('obx', ${p.now}::timestamptz, ${p.runId}::text || ':' || customer_id), ${TIER_CHANGED_TOPIC}, customer_id,
             jsonb_build_object('customerId', customer_id, 'runId', ${p.runId}::text, 'schemeId', ${p.schemeId}::text,
                                'fromSchemeId', from_scheme_id, 'fromTier', from_tier, 'toTier', tier, 'reason', reason,
                                'reasonDetail', detail, 'changedAt', ${p.asOf.toISOString()}::text),
             ${p.now}
      from seg_tier_diff where changed`.execute(trx);
    await sql`select graphile_worker.add_job(${DISPATCH_TASK}, '{}'::json, job_key := ${DISPATCH_TASK})`.execute(trx);
  }
  await sql`
    insert into tier_customer (customer_id, scheme_id, tier, since, reason, reason_detail, spend_fen, run_id)
    select customer_id, ${p.schemeId}, tier, case when changed then ${p.asOf} else old_since end, reason, detail, spend_year, ${p.runId}
    from seg_tier_diff where dirty
    on conflict (customer_id) do update set
      scheme_id = excluded.scheme_id, tier = excluded.tier, since = excluded.since, reason = excluded.reason,
      reason_detail = excluded.reason_detail, spend_fen = excluded.spend_fen, run_id = excluded.run_id`.execute(trx);
  // Records merged into another since the last run are no longer customers of their own.
  await sql`delete from tier_customer t where not exists (select 1 from seg_result s where s.customer_id = t.customer_id)`.execute(trx);
  return changed;
};

/**
 * Step 5: record lifecycle transitions with their time (history + `customer.lifecycle_changed` domain
 * events through the outbox, set-based like the tier events) and store current stages.
 */
const applyStages = async (trx: Trx, p: { runId: string; asOf: Date; now: Date }): Promise<number> => {
  await sql`
    create temp table seg_stage_diff on commit drop as
    select s.customer_id, s.stage, l.stage as from_stage, (l.customer_id is null or l.stage <> s.stage) as changed
    from seg_result s left join lifecycle_customer l on l.customer_id = s.customer_id`.execute(trx);
  const changes = await sql`
    insert into lifecycle_change (customer_id, run_id, from_stage, to_stage, changed_at)
    select customer_id, ${p.runId}, from_stage, stage, ${p.asOf} from seg_stage_diff where changed`.execute(trx);
  const changed = Number(changes.numAffectedRows ?? 0);
  if (changed > 0) {
    await sql`
      insert into outbox_event (id, topic, customer_id, payload, created_at)
      select gx_id('obx', ${p.now}::timestamptz, ${p.runId}::text || ':stage:' || customer_id), ${LIFECYCLE_CHANGED_TOPIC}, customer_id,
             jsonb_build_object('customerId', customer_id, 'runId', ${p.runId}::text, 'from', from_stage, 'to', stage,
                                'at', ${p.asOf.toISOString()}::text),
             ${p.now}
      from seg_stage_diff where changed`.execute(trx);
    await sql`select graphile_worker.add_job(${DISPATCH_TASK}, '{}'::json, job_key := ${DISPATCH_TASK})`.execute(trx);
  }
  await sql`
    insert into lifecycle_customer (customer_id, stage, since, run_id)
    select customer_id, stage, ${p.asOf}, ${p.runId} from seg_stage_diff where changed
    on conflict (customer_id) do update set stage = excluded.stage, since = excluded.since, run_id = excluded.run_id`.execute(trx);
  await sql`delete from lifecycle_customer l where not exists (select 1 from seg_result s where s.customer_id = l.customer_id)`.execute(trx);
  return changed;
};

const summarize = async (trx: Trx, runId: string): Promise<RunSummary & { customers: number }> => {
  // Movements carry the distributions too (sum by destination): two scans of the diffs, one of the scores.
  const movement = await sql<{ fromSchemeId: string | null; fromTier: string | null; toTier: string; customers: number }>`
    select from_scheme_id as "fromSchemeId", from_tier as "fromTier", tier as "toTier", count(*)::int as customers
    from seg_tier_diff group by 1, 2, 3 order by 1, 2, 3`.execute(trx);
  const stageMovement = await sql<{ fromStage: LifecycleStage | null; toStage: LifecycleStage; customers: number }>`
    select from_stage as "fromStage", stage as "toStage", count(*)::int as customers from seg_stage_diff group by 1, 2 order by 1, 2`.execute(trx);
  const heatmap = await sql<{ r: number; f: number; customers: number; avgMonetaryFen: number }>`
    select r, f, count(*)::int as customers, round(avg(monetary_fen))::bigint as "avgMonetaryFen"
    from rfm_score where run_id = ${runId} group by r, f order by r, f`.execute(trx);
  const totals = <K extends string>(rows: { key: K; customers: number }[]) => {
    const byKey = new Map<K, number>();
    for (const r of rows) byKey.set(r.key, (byKey.get(r.key) ?? 0) + r.customers);
    return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  };
  const tiers = totals(movement.rows.map((m) => ({ key: m.toTier, customers: m.customers }))).map(([tier, customers]) => ({ tier, customers }));
  const stages = totals(stageMovement.rows.map((m) => ({ key: m.toStage, customers: m.customers }))).map(([stage, customers]) => ({ stage, customers }));
  return {
    customers: tiers.reduce((n, t) => n + t.customers, 0),
    tiers,
    movement: movement.rows,
    stages,
    stageMovement: stageMovement.rows,
    heatmap: heatmap.rows,
  };
};

/**
 * One segmentation run, set-based in SQL inside the caller's transaction: RFM scores of every root
 * customer who bought in the window, the tier of every root customer under the active scheme (with the
 * reason), their lifecycle stage, and the history of changes; each tier change is also a
 * `customer.tier_changed` domain event in the outbox, each stage change a `customer.lifecycle_changed` one. No per-customer round trips: the work is a fixed
 * number of statements whatever the number of customers. Refused while another run is in progress.
 */
export const runSegmentation = async (trx: Trx, clock: Clock, options: RunSegmentationOptions): Promise<SegmentationRun> => {
  const startedAt = clock.now();
  const asOf = options.asOf ?? startedAt;
  const { settings, scheme } = options;
  const phase = options.onPhase ?? (() => {});
  const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${RUN_LOCK}) as ok`.execute(trx);
  if (!locked.rows[0]?.ok) throw new AppError('segmentation.run_in_progress', 'another segmentation run is in progress; try again when it has finished');
  // Aggregates over millions of orders: enough memory to hash them without spilling.
  await sql`set local work_mem = '256MB'`.execute(trx);
  const runId = newId('rfm', startedAt);
  const at = (days: number) => new Date(asOf.getTime() - days * DAY_MS);

  phase('aggregating orders');
  await aggregateOrders(trx, {
    asOf,
    rfmFrom: settings.rfm.windowDays === null ? null : at(settings.rfm.windowDays),
    spendFrom: at(scheme.config.spendWindowDays),
    activeStart: at(settings.lifecycle.activeDays),
  });
  phase('scoring RFM');
  const { cutPoints, scored } = await scoreRfm(trx, runId, settings.rfm.buckets);
  phase('classifying');
  await classify(trx, { asOf, settings, scheme });
  await sql`analyze seg_result`.execute(trx);
  phase('recording tier changes');
  const tierChanges = await applyTiers(trx, { runId, asOf, now: clock.now(), schemeId: scheme.id });
  phase('recording lifecycle changes');
  const stageChanges = await applyStages(trx, { runId, asOf, now: clock.now() });
  phase('summarizing');
  const { customers, ...summary } = await summarize(trx, runId);
  const finishedAt = clock.now();
  await trx
    .insertInto('rfm_run')
    .values({
      id: runId,
      trigger: options.trigger,
      triggered_by: options.triggeredBy,
      as_of: asOf,
      started_at: startedAt,
      finished_at: finishedAt,
      scheme_id: scheme.id,
      scheme: JSON.stringify({ preset: scheme.preset, config: scheme.config }),
      settings: JSON.stringify({ rfm: settings.rfm, lifecycle: settings.lifecycle }),
      customers,
      scored,
      tier_changes: tierChanges,
      stage_changes: stageChanges,
      cut_points: JSON.stringify(cutPoints),
      summary: JSON.stringify(summary),
    })
    .execute();
  return {
    id: runId,
    trigger: options.trigger,
    triggeredBy: options.triggeredBy,
    asOf,
    startedAt,
    finishedAt,
    schemeId: scheme.id,
    customers,
    scored,
    tierChanges,
    stageChanges,
    buckets: settings.rfm.buckets,
    cutPoints,
    summary,
  };
};
