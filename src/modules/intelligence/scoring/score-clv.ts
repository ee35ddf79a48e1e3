import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import {
  type BgNbdFit,
  type BgNbdParams,
  conditionalExpectedPurchases,
  customerLifetimeValue,
  expectedAverageSpend,
  fitBgNbd,
  fitGammaGamma,
  type GammaGammaFit,
  probabilityAlive,
} from '../models/index.ts';
import { buildClvSummary, holdoutPatterns, repeatBuyerSpends, type SummaryPattern, summaryPatterns } from './clv-summary.repository.ts';
import { replaceScores } from './replace-scores.ts';
import { type HoldoutBucket, QUADRANTS, type Quadrant } from './scoring.shared.ts';
import type { ScoringSettings } from './scoring-settings.ts';

export { type HoldoutBucket, QUADRANTS, type Quadrant } from './scoring.shared.ts';

export type ClvHoldout = {
  calibrationEnd: string;
  holdoutDays: number;
  customers: number;
  /** Purchases (days with a purchase) in the holdout period, summed over customers. */
  predicted: number;
  actual: number;
  bgnbd: BgNbdParams & { logLikelihood: number };
  /** Mean predicted and actual holdout purchases by number of repeat purchases in calibration (10 = 10 or more). */
  byFrequency: HoldoutBucket[];
};

export type ClvDiagnostics = {
  calibrationEnd: string;
  timeUnit: 'day' | 'week';
  timeZone: string;
  annualDiscountRate: number;
  customers: number;
  repeatCustomers: number;
  patterns: number;
  bgnbd: Omit<BgNbdFit, 'customers' | 'patterns'>;
  /** v in fen (the currency unit of the spends). */
  gammaGamma: Omit<GammaGammaFit, 'customers'>;
  holdout: ClvHoldout | null;
  quadrants: Record<Quadrant, number>;
  seconds: { summary: number; fit: number; holdout: number; predict: number; write: number; total: number };
};

export type ScoreClvInput = {
  runId: string;
  settings: ScoringSettings;
  /** Last local day of the calibration period, YYYY-MM-DD; the scores are "as of" its end. */
  calibrationEnd: string;
  scoredAt: Date;
  onProgress?: (phase: string, done: number, total: number) => void;
};

const DAYS_PER_MONTH = 365.25 / 12;
const HOLDOUT_BUCKETS = 10;
const MIN_CUSTOMERS = 20;

const since = (t: number) => Math.round(performance.now() - t) / 1000;

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const unitDays = (settings: ScoringSettings) => (settings.clv.timeUnit === 'week' ? 7 : 1);

const toSummary = (p: SummaryPattern, unit: number) => ({ frequency: p.x, recency: p.txDays / unit, T: p.ageDays / unit });

/** Holdout check: fit on the purchases up to `holdoutDays` before the end, predict those days, compare. */
const holdoutCheck = async (db: Db, input: ScoreClvInput): Promise<ClvHoldout | null> => {
  const { settings, calibrationEnd } = input;
  const unit = unitDays(settings);
  const cutoff = addDays(calibrationEnd, -settings.clv.holdoutDays);
  const patterns = await holdoutPatterns(db, { cutoff, end: calibrationEnd, timeZone: settings.timeZone });
  const customers = patterns.reduce((s, p) => s + p.count, 0);
  if (customers < MIN_CUSTOMERS || !patterns.some((p) => p.x > 0)) return null;
  const fit = fitBgNbd(patterns.map((p) => ({ ...toSummary(p, unit), count: p.count })));
  const buckets = Array.from({ length: HOLDOUT_BUCKETS + 1 }, () => ({ customers: 0, predicted: 0, actual: 0 }));
  const horizon = settings.clv.holdoutDays / unit;
  for (const p of patterns) {
    const b = buckets[Math.min(p.x, HOLDOUT_BUCKETS)] as { customers: number; predicted: number; actual: number };
    b.customers += p.count;
    b.predicted += p.count * conditionalExpectedPurchases(fit, toSummary(p, unit), horizon);
    b.actual += p.actual;
  }
  return {
    calibrationEnd: cutoff,
    holdoutDays: settings.clv.holdoutDays,
    customers,
    predicted: buckets.reduce((s, b) => s + b.predicted, 0),
    actual: buckets.reduce((s, b) => s + b.actual, 0),
    bgnbd: { r: fit.r, alpha: fit.alpha, a: fit.a, b: fit.b, logLikelihood: fit.logLikelihood },
    byFrequency: buckets
      .map((b, x) => ({
        frequency: x === HOLDOUT_BUCKETS ? `${HOLDOUT_BUCKETS}+` : String(x),
        customers: b.customers,
        predicted: b.customers > 0 ? b.predicted / b.customers : 0,
        actual: b.customers > 0 ? b.actual / b.customers : 0,
      }))
      .filter((b) => b.customers > 0),
  };
};

