import { type Selectable, sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { RETIER_TASK } from './retier.ts';
import type { LifecycleStage, RfmCutPoints, RunRecord, RunSummary } from './segmentation.shared.ts';
import type { RfmRunTable } from './segmentation.tables.ts';

export type { RunRecord } from './segmentation.shared.ts';

type RunRow = Selectable<RfmRunTable>;

const toRun = (r: RunRow): RunRecord => ({
  id: r.id,
  trigger: r.trigger,
  triggeredBy: r.triggered_by,
  asOf: r.as_of,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  schemeId: r.scheme_id,
  scheme: r.scheme as RunRecord['scheme'],
  settings: r.settings as RunRecord['settings'],
  customers: r.customers,
  scored: r.scored,
  tierChanges: r.tier_changes,
  stageChanges: r.stage_changes,
  cutPoints: r.cut_points as RfmCutPoints,
  summary: r.summary as RunSummary,
});

/** The latest runs, newest first. */
export const listRuns = async (db: Db | Trx, limit = 20): Promise<RunRecord[]> =>
  (await db.selectFrom('rfm_run').selectAll().orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toRun);

/** Whether a re-tiering job is waiting or running on the queue. */
export const isRunPending = async (db: Db | Trx): Promise<boolean> => {
  const { rows } = await sql<{ pending: boolean }>`
    select exists (select 1 from graphile_worker.jobs where task_identifier = ${RETIER_TASK}) as pending`.execute(db);
  return rows[0]?.pending ?? false;
};

/** What the value dashboard shows: the last run (distribution, movement, heatmap, funnel) and the one before. */
export const getValueDashboard = async (db: Db | Trx): Promise<{ latest: RunRecord | null; previous: RunRecord | null; pending: boolean }> => {
  const [latest, previous] = await listRuns(db, 2);
  return { latest: latest ?? null, previous: previous ?? null, pending: await isRunPending(db) };
};

export type CustomerSegment = {
  customerId: string;
  tier: { schemeId: string; tier: string; since: Date; reason: string; reasonDetail: Record<string, unknown>; spendFen: number } | null;
  stage: { stage: LifecycleStage; since: Date } | null;
  rfm: { runId: string; asOf: Date; recencyDays: number; frequency: number; monetaryFen: number; r: number; f: number; m: number; buckets: number } | null;
  tierHistory: {
    runId: string;
    changedAt: Date;
    schemeId: string;
    fromSchemeId: string | null;
    fromTier: string | null;
    toTier: string;
    reason: string;
    reasonDetail: Record<string, unknown>;
  }[];
  stageHistory: { runId: string; changedAt: Date; fromStage: LifecycleStage | null; toStage: LifecycleStage }[];
};

/** Tier, lifecycle stage, RFM and their history for one customer (a merged record answers for its root). */
export const getCustomerSegment = async (db: Db | Trx, customerId: string): Promise<CustomerSegment> => {
  const customer = await db.selectFrom('rfm_customer_fact').select('root_id').where('customer_id', '=', customerId).executeTakeFirst();
  if (!customer) throw new AppError('segmentation.customer_not_found', `no customer ${customerId}`);
  const id = customer.root_id;
  const [tier, stage, rfm, tierHistory, stageHistory] = await Promise.all([
    db.selectFrom('tier_customer').selectAll().where('customer_id', '=', id).executeTakeFirst(),
    db.selectFrom('lifecycle_customer').selectAll().where('customer_id', '=', id).executeTakeFirst(),
    db
      .selectFrom('rfm_score as s')
      .innerJoin('rfm_run as r', 'r.id', 's.run_id')
      .select(['s.run_id', 'r.as_of', 'r.settings', 's.recency_days', 's.frequency', 's.monetary_fen', 's.r', 's.f', 's.m'])
      .where('s.customer_id', '=', id)
      .orderBy('r.finished_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db.selectFrom('tier_change').selectAll().where('customer_id', '=', id).orderBy('changed_at', 'desc').orderBy('run_id', 'desc').limit(100).execute(),
    db.selectFrom('lifecycle_change').selectAll().where('customer_id', '=', id).orderBy('changed_at', 'desc').orderBy('run_id', 'desc').limit(100).execute(),
  ]);
  return {
    customerId: id,
    tier: tier
      ? {
          schemeId: tier.scheme_id,
          tier: tier.tier,
          since: tier.since,
          reason: tier.reason,
          reasonDetail: tier.reason_detail as Record<string, unknown>,
          spendFen: tier.spend_fen,
        }
      : null,
    stage: stage ? { stage: stage.stage, since: stage.since } : null,
    rfm: rfm
      ? {
          runId: rfm.run_id,
          asOf: rfm.as_of,
          recencyDays: rfm.recency_days,
          frequency: rfm.frequency,
          monetaryFen: rfm.monetary_fen,
          r: rfm.r,
          f: rfm.f,
          m: rfm.m,
          buckets: (rfm.settings as RunRecord['settings']).rfm.buckets,
        }
      : null,
    tierHistory: tierHistory.map((h) => ({
      runId: h.run_id,
      changedAt: h.changed_at,
      schemeId: h.scheme_id,
      fromSchemeId: h.from_scheme_id,
      fromTier: h.from_tier,
      toTier: h.to_tier,
      reason: h.reason,
      reasonDetail: h.reason_detail as Record<string, unknown>,
    })),
    stageHistory: stageHistory.map((h) => ({ runId: h.run_id, changedAt: h.changed_at, fromStage: h.from_stage, toStage: h.to_stage })),
  };
};

export type CurrentTier = { customerId: string; schemeId: string; tier: string; since: Date; reason: string; spendFen: number };

/** Current tiers (active scheme) of the given root customers; customers without a tier are absent. */
export const getCurrentTiers = async (db: Db | Trx, customerIds: readonly string[]): Promise<CurrentTier[]> => {
  if (customerIds.length === 0) return [];
  const rows = await db
    .selectFrom('tier_customer')
    .select(['customer_id', 'scheme_id', 'tier', 'since', 'reason', 'spend_fen'])
    .where('customer_id', 'in', customerIds)
    .execute();
  return rows.map((r) => ({ customerId: r.customer_id, schemeId: r.scheme_id, tier: r.tier, since: r.since, reason: r.reason, spendFen: r.spend_fen }));
};
