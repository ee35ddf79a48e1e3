import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { loadConfig } from '../../../platform/config.ts';
import { createLogger } from '../../../platform/logger.ts';
import { useTestApp } from '../../../test/test-app.ts';
import { RUN_TASK } from './run-model.ts';
import { queueDueRuns, scoringJobs } from './scoring.jobs.ts';
import { type SyntheticCustomer, seedSyntheticCompany } from './scoring-test-kit.ts';

const NOW = new Date('2026-06-01T04:00:00Z');

describe('scoring API', () => {
  const clock = fixedClock(NOW);
  const t = useTestApp({ clock });
  let admin: string;
  let operator: string;
  let analyst: string;
  let agent: string;
  let customers: SyntheticCustomer[];

  const deps = () => ({ db: t().db.db, clock, config: loadConfig({}), logger: createLogger('silent') });
  const get = (url: string, cookie: string) => t().app.inject({ method: 'GET', url, headers: { cookie } });
  const post = (url: string, cookie: string, payload: unknown) => t().app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });
  /** What the worker does with a queued run. */
  const work = async (runId: string) => {
    const task = scoringJobs(deps()).tasks[RUN_TASK];
    await task?.({ runId }, {} as never);
  };

  beforeAll(async () => {
    customers = await seedSyntheticCompany(t().db.db, { now: NOW, customers: 400, seed: 9 });
    [admin, operator, analyst, agent] = await Promise.all([t().loginAs('admin'), t().loginAs('operator'), t().loginAs('analyst'), t().loginAs('agent')]);
  });

  it('lets intelligence:read view and only intelligence:manage run', async () => {
    expect((await t().app.inject({ method: 'GET', url: '/api/intelligence/models' })).statusCode).toBe(401);
    expect((await get('/api/intelligence/models', agent)).statusCode).toBe(403);
    expect((await get('/api/intelligence/models', analyst)).statusCode).toBe(200);
    const refused = await post('/api/intelligence/models/runs', analyst, { kind: 'clv' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('auth.forbidden');
    expect((await get('/api/intelligence/churn-risk', agent)).statusCode).toBe(403);
    expect((await get(`/api/customers/${customers[0]?.id}/scores`, agent)).statusCode).toBe(403);
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases = [
      await post('/api/intelligence/models/runs', operator, { kind: 'everything' }),
      await get('/api/intelligence/churn-risk?minRisk=2', analyst),
      await get('/api/intelligence/churn-risk?sort=name', analyst),
      await get('/api/intelligence/value-potential/customers?quadrant=stars', analyst),
      await get('/api/intelligence/value-potential/customers', analyst),
      await get('/api/intelligence/models/runs?kind=rfm', analyst),
    ];
    const fields = ['kind', 'minRisk', 'sort', 'quadrant', 'quadrant', 'kind'];
    cases.forEach((res, i) => {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('request.invalid');
      expect(JSON.stringify(res.json().error.fields)).toContain(fields[i]);
    });
    const settings = (await get('/api/intelligence/scoring/settings', analyst)).json().settings;
    const bad = await t().app.inject({
      method: 'PUT',
      url: '/api/intelligence/scoring/settings',
      headers: { cookie: operator },
      payload: { ...settings, timeZone: 'Mars/Olympus', clv: { ...settings.clv, annualDiscountRate: 3 } },
    });
    expect(bad.statusCode).toBe(400);
    const paths = bad
      .json()
      .error.fields.map((f: { path: string }) => f.path)
      .join(' ');
    expect(paths).toContain('timeZone');
    expect(paths).toContain('annualDiscountRate');
    const missing = await get('/api/customers/cus_nope/scores', analyst);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('customers.not_found');
  });

  it('queues runs (one at a time per model), the worker runs them, and the console reads the results', async () => {
    const queued = await post('/api/intelligence/models/runs', operator, { kind: 'all' });
    expect(queued.statusCode, queued.body).toBe(202);
    const runs = queued.json().runs as { id: string; kind: string; status: string }[];
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ['clv', 'queued'],
      ['churn', 'queued'],
    ]);
    const again = await post('/api/intelligence/models/runs', admin, { kind: 'clv' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('scoring.run_in_progress');
    const { rows: jobs } = await sql<{ task_identifier: string }>`select task_identifier from graphile_worker.jobs`.execute(t().db.db);
    expect(jobs.filter((j) => j.task_identifier === RUN_TASK)).toHaveLength(2);

    for (const r of runs) await work(r.id);
    const models = (await get('/api/intelligence/models', analyst)).json();
    expect(models.clv.lastSuccess.id).toBe(runs[0]?.id);
    expect(models.clv.lastSuccess.diagnostics.bgnbd.r).toBeGreaterThan(0);
    expect(models.clv.lastSuccess.diagnostics.holdout.byFrequency.length).toBeGreaterThan(1);
    expect(models.churn.lastSuccess.diagnostics.heldOut.auc).toBeGreaterThan(0.5);
    // A run is executed once: a second delivery of the job finds nothing queued.
    await work(runs[0]?.id as string);
    expect((await get('/api/intelligence/models/runs?kind=clv', analyst)).json().total).toBe(1);

    const audit = await t().db.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'intelligence.model_run').execute();
    expect(audit).toHaveLength(1);
  });

  it('lists churn risk by risk × value, masked for analysts and audited for operators', async () => {
    const page = (await get('/api/intelligence/churn-risk?pageSize=50', analyst)).json();
    expect(page.total).toBeGreaterThan(100);
    expect(page.masked).toBe(true);
    const priorities = page.items.map((i: { priority: number }) => i.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    expect(page.items[0].factors.length).toBe(3);
    const risky = (await get('/api/intelligence/churn-risk?minRisk=0.8&sort=risk', analyst)).json();
    expect(risky.items.every((i: { risk: number }) => i.risk >= 0.8)).toBe(true);
    expect(risky.total).toBeLessThan(page.total);
    // No tiers computed in this database: the tier filter matches nobody.
    expect((await get('/api/intelligence/churn-risk?tier=strategic', analyst)).json().total).toBe(0);

    const before = await t().db.db.selectFrom('audit_log').select('seq').where('action', '=', 'customer.list_pii').execute();
    const revealed = (await get('/api/intelligence/churn-risk?pageSize=5', operator)).json();
    expect(revealed.masked).toBe(false);
    const after = await t().db.db.selectFrom('audit_log').select('seq').where('action', '=', 'customer.list_pii').execute();
    expect(after.length).toBe(before.length + 1);
  });

  it('shows value × potential quadrants and lists a quadrant by potential index', async () => {
    const summary = (await get('/api/intelligence/value-potential', analyst)).json();
    const total = summary.quadrants.reduce((s: number, q: { customers: number }) => s + q.customers, 0);
    expect(total).toBe(summary.customers);
    expect(summary.sample.length).toBeGreaterThan(0);
    const mid = summary.quadrants.find((q: { quadrant: string }) => q.quadrant === 'high_potential_mid_spend');
    expect(mid.customers).toBeGreaterThan(0);
    const list = (await get('/api/intelligence/value-potential/customers?quadrant=high_potential_mid_spend&pageSize=200', analyst)).json();
    expect(list.total).toBe(mid.customers);
    const index = list.items.map((i: { potentialIndex: number }) => i.potentialIndex);
    expect(index).toEqual([...index].sort((a, b) => b - a));
    for (const i of list.items) {
      expect(i.clvPercentile).toBeGreaterThanOrEqual(summary.thresholds.highPotentialPercentile);
      expect(i.valuePercentile).toBeGreaterThanOrEqual(summary.thresholds.lowValuePercentile);
      expect(i.valuePercentile).toBeLessThan(summary.thresholds.highValuePercentile);
      expect(i.value12mFen).toBeGreaterThan(0);
    }
  });

  it("returns a customer's scores, resolving a merged record to its root", async () => {
    const [root, loser] = customers;
    const res = (await get(`/api/customers/${root?.id}/scores`, analyst)).json();
    expect(res.rootId).toBe(root?.id);
    expect(res.clv.pAlive).toBeGreaterThan(0);
    expect(res.clv.pAlive).toBeLessThanOrEqual(1);
    expect(res.clv.clv12mFen).toBeGreaterThanOrEqual(0);
    await t()
      .db.db.updateTable('customer')
      .set({ root_id: root?.id as string, merged_into: root?.id as string })
      .where('id', '=', loser?.id as string)
      .execute();
    expect((await get(`/api/customers/${loser?.id}/scores`, analyst)).json().rootId).toBe(root?.id);
  });

  it('saves scoring settings for intelligence:manage only, audited, and refuses crossed thresholds naming the field', async () => {
    const put = (cookie: string, payload: unknown) =>
      t().app.inject({ method: 'PUT', url: '/api/intelligence/scoring/settings', headers: { cookie }, payload: payload as object });
    const { settings } = (await get('/api/intelligence/scoring/settings', analyst)).json();
    const changed = { ...settings, clv: { ...settings.clv, annualDiscountRate: 0.125 }, churn: { ...settings.churn, horizonDays: 45 } };
    expect((await put(analyst, changed)).statusCode).toBe(403);
    const crossed = await put(operator, { ...changed, valuePotential: { ...settings.valuePotential, lowValuePercentile: 0.8 } });
    expect(crossed.statusCode).toBe(400);
    expect(
      crossed
        .json()
        .error.fields.map((f: { path: string }) => f.path)
        .join(' '),
    ).toContain('valuePotential.lowValuePercentile');
    const saved = await put(operator, changed);
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await get('/api/intelligence/scoring/settings', analyst)).json().settings).toEqual(changed);
    const audit = await t().db.db.selectFrom('audit_log').select('details').where('action', '=', 'intelligence.scoring_settings_update').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ before: { churn: { horizonDays: 30 } }, after: { churn: { horizonDays: 45 } } });
    await put(operator, settings);
  });

  it('queues the daily CLV and weekly churn runs once per slot', async () => {
    const first = await queueDueRuns(deps());
    // Runs were created at NOW (04:00 UTC = 12:00 Shanghai), after today's 02:00 CLV slot and Monday's churn slot.
    expect(first).toEqual([]);
    clock.set('2026-06-02T04:00:00Z');
    expect(await queueDueRuns(deps())).toEqual(['clv']);
    expect(await queueDueRuns(deps())).toEqual([]);
    clock.set('2026-06-09T04:00:00Z');
    // The CLV run queued a week ago never ran here: it is closed as abandoned, so both are queued.
    expect(await queueDueRuns(deps())).toEqual(['clv', 'churn']);
    const abandoned = await t().db.db.selectFrom('model_run').select('error').where('status', '=', 'failed').execute();
    expect(abandoned.map((r) => r.error)).toEqual([expect.stringMatching(/abandoned/)]);
    clock.set(NOW);
  });
});
