import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import type { Actor } from '../../auth/index.ts';
import { scoredCustomerPage } from './scored-customer-page.ts';
import type { ChurnFactorView, ChurnRiskItem } from './scoring.shared.ts';

export type { ChurnFactorView, ChurnRiskItem } from './scoring.shared.ts';

export const CHURN_SORTS = ['priority', 'risk', 'value'] as const;
export type ChurnSort = (typeof CHURN_SORTS)[number];

export type ListChurnRiskInput = { page: number; pageSize: number; minRisk?: number; minValueFen?: number; tier?: string; sort: ChurnSort };

const ORDER = {
  priority: sql`s.priority desc, s.customer_id`,
  risk: sql`s.risk desc, s.customer_id`,
  value: sql`s.value_12m_fen desc, s.customer_id`,
} satisfies Record<ChurnSort, unknown>;

/**
 * Customers by churn risk × current value (the money at stake), filterable by risk, value and tier
 * (the segmentation module's current tier, `tier_customer`). Names are masked without customers:read_pii;
 * an unmasked page is recorded in the audit log.
 */
export const listChurnRisk = async (
  db: Db,
  clock: Clock,
  actor: Actor,
  input: ListChurnRiskInput,
): Promise<{ items: ChurnRiskItem[]; total: number; masked: boolean }> => {
  const where = sql.join(
    [
      sql`true`,
      ...(input.minRisk !== undefined ? [sql`s.risk >= ${input.minRisk}`] : []),
      ...(input.minValueFen !== undefined ? [sql`s.value_12m_fen >= ${input.minValueFen}`] : []),
      ...(input.tier !== undefined ? [sql`t.tier = ${input.tier}`] : []),
    ],
    sql` and `,
  );
  const from = sql`churn_score s left join tier_customer t on t.customer_id = s.customer_id`;
  const [rows, count] = await Promise.all([
    sql<{
      customer_id: string;
      display_name: string;
      risk: number;
      value_12m_fen: number;
      priority: number;
      clv_12m_fen: number | null;
      tier: string | null;
      factors: ChurnFactorView[];
      scored_at: Date;
    }>`
      select s.customer_id, c.display_name, s.risk, s.value_12m_fen, s.priority, v.clv_12m_fen, t.tier, s.factors, s.scored_at
      from ${from}
      join model_customer_fact c on c.customer_id = s.customer_id
      left join clv_score v on v.customer_id = s.customer_id
      where ${where}
      order by ${ORDER[input.sort]}
      limit ${input.pageSize} offset ${(input.page - 1) * input.pageSize}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from ${from} where ${where}`.execute(db),
  ]);
  return scoredCustomerPage(db, clock, actor, { list: 'churn_risk', rows: rows.rows, total: count.rows[0]?.n }, (r) => ({
    risk: r.risk,
    value12mFen: Number(r.value_12m_fen),
    priority: r.priority,
    clv12mFen: r.clv_12m_fen === null ? null : Number(r.clv_12m_fen),
    tier: r.tier,
    factors: r.factors,
    scoredAt: r.scored_at,
  }));
};

/** Tiers present among scored customers (for the filter), from the segmentation module's current tiers. */
export const listChurnTiers = async (db: Db): Promise<{ tier: string; customers: number }[]> => {
  const { rows } = await sql<{ tier: string; n: number }>`
    select t.tier, count(*)::int as n from churn_score s join tier_customer t on t.customer_id = s.customer_id group by 1 order by 2 desc`.execute(db);
  return rows.map((r) => ({ tier: r.tier, customers: r.n }));
};
