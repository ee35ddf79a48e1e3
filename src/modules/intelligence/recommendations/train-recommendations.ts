import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { evaluateOnHoldout } from './evaluate-model.ts';
import type { HoldoutMetrics, ModelSummary } from './recommendations.shared.ts';
import { fitModelInSql } from './train-model.ts';

const TRAIN_LOCK = 7_361_081;

export type { ModelSummary } from './recommendations.shared.ts';

const toSummary = (r: {
  id: string;
  trained_at: Date;
  trained_by: string;
  baskets: number;
  items: number;
  pairs: number;
  max_neighbours: number;
  seconds: number;
  metrics: Record<string, unknown>;
}): ModelSummary => ({
  id: r.id,
  trainedAt: r.trained_at,
  trainedBy: r.trained_by,
  baskets: r.baskets,
  items: r.items,
  pairs: r.pairs,
  maxNeighbours: r.max_neighbours,
  seconds: r.seconds,
  metrics: 'k' in r.metrics ? (r.metrics as HoldoutMetrics) : null,
});

/** The model recommendations are served from: the newest serving model. */
export const latestModel = async (db: Db | Trx): Promise<ModelSummary | undefined> => {
  const row = await db
    .selectFrom('recommendation_model')
    .selectAll()
    .where('purpose', '=', 'serving')
    .orderBy('trained_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toSummary(row);
};

/** Past trainings, newest first (only the newest keeps its item and neighbour rows). */
export const listTrainings = async (db: Db | Trx, limit = 10): Promise<ModelSummary[]> => {
  const rows = await db
    .selectFrom('recommendation_model')
    .selectAll()
    .where('purpose', '=', 'serving')
    .orderBy('trained_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toSummary);
};

/**
 * Trains the serving model from every order line, measures it on each customer's held-out last order,
 * and makes it current, all in one transaction (readers see the old model until it commits). Older
 * models keep their summary and metrics but lose their item and neighbour rows.
 */
export const trainRecommendations = async (
  db: Db,
  clock: Clock,
  actor: Actor,
  options: { maxNeighbours?: number; evaluate?: boolean; holdoutSample?: number } = {},
): Promise<ModelSummary> => {
  const started = performance.now();
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${TRAIN_LOCK})`.execute(trx);
    await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(trx);
    const at = clock.now();
    const model = await fitModelInSql(trx, { purpose: 'serving', at, by: actor.label, maxNeighbours: options.maxNeighbours });
    const metrics = options.evaluate === false ? {} : await evaluateOnHoldout(trx, { at, sample: options.holdoutSample });
    await trx
      .updateTable('recommendation_model')
      .set({ metrics: JSON.stringify(metrics), seconds: Math.round(performance.now() - started) / 1000 })
      .where('id', '=', model.id)
      .execute();
    const older = trx.selectFrom('recommendation_model').select('id').where('id', '<>', model.id);
    await trx.deleteFrom('recommendation_neighbour').where('model_id', 'in', older).execute();
    await trx.deleteFrom('recommendation_item').where('model_id', 'in', older).execute();
    await trx.deleteFrom('recommendation_model').where('purpose', '=', 'evaluation').execute();
    if (actor.type === 'user') {
      await recordAudit(trx, clock, actor, {
        action: 'recommendations.train',
        subjectType: 'recommendation_model',
        subjectId: model.id,
        details: { items: model.items, pairs: model.pairs },
      });
    }
    return (await latestModel(trx)) as ModelSummary;
  });
};
