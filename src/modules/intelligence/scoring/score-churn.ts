import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { accuracy, type ChurnModel, explainChurnRisk, fitChurnModel, predictChurnProbability, rocAuc } from '../models/index.ts';
import { CHURN_FEATURE_KEYS, CHURN_FEATURES, type ChurnFeatureRow, churnFeaturesQuery, customerBucket } from './churn-features.ts';
import { copyRows, replaceScores } from './replace-scores.ts';
import type { ChurnDiagnostics } from './scoring.shared.ts';
import type { ScoringSettings } from './scoring-settings.ts';

export type { ChurnDiagnostics } from './scoring.shared.ts';

export type ScoreChurnInput = {
  runId: string;
  settings: ScoringSettings;
  asOf: Date;
  onProgress?: (phase: string, done: number, total: number) => void;
};

const MIN_PER_CLASS = 5;
const SCORE_BATCH = 10_000;
const TOP_FACTORS = 3;

const since = (t: number) => Math.round(performance.now() - t) / 1000;
const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

type Labelled = ChurnFeatureRow & { churned: boolean };

const trainingRows = async (db: Db, input: ScoreChurnInput, cutoff: Date): Promise<Labelled[]> => {
  const { churn } = input.settings;
  const features = churnFeaturesQuery({ cutoff, activeWithinDays: churn.activeWithinDays, horizonDays: churn.horizonDays });
  // A deterministic sample when there are more customers than a logistic regression needs.
  const { rows } = await sql<Labelled>`select * from (${features}) f order by md5(customer_id) limit ${churn.maxTrainingCustomers}`.execute(db);
  return rows;
};

const SCORE_COLUMNS = ['customer_id', 'run_id', 'risk', 'value_12m_fen', 'priority', 'factors', 'scored_at'] as const;

/** One COPY per batch into the table's fresh copy (no indexes or foreign key yet: see `replaceScores`). */
const writeBatch = async (trx: Trx, table: string, runId: string, scoredAt: Date, rows: { id: string; risk: number; value: number; factors: string }[]) => {
  const at = scoredAt.toISOString();
  await copyRows(
    trx,
    table,
    SCORE_COLUMNS,
    rows.map((r) => [r.id, runId, r.risk, r.value, r.risk * r.value, r.factors, at]),
  );
};

/**
 * Churn run: trains the logistic regression on customers at a past cut-off (label known), reports AUC and
 * accuracy on held-out customers, then scores every active customer now and replaces the stored risks
 * (with their top factors) in one transaction, streaming in batches (COPY into a fresh copy of the table,
 * swapped in at the end).
 */
export const scoreChurn = async (db: Db, input: ScoreChurnInput): Promise<{ diagnostics: ChurnDiagnostics; model: ChurnModel }> => {
  const started = performance.now();
  const { churn } = input.settings;
  const progress = input.onProgress ?? (() => {});
  const cutoff = new Date(input.asOf.getTime() - churn.horizonDays * 86_400_000);

  let t = performance.now();
  progress('features', 0, 1);
  const rows = await trainingRows(db, input, cutoff);
  const featuresSeconds = since(t);
  progress('features', 1, 1);
  const train: Labelled[] = [];
  const test: Labelled[] = [];
  for (const r of rows) (customerBucket(r.customer_id) < churn.heldOutShare ? test : train).push(r);
  const count = (list: Labelled[], churned: boolean) => list.filter((r) => r.churned === churned).length;
  for (const [name, list] of [
    ['training', train],
    ['held-out', test],
  ] as const) {
    if (count(list, true) < MIN_PER_CLASS || count(list, false) < MIN_PER_CLASS) {
      throw new AppError(
        'scoring.not_enough_data',
        `the churn model needs at least ${MIN_PER_CLASS} customers who stayed and ${MIN_PER_CLASS} who churned in the ${name} set at the cut-off ${cutoff.toISOString().slice(0, 10)}; found ${count(list, false)} and ${count(list, true)}`,
      );
    }
  }

  t = performance.now();
  progress('fit', 0, 1);
  const model = fitChurnModel(
    train,
    train.map((r) => r.churned),
    CHURN_FEATURES,
    { l2: churn.l2 },
  );
  const testScores = test.map((r) => predictChurnProbability(model, r));
  const testLabels = test.map((r) => r.churned);
  const churnedShare = (list: Labelled[]) => count(list, true) / list.length;
  const fitSeconds = since(t);
  progress('fit', 1, 1);

  t = performance.now();
  const scored = await db.transaction().execute(async (trx) => {
    await sql`drop table if exists churn_now`.execute(trx);
    await sql`create temp table churn_now on commit drop as ${churnFeaturesQuery({ cutoff: input.asOf, activeWithinDays: churn.activeWithinDays })}`.execute(
      trx,
    );
    await sql`create index on churn_now (customer_id)`.execute(trx);
    const total = (await sql<{ n: number }>`select count(*)::int as n from churn_now`.execute(trx)).rows[0]?.n ?? 0;
    let after = '';
    let done = 0;
    let riskSum = 0;
    progress('score', 0, total);
    await replaceScores(trx, 'churn_score', async (next) => {
      for (;;) {
        const { rows: batch } = await sql<ChurnFeatureRow>`
        select * from churn_now where customer_id > ${after} order by customer_id limit ${SCORE_BATCH}`.execute(trx);
        if (batch.length === 0) break;
        const out = batch.map((r) => {
          const risk = predictChurnProbability(model, r);
          riskSum += risk;
          const factors = explainChurnRisk(model, r, TOP_FACTORS).map((f) => ({
            feature: f.feature,
            value: typeof f.value === 'number' ? f.value : null,
            contribution: round(f.contribution, 3),
          }));
          return { id: r.customer_id, risk, value: Number(r.value_12m_fen), factors: JSON.stringify(factors) };
        });
        await writeBatch(trx, next, input.runId, input.asOf, out);
        done += batch.length;
        after = (batch[batch.length - 1] as ChurnFeatureRow).customer_id;
        progress('score', done, total);
      }
    });
    return { total: done, meanRisk: done > 0 ? riskSum / done : 0 };
  });
  const scoreSeconds = since(t);

  const coefficients = model.columns
    .map((c, j) => ({ feature: CHURN_FEATURE_KEYS[c.feature] as string, coefficient: round(model.coefficients[j] as number) }))
    .sort((p, q) => Math.abs(q.coefficient) - Math.abs(p.coefficient));
  const majority = Math.max(churnedShare(test), 1 - churnedShare(test));
  return {
    model,
    diagnostics: {
      trainingCutoff: cutoff.toISOString(),
      scoredAsOf: input.asOf.toISOString(),
      horizonDays: churn.horizonDays,
      activeWithinDays: churn.activeWithinDays,
      training: { customers: train.length, churnRate: round(churnedShare(train)) },
      heldOut: {
        customers: test.length,
        churnRate: round(churnedShare(test)),
        auc: round(rocAuc(testScores, testLabels)),
        accuracy: round(accuracy(testScores, testLabels)),
        majorityAccuracy: round(majority),
      },
      scored: scored.total,
      meanRisk: round(scored.meanRisk),
      coefficients,
      iterations: model.iterations,
      converged: model.converged,
      seconds: { features: featuresSeconds, fit: fitSeconds, score: scoreSeconds, total: since(started) },
    },
  };
};
