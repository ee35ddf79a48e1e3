import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { createLogger } from '../../../platform/logger.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { conditionalExpectedPurchases, customerLifetimeValue, probabilityAlive } from '../models/index.ts';
import { readCdnowSample, readReferenceCsv } from '../models/test-support.ts';
import { runModelNow } from './run-model.ts';
import type { ClvDiagnostics } from './score-clv.ts';
import { DEFAULT_SCORING_SETTINGS, type ScoringSettings } from './scoring-settings.ts';
import { loadCdnow } from './scoring-test-kit.ts';

// CDNOW in weeks, calendar days in UTC: the published BG/NBD and Gamma-Gamma results, reached through the
// production path (orders in the database → SQL summary → fit → scores written set-based).
const CDNOW_SETTINGS: ScoringSettings = {
  ...DEFAULT_SCORING_SETTINGS,
  timeZone: 'UTC',
  clv: { ...DEFAULT_SCORING_SETTINGS.clv, timeUnit: 'week', holdoutDays: 273 },
};

describe('CLV scoring on CDNOW loaded into the database', () => {
  const t = useTestDb();
  let ids: Map<string, string>;
  let diagnostics: ClvDiagnostics;
  const deps = () => ({ db: t().db, clock: systemClock, logger: createLogger('silent') });

  beforeAll(async () => {
    ids = await loadCdnow(t().db);
    const run = await runModelNow(deps(), { kind: 'clv', trigger: 'test', requestedBy: null }, { settings: CDNOW_SETTINGS, calibrationEnd: '1997-09-30' });
    expect(run.status).toBe('succeeded');
    diagnostics = run.diagnostics as ClvDiagnostics;
  });

  it('builds the published customer summary in SQL (2,357 customers, frequency, recency and T in weeks)', async () => {
    const reference = readReferenceCsv('cdnow/cdnow_customers_summary.csv');
    const rows = await t().db.selectFrom('clv_score').select(['customer_id', 'frequency', 'recency_days', 'age_days']).execute();
    const byId = new Map(rows.map((r) => [r.customer_id, r]));
    expect(rows).toHaveLength(2357);
    let equal = 0;
    for (const ref of reference) {
      const row = byId.get(ids.get(String(Number(ref.ID))) as string);
      if (
        row &&
        row.frequency === Number(ref.frequency) &&
        (row.recency_days / 7).toFixed(2) === Number(ref.recency).toFixed(2) &&
        (row.age_days / 7).toFixed(2) === Number(ref.T).toFixed(2)
      ) {
        equal++;
      }
    }
    expect(equal).toBe(2357);
  });

  it('fits the published BG/NBD parameters and log-likelihood', () => {
    const { r, alpha, a, b, logLikelihood } = diagnostics.bgnbd;
    expect(r).toBeCloseTo(0.243, 3);
    expect(alpha).toBeCloseTo(4.414, 2);
    expect(a).toBeCloseTo(0.793, 3);
    expect(b).toBeCloseTo(2.426, 2);
    expect(logLikelihood).toBeCloseTo(-9582.4, 1);
    expect(diagnostics.customers).toBe(2357);
    expect(diagnostics.repeatCustomers).toBe(946);
  });

  it('fits the published Gamma-Gamma parameters (spends in fen) and stores the published expected spends', async () => {
    const { p, q, v } = diagnostics.gammaGamma;
    expect(p).toBeCloseTo(6.25, 2);
    expect(q).toBeCloseTo(3.74, 2);
    expect(v / 100).toBeCloseTo(15.44, 2);
    const published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    for (const [k, spend] of published.entries()) {
      const row = await t()
        .db.selectFrom('clv_score')
        .select('expected_spend_fen')
        .where('customer_id', '=', ids.get(String(k + 1)) as string)
        .executeTakeFirstOrThrow();
      expect(Math.abs(row.expected_spend_fen / 100 - spend)).toBeLessThanOrEqual(0.011);
    }
  });

  it('stores, for every customer, the P(alive), expectations and CLV of the TypeScript models', async () => {
    const rows = await t().db.selectFrom('clv_score').selectAll().execute();
    const bg = diagnostics.bgnbd;
    const gg = diagnostics.gammaGamma;
    let worstAlive = 0;
    let worstE90 = 0;
    let worstClv = 0;
    for (const row of rows) {
      const c = { frequency: row.frequency, recency: row.recency_days / 7, T: row.age_days / 7, monetaryValue: row.mean_repeat_spend_fen };
      worstAlive = Math.max(worstAlive, Math.abs(row.p_alive - probabilityAlive(bg, c)));
      worstE90 = Math.max(worstE90, Math.abs(row.expected_purchases_90d - conditionalExpectedPurchases(bg, c, 90 / 7)));
      const clv = customerLifetimeValue({ bgnbd: bg, gammaGamma: gg }, c, { timeUnitsPerMonth: 365.25 / 12 / 7, months: 12, annualDiscountRate: 0.1 });
      worstClv = Math.max(worstClv, Math.abs(row.clv_12m_fen - clv));
    }
    expect(worstAlive).toBeLessThan(1e-9);
    expect(worstE90).toBeLessThan(1e-9);
    // Stored in whole fen.
    expect(worstClv).toBeLessThanOrEqual(0.5 + 1e-6);
    // Published conditional expectation for x = 2, t_x = 30.43, T = 38.86 over 39 weeks.
    expect(conditionalExpectedPurchases(bg, { frequency: 2, recency: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 2);
  });

  it('places every customer in a value × potential quadrant with a potential index from 0 to 100', async () => {
    const counts = Object.values(diagnostics.quadrants).reduce((s, n) => s + n, 0);
    expect(counts).toBe(2357);
    expect(diagnostics.quadrants.high_potential_mid_spend).toBeGreaterThan(0);
    const range = await t()
      .db.selectFrom('clv_score')
      .select((eb) => [eb.fn.min('potential_index').as('lo'), eb.fn.max('potential_index').as('hi')])
      .executeTakeFirstOrThrow();
    expect(range.lo).toBeGreaterThanOrEqual(0);
    expect(range.hi).toBeLessThanOrEqual(100);
  });

  it('checks the model on a holdout: fitted at 1997-09-30 it reproduces the published fit and predicts the next 39 weeks', async () => {
    const run = await runModelNow(deps(), { kind: 'clv', trigger: 'test', requestedBy: null }, { settings: CDNOW_SETTINGS, calibrationEnd: '1998-06-30' });
    const holdout = (run.diagnostics as ClvDiagnostics).holdout;
    expect(holdout).not.toBeNull();
    if (!holdout) return;
    expect(holdout.calibrationEnd).toBe('1997-09-30');
    expect(holdout.customers).toBe(2357);
    expect(holdout.bgnbd.r).toBeCloseTo(0.243, 3);
    expect(holdout.bgnbd.alpha).toBeCloseTo(4.414, 2);
    // 1,411 of the 2,357 made no repeat purchase in calibration (Fader, Hardie & Lee 2005).
    expect(holdout.byFrequency[0]).toMatchObject({ frequency: '0', customers: 1411 });
    // Actual holdout purchases (distinct days) and the model's prediction, recomputed from the raw file
    // and the published summary with the TypeScript model, bucket by bucket.
    const summary = readReferenceCsv('cdnow/cdnow_customers_summary.csv');
    const days = new Map<string, Set<number>>();
    for (const tx of readCdnowSample()) {
      if (tx.at.getTime() <= Date.UTC(1997, 8, 30)) continue;
      const set = days.get(tx.customerId) ?? new Set<number>();
      set.add(tx.at.getTime());
      days.set(tx.customerId, set);
    }
    const buckets = new Map<string, { n: number; actual: number; predicted: number }>();
    for (const row of summary) {
      const x = Number(row.frequency);
      const key = x >= 10 ? '10+' : String(x);
      const b = buckets.get(key) ?? { n: 0, actual: 0, predicted: 0 };
      b.n++;
      b.actual += days.get(String(Number(row.ID)))?.size ?? 0;
      b.predicted += conditionalExpectedPurchases(holdout.bgnbd, { frequency: x, recency: Number(row.recency), T: Number(row.T) }, 39);
      buckets.set(key, b);
    }
    for (const stored of holdout.byFrequency) {
      const b = buckets.get(stored.frequency);
      expect(stored.customers).toBe(b?.n);
      expect(stored.actual).toBeCloseTo((b?.actual ?? 0) / (b?.n ?? 1), 9);
      expect(stored.predicted).toBeCloseTo((b?.predicted ?? 0) / (b?.n ?? 1), 2);
    }
    // BG/NBD under-predicts this holdout by about 12 % in aggregate (1,653 vs 1,882 purchase days), as
    // FHL's own conditional-expectation figure shows for x = 1–2; the chart makes that visible.
    expect(Math.abs(holdout.predicted - holdout.actual) / holdout.actual).toBeLessThan(0.15);
  });
});