// Per-pattern predictions go to the database in batches of arrays (unnest): one statement per batch.
const PATTERN_BATCH = 20_000;

const writePatternPredictions = async (trx: Trx, patterns: SummaryPattern[], bg: BgNbdParams, gg: GammaGammaFit, settings: ScoringSettings) => {
  const unit = unitDays(settings);
  const clvOptions = { timeUnitsPerMonth: DAYS_PER_MONTH / unit, months: 12, annualDiscountRate: settings.clv.annualDiscountRate };
  await sql`drop table if exists clv_pattern`.execute(trx);
  await sql`
    create temp table clv_pattern (
      x int, t_x_days int, age_days int, p_alive float8, e30 float8, e90 float8, e365 float8, clv_factor float8,
      primary key (x, t_x_days, age_days)
    ) on commit drop`.execute(trx);
  for (let start = 0; start < patterns.length; start += PATTERN_BATCH) {
    const slice = patterns.slice(start, start + PATTERN_BATCH);
    const cols = {
      x: [] as number[],
      t: [] as number[],
      a: [] as number[],
      alive: [] as number[],
      e30: [] as number[],
      e90: [] as number[],
      e365: [] as number[],
      f: [] as number[],
    };
    for (const p of slice) {
      const c = toSummary(p, unit);
      cols.x.push(p.x);
      cols.t.push(p.txDays);
      cols.a.push(p.ageDays);
      cols.alive.push(probabilityAlive(bg, c));
      cols.e30.push(conditionalExpectedPurchases(bg, c, 30 / unit));
      cols.e90.push(conditionalExpectedPurchases(bg, c, 90 / unit));
      cols.e365.push(conditionalExpectedPurchases(bg, c, 365 / unit));
      // CLV is linear in the expected spend: the discounted expected purchases are CLV / spend, computed
      // with the model's own function at any positive spend, then multiplied by each customer's spend in SQL.
      const probe = { ...c, monetaryValue: 0 };
      cols.f.push(customerLifetimeValue({ bgnbd: bg, gammaGamma: gg }, probe, clvOptions) / expectedAverageSpend(gg, probe));
    }
    await sql`
      insert into clv_pattern
      select * from unnest(${cols.x}::int[], ${cols.t}::int[], ${cols.a}::int[], ${cols.alive}::float8[], ${cols.e30}::float8[],
                           ${cols.e90}::float8[], ${cols.e365}::float8[], ${cols.f}::float8[])`.execute(trx);
  }
  await sql`analyze clv_pattern`.execute(trx);
};

/**
 * Replaces every CLV score with one statement into a fresh copy of the table (build-and-swap, see
 * `replaceScores`): joins each customer's summary with its pattern's predictions, computes the
 * Gamma-Gamma expected spend (the formula of `expectedAverageSpend`), the 12-month CLV, current value,
 * percentiles, the potential index and the value × potential quadrant.
 */
