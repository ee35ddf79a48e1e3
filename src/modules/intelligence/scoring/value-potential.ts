import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import type { Actor } from '../../auth/index.ts';
import { scoredCustomerPage } from './scored-customer-page.ts';
import { QUADRANTS, type Quadrant, type ValuePotentialItem, type ValuePotentialSummary } from './scoring.shared.ts';

export type { ValuePotentialItem, ValuePotentialSummary } from './scoring.shared.ts';

/** Quadrant sizes and money, and a scatter sample drawn by a stored hash (no sort of every customer). */
export const valuePotentialSummary = async (db: Db, points = 1500): Promise<ValuePotentialSummary> => {
  const { rows: quads } = await sql<{ quadrant: Quadrant; n: number; value: number; clv: number; at: Date | null }>`
    select quadrant, count(*)::int as n, sum(value_12m_fen)::bigint as value, sum(clv_12m_fen)::bigint as clv, max(scored_at) as at
    from clv_score group by quadrant`.execute(db);
  const customers = quads.reduce((s, q) => s + q.n, 0);
  const keys = customers > 0 ? Math.max(1, Math.min(1000, Math.ceil((points / customers) * 1000))) : 0;
  const { rows: sample } = await sql<{ value_12m_fen: number; clv_12m_fen: number; potential_index: number; quadrant: Quadrant }>`
    select value_12m_fen, clv_12m_fen, potential_index, quadrant from clv_score where sample_key < ${keys} limit ${points}`.execute(db);
  return {
    customers,
    quadrants: QUADRANTS.map((quadrant) => {
      const q = quads.find((r) => r.quadrant === quadrant);
      return { quadrant, customers: q?.n ?? 0, value12mFen: Number(q?.value ?? 0), clv12mFen: Number(q?.clv ?? 0) };
    }),
    sample: sample.map((s) => ({
      value12mFen: Number(s.value_12m_fen),
      clv12mFen: Number(s.clv_12m_fen),
      potentialIndex: s.potential_index,
      quadrant: s.quadrant,
    })),
    scoredAt: quads.reduce<Date | null>((m, q) => (q.at && (!m || q.at > m) ? q.at : m), null),
  };
};

/** The customers of one quadrant, highest potential index first (then highest CLV). */
export const listValuePotential = async (
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { quadrant: Quadrant; page: number; pageSize: number },
): Promise<{ items: ValuePotentialItem[]; total: number; masked: boolean }> => {
  const [rows, count] = await Promise.all([
    sql<{
      customer_id: string;
      display_name: string;
      value_12m_fen: number;
      clv_12m_fen: number;
      value_percentile: number;
      clv_percentile: number;
      potential_index: number;
      quadrant: Quadrant;
      p_alive: number;
      expected_purchases_90d: number;
    }>`
      select s.customer_id, c.display_name, s.value_12m_fen, s.clv_12m_fen, s.value_percentile, s.clv_percentile, s.potential_index,
             s.quadrant, s.p_alive, s.expected_purchases_90d
      from clv_score s join model_customer_fact c on c.customer_id = s.customer_id
      where s.quadrant = ${input.quadrant}
      order by s.potential_index desc, s.customer_id
      limit ${input.pageSize} offset ${(input.page - 1) * input.pageSize}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from clv_score where quadrant = ${input.quadrant}`.execute(db),
  ]);
  return scoredCustomerPage(db, clock, actor, { list: 'value_potential', rows: rows.rows, total: count.rows[0]?.n }, (r) => ({
    value12mFen: Number(r.value_12m_fen),
    clv12mFen: Number(r.clv_12m_fen),
    valuePercentile: r.value_percentile,
    clvPercentile: r.clv_percentile,
    potentialIndex: r.potential_index,
    quadrant: r.quadrant,
    pAlive: r.p_alive,
    expectedPurchases90d: r.expected_purchases_90d,
  }));
};
