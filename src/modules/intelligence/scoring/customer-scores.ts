import type { Db } from '../../../platform/db.ts';
import type { CustomerScores, Quadrant } from './scoring.shared.ts';

export type { CustomerScores } from './scoring.shared.ts';

/** The stored scores of one root customer (none when it never bought, or was not active for churn). */
export const getCustomerScores = async (db: Db, rootId: string): Promise<CustomerScores> => {
  const [clv, churn] = await Promise.all([
    db.selectFrom('clv_score').selectAll().where('customer_id', '=', rootId).executeTakeFirst(),
    db.selectFrom('churn_score').selectAll().where('customer_id', '=', rootId).executeTakeFirst(),
  ]);
  return {
    clv: clv
      ? {
          runId: clv.run_id,
          pAlive: clv.p_alive,
          expectedPurchases30d: clv.expected_purchases_30d,
          expectedPurchases90d: clv.expected_purchases_90d,
          expectedPurchases365d: clv.expected_purchases_365d,
          expectedSpendFen: Number(clv.expected_spend_fen),
          clv12mFen: Number(clv.clv_12m_fen),
          value12mFen: Number(clv.value_12m_fen),
          potentialIndex: clv.potential_index,
          quadrant: clv.quadrant as Quadrant,
          frequency: clv.frequency,
          recencyDays: clv.recency_days,
          ageDays: clv.age_days,
          scoredAt: clv.scored_at,
        }
      : null,
    churn: churn
      ? { runId: churn.run_id, risk: churn.risk, value12mFen: Number(churn.value_12m_fen), factors: churn.factors, scoredAt: churn.scored_at }
      : null,
  };
};
