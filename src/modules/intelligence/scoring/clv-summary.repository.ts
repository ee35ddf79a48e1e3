import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';

// The (x, t_x, T, z̄) summary of BG/NBD and Gamma-Gamma, built per root customer in SQL: purchases on the
// same local day are one purchase (net of refunds), x = repeat purchase days, t_x = last − first purchase
// day, T = calibration end − first purchase day, z̄ = mean spend of the repeat days. Whole days here; the
// caller converts to its model time unit. Nothing per order or per customer leaves the database.

/** End of the local day `day` (exclusive), as an instant: the upper bound on placed_at. */
const endOfDay = (day: string, timeZone: string) => sql`((${day}::date + 1)::timestamp at time zone ${timeZone})`;

const purchaseDays = (end: string, timeZone: string) => sql`
  select root_id, (placed_at at time zone ${timeZone})::date as day, sum(net_fen)::bigint as spend
  from model_order_fact
  where placed_at < ${endOfDay(end, timeZone)}
  group by 1, 2`;

/**
 * Fills the temporary table `clv_summary` (dropped at commit) with one row per root customer who
 * bought by `calibrationEnd` (YYYY-MM-DD, inclusive, local): x, t_x_days, age_days (T), zbar (fen),
 * value_12m (net spend of the 365 days ending calibrationEnd). Returns the customers summarised.
 */
export const buildClvSummary = async (trx: Trx, input: { calibrationEnd: string; timeZone: string }): Promise<number> => {
  const { calibrationEnd: end, timeZone } = input;
  await sql`drop table if exists clv_summary`.execute(trx);
  // The first day's spend is the second element of the smallest (day, spend) pair: one pass, no self-join.
  await sql`
    create temp table clv_summary on commit drop as
    select root_id as customer_id,
           (count(*) - 1)::int as x,
           (max(day) - min(day))::int as t_x_days,
           (${end}::date - min(day))::int as age_days,
           case when count(*) > 1
                then (sum(spend) - (min(array[(day - date '2000-01-01')::bigint, spend]))[2])::float8 / (count(*) - 1)
                else 0 end as zbar,
           coalesce(sum(spend) filter (where day > ${end}::date - 365), 0)::bigint as value_12m
    from (${purchaseDays(end, timeZone)}) d
    group by root_id`.execute(trx);
  await sql`analyze clv_summary`.execute(trx);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from clv_summary`.execute(trx);
  return rows[0]?.n ?? 0;
};

export type SummaryPattern = { x: number; txDays: number; ageDays: number; count: number };

/** Distinct (x, t_x, T) with how many customers share each: all BG/NBD needs. */
export const summaryPatterns = async (trx: Trx): Promise<SummaryPattern[]> => {
  const { rows } = await sql<{ x: number; t: number; a: number; n: number }>`
    select x, t_x_days as t, age_days as a, count(*)::int as n from clv_summary group by 1, 2, 3`.execute(trx);
  return rows.map((r) => ({ x: r.x, txDays: r.t, ageDays: r.a, count: r.n }));
};

/**
 * (x, z̄) of the repeat buyers, as the Gamma-Gamma fit takes them (one entry per customer). Repeat buyers
 * whose repeat purchases were all free (z̄ = 0) carry no spend information the model can use.
 */
export const repeatBuyerSpends = async (trx: Trx): Promise<{ frequency: number; monetaryValue: number }[]> => {
  const { rows } = await sql<{ x: number; z: number; n: number }>`
    select x, zbar as z, count(*)::int as n from clv_summary where x > 0 and zbar > 0 group by 1, 2`.execute(trx);
  const out: { frequency: number; monetaryValue: number }[] = [];
  for (const r of rows) for (let i = 0; i < r.n; i++) out.push({ frequency: r.x, monetaryValue: r.z });
  return out;
};

export type HoldoutPattern = SummaryPattern & { actual: number };

/**
 * Calibration patterns at `cutoff` (inclusive) with the purchase days each pattern's customers made in
 * (cutoff, end]: the data of lifetimes' calibration-vs-holdout plot. Only customers who bought by the cut-off.
 */
export const holdoutPatterns = async (db: Db, input: { cutoff: string; end: string; timeZone: string }): Promise<HoldoutPattern[]> => {
  const { cutoff, end, timeZone } = input;
  const { rows } = await sql<{ x: number; t: number; a: number; n: number; actual: number }>`
    select x, t_x_days as t, age_days as a, count(*)::int as n, sum(actual)::int as actual
    from (
      select (count(*) filter (where day <= ${cutoff}::date) - 1)::int as x,
             (max(day) filter (where day <= ${cutoff}::date) - min(day))::int as t_x_days,
             (${cutoff}::date - min(day))::int as age_days,
             count(*) filter (where day > ${cutoff}::date)::int as actual
      from (${purchaseDays(end, timeZone)}) d
      group by root_id
      having min(day) <= ${cutoff}::date
    ) s
    group by 1, 2, 3`.execute(db);
  return rows.map((r) => ({ x: r.x, txDays: r.t, ageDays: r.a, count: r.n, actual: r.actual }));
};