const writeScores = async (trx: Trx, input: ScoreClvInput, gg: GammaGammaFit) => {
  const { highValuePercentile: hv, lowValuePercentile: lv, highPotentialPercentile: hp } = input.settings.valuePotential;
  await replaceScores(trx, 'clv_score', async (next) => {
    await sql`
    insert into ${sql.table(next)} (customer_id, run_id, frequency, recency_days, age_days, mean_repeat_spend_fen, p_alive,
                           expected_purchases_30d, expected_purchases_90d, expected_purchases_365d, expected_spend_fen,
                           clv_12m_fen, value_12m_fen, value_percentile, clv_percentile, potential_index, quadrant, sample_key, scored_at)
    select customer_id, ${input.runId}, x, t_x_days, age_days, zbar, p_alive, e30, e90, e365, round(spend)::bigint,
           clv, value_12m, vp, cp, round(50 + 50 * (cp - vp))::int,
           case when vp >= ${hv}::float8 and value_12m > 0
                then case when cp >= ${hp}::float8 then 'high_value_high_potential' else 'high_value_low_potential' end
                when cp >= ${hp}::float8
                then case when vp >= ${lv}::float8 and value_12m > 0 then 'high_potential_mid_spend' else 'high_potential_low_spend' end
                else 'low_value_low_potential' end,
           (hashtext(customer_id) & 2147483647) % 1000, ${input.scoredAt}
    from (
      select s.*, p.p_alive, p.e30, p.e90, p.e365, spend, round(spend * p.clv_factor)::bigint as clv,
             percent_rank() over (order by s.value_12m) as vp,
             percent_rank() over (order by round(spend * p.clv_factor)) as cp
      from clv_summary s
      join clv_pattern p using (x, t_x_days, age_days)
      cross join lateral (select ${gg.p}::float8 * (${gg.v}::float8 + s.x * s.zbar) / (${gg.p}::float8 * s.x + ${gg.q}::float8 - 1) as spend) e
    ) scored`.execute(trx);
  });
};

/**
 * CLV run: summary in SQL, BG/NBD + Gamma-Gamma fit in TypeScript on the compressed patterns, the holdout
 * check, and every customer's scores replaced in one transaction.
 */
export const scoreClv = async (db: Db, input: ScoreClvInput): Promise<ClvDiagnostics> => {
  const started = performance.now();
  const { settings } = input;
  const unit = unitDays(settings);
  const progress = input.onProgress ?? (() => {});
  const seconds = { summary: 0, fit: 0, holdout: 0, predict: 0, write: 0, total: 0 };

  let t = performance.now();
  progress('holdout', 0, 1);
  const holdout = await holdoutCheck(db, input);
  seconds.holdout = since(t);
  progress('holdout', 1, 1);

  return db.transaction().execute(async (trx) => {
    t = performance.now();
    progress('summary', 0, 1);
    const customers = await buildClvSummary(trx, { calibrationEnd: input.calibrationEnd, timeZone: settings.timeZone });
    const patterns = await summaryPatterns(trx);
    const spends = await repeatBuyerSpends(trx);
    seconds.summary = since(t);
    progress('summary', 1, 1);
    if (customers < MIN_CUSTOMERS || spends.length < 2) {
      throw new AppError(
        'scoring.not_enough_data',
        `CLV needs at least ${MIN_CUSTOMERS} customers with purchases and 2 repeat buyers; found ${customers} and ${spends.length}`,
      );
    }

    t = performance.now();
    progress('fit', 0, 2);
    const bg = fitBgNbd(patterns.map((p) => ({ ...toSummary(p, unit), count: p.count })));
    progress('fit', 1, 2);
    const gg = fitGammaGamma(spends);
    seconds.fit = since(t);
    progress('fit', 2, 2);
    if (!(gg.q > 1))
      throw new AppError('scoring.not_enough_data', `the spend model did not fit (q = ${gg.q.toFixed(3)} ≤ 1); more repeat purchases are needed`);

    t = performance.now();
    progress('predict', 0, 1);
    await writePatternPredictions(trx, patterns, bg, gg, settings);
    seconds.predict = since(t);
    progress('predict', 1, 1);

    t = performance.now();
    progress('write', 0, customers);
    await writeScores(trx, input, gg);
    const { rows } = await sql<{ quadrant: Quadrant; n: number }>`select quadrant, count(*)::int as n from clv_score group by 1`.execute(trx);
    seconds.write = since(t);
    progress('write', customers, customers);
    const quadrants = Object.fromEntries(QUADRANTS.map((q) => [q, rows.find((r) => r.quadrant === q)?.n ?? 0])) as Record<Quadrant, number>;
    seconds.total = since(started);
    const { customers: _c, patterns: _p, ...bgnbd } = bg;
    const { customers: _g, ...gammaGamma } = gg;
    return {
      calibrationEnd: input.calibrationEnd,
      timeUnit: settings.clv.timeUnit,
      timeZone: settings.timeZone,
      annualDiscountRate: settings.clv.annualDiscountRate,
      customers,
      repeatCustomers: spends.length,
      patterns: patterns.length,
      bgnbd,
      gammaGamma,
      holdout,
      quadrants,
      seconds,
    };
  });
};
