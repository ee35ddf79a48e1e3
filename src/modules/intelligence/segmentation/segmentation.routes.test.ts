import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { useTestApp } from '../../../test/test-app.ts';
import { retier } from './retier.ts';
import { insertCustomers, insertOrders } from './test-fixtures.ts';

const NOW = new Date('2026-06-01T00:00:00Z');

describe('segmentation routes', () => {
  const t = useTestApp({ clock: fixedClock(NOW) });
  let admin: string;
  let analyst: string;
  let agent: string;
  let customerId: string;

  beforeAll(async () => {
    [admin, analyst, agent] = [await t().loginAs('admin'), await t().loginAs('analyst'), await t().loginAs('agent')];
    const [id] = await insertCustomers(t().db.db, [{ name: 'Li', createdAt: new Date('2025-01-01T00:00:00Z') }]);
    customerId = id as string;
    await insertOrders(t().db.db, [{ customerId, placedAt: new Date('2026-05-01T00:00:00Z'), totalFen: 1_234_000 }]);
  });

  const call = (method: 'GET' | 'PUT' | 'POST', url: string, cookie: string, payload?: unknown) =>
    t().app.inject({ method, url, headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const auditActions = async () =>
    (
      await sql<{
        action: string;
        details: Record<string, unknown>;
      }>`select action, details from audit_log where action like 'segmentation.%' order by seq`.execute(t().db.db)
    ).rows;

  it('lets intelligence:read view and only intelligence:manage change', async () => {
    expect((await call('GET', '/api/segmentation/schemes', analyst)).statusCode).toBe(200);
    expect((await call('GET', '/api/segmentation/dashboard', analyst)).statusCode).toBe(200);
    expect((await call('GET', '/api/segmentation/dashboard', agent)).statusCode).toBe(403);
    expect((await call('PUT', '/api/segmentation/schemes/annual_review', analyst, { upperFen: 2_000_000 })).statusCode).toBe(403);
    expect((await call('POST', '/api/segmentation/runs', analyst)).statusCode).toBe(403);
    expect((await call('PUT', '/api/segmentation/settings', analyst, {})).statusCode).toBe(403);
  });

  it('lists the two presets, annual review active, with thresholds in fen per year', async () => {
    const { items } = (await call('GET', '/api/segmentation/schemes', admin)).json();
    expect(items.map((s: { id: string; active: boolean }) => [s.id, s.active])).toEqual([
      ['annual_review', true],
      ['loyalty_study', false],
    ]);
    expect(items[0]).toMatchObject({ config: { upperFen: 1_000_000, lowerFen: 100_000, inactiveDays: 180 }, tiers: ['strategic', 'potential', 'dormant'] });
    expect(items[1]).toMatchObject({ config: { upperFen: 500_000, lowerFen: 200_000 }, tiers: ['high_value', 'potential', 'regular', 'churn_risk'] });
  });

  it('refuses bad thresholds with errors naming the field, and audits a good edit', async () => {
    const base = { upperFen: 1_500_000, lowerFen: 100_000, inactiveDays: 180, spendWindowDays: 365 };
    const inverted = await call('PUT', '/api/segmentation/schemes/annual_review', admin, { ...base, lowerFen: 2_000_000 });
    expect(inverted.statusCode).toBe(400);
    expect(inverted.json().error).toMatchObject({
      code: 'segmentation.invalid_scheme',
      fields: [{ path: 'body.lowerFen', message: 'must be less than upperFen' }],
    });
    const fractional = await call('PUT', '/api/segmentation/schemes/annual_review', admin, { ...base, inactiveDays: 0.5 });
    expect(fractional.json().error.fields.map((f: { path: string }) => f.path)).toEqual(['body.inactiveDays']);
    const missing = await call('PUT', '/api/segmentation/schemes/annual_review', admin, { upperFen: 1 });
    expect(missing.statusCode).toBe(400);
    expect(
      missing
        .json()
        .error.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['body.inactiveDays', 'body.lowerFen', 'body.spendWindowDays']);
    expect((await call('PUT', '/api/segmentation/schemes/nope', admin, base)).json().error.code).toBe('segmentation.scheme_not_found');

    const ok = await call('PUT', '/api/segmentation/schemes/annual_review', admin, base);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().scheme.config).toEqual(base);
    expect(await auditActions()).toEqual([
      {
        action: 'segmentation.scheme_update',
        details: { before: { upperFen: 1_000_000, lowerFen: 100_000, inactiveDays: 180, spendWindowDays: 365 }, after: base },
      },
    ]);
  });

  it('validates settings (cron, lifecycle order) and keeps one active scheme', async () => {
    const { settings } = (await call('GET', '/api/segmentation/settings', analyst)).json();
    expect(settings.schedule.cron).toBe('0 2 1 1,4,7,10 *');
    const bad = await call('PUT', '/api/segmentation/settings', admin, {
      ...settings,
      schedule: { enabled: true, cron: 'every quarter' },
      lifecycle: { ...settings.lifecycle, churnDays: 30 },
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.fields.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(['body.lifecycle.churnDays', 'body.schedule.cron']);
    const good = await call('PUT', '/api/segmentation/settings', admin, { ...settings, rfm: { windowDays: null, buckets: 4 } });
    expect(good.json().settings.rfm).toEqual({ windowDays: null, buckets: 4 });

    expect((await call('POST', '/api/segmentation/schemes/loyalty_study/activate', admin)).statusCode).toBe(200);
    const { items } = (await call('GET', '/api/segmentation/schemes', admin)).json();
    expect(items.filter((s: { active: boolean }) => s.active).map((s: { id: string }) => s.id)).toEqual(['loyalty_study']);
    expect((await auditActions()).map((a) => a.action)).toEqual(['segmentation.scheme_update', 'segmentation.settings_update', 'segmentation.scheme_activate']);
  });

  it('queues a run on demand, and shows the run on the dashboard and the customer page', async () => {
    const queued = await call('POST', '/api/segmentation/runs', admin);
    expect(queued.statusCode).toBe(202);
    expect((await call('GET', '/api/segmentation/runs', analyst)).json()).toMatchObject({ items: [], pending: true });

    // What the queued job does (the worker does not run in this test).
    await retier(t().db.db, fixedClock(NOW), { trigger: 'manual', triggeredBy: 'test' });
    const dashboard = (await call('GET', '/api/segmentation/dashboard', analyst)).json();
    expect(dashboard.latest).toMatchObject({ schemeId: 'loyalty_study', customers: 1, scored: 1, tierChanges: 1, settings: { rfm: { buckets: 4 } } });
    expect(dashboard.latest.summary.tiers).toEqual([{ tier: 'high_value', customers: 1 }]);
    expect(dashboard.previous).toBeNull();

    const segment = (await call('GET', `/api/segmentation/customers/${customerId}`, analyst)).json();
    expect(segment).toMatchObject({
      customerId,
      tier: { schemeId: 'loyalty_study', tier: 'high_value', reason: 'spend last 12 months ¥12,340 ≥ ¥5,000' },
      stage: { stage: 'new' },
      rfm: { frequency: 1, monetaryFen: 1_234_000, recencyDays: 31, buckets: 4 },
    });
    expect(segment.tierHistory).toHaveLength(1);
    expect((await call('GET', '/api/segmentation/customers/cus_unknown', analyst)).statusCode).toBe(404);
  });
});
