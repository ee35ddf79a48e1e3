import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/test-app.ts';
import { DEFAULT_LOYALTY_SETTINGS } from './loyalty-settings.ts';
import { makeCustomers, makeOrder } from './test-fixtures.ts';

describe('loyalty API', () => {
  const t = useTestApp();

  it('runs a member through enrolment, points, a benefit and the ledger, with roles enforced', async () => {
    const operator = await t().loginAs('operator');
    const admin = await t().loginAs('admin');
    const analyst = await t().loginAs('analyst');
    const [c] = await makeCustomers(t().db.db, 1);
    const call = (cookie: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
      t().app.inject({ method, url, headers: { cookie }, payload: payload as Record<string, unknown> });

    expect((await call(operator, 'POST', `/api/loyalty/members/${c}/enrol`)).statusCode).toBe(201);
    const grant = { direction: 'grant', points: 800, reason: 'welcome', idempotencyKey: 'welcome-1' };
    expect((await call(analyst, 'POST', `/api/loyalty/members/${c}/points`, grant)).statusCode).toBe(403);
    const first = await call(operator, 'POST', `/api/loyalty/members/${c}/points`, grant);
    expect(first.statusCode, first.body).toBe(200);
    const again = await call(operator, 'POST', `/api/loyalty/members/${c}/points`, grant);
    expect(again.json()).toMatchObject({ replayed: true, movement: { id: first.json().movement.id } });
    const bad = await call(operator, 'POST', `/api/loyalty/members/${c}/points`, { ...grant, points: -5, idempotencyKey: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('points');

    const benefit = await call(admin, 'POST', '/api/loyalty/benefits', {
      name: '茶艺体验',
      provider: 'own',
      pointsPrice: 500,
      stockTotal: 3,
      terms: '每人一次',
    });
    expect(benefit.statusCode, benefit.body).toBe(201);
    const noPartner = await call(admin, 'POST', '/api/loyalty/benefits', { name: 'Spa', provider: 'partner', pointsPrice: 5, stockTotal: 3, terms: 'x' });
    expect(noPartner.json().error.fields[0].path).toBe('body.partnerName');
    const redeemed = await call(operator, 'POST', `/api/loyalty/benefits/${benefit.json().benefit.id}/redeem`, { customerId: c, idempotencyKey: 'r1' });
    expect(redeemed.statusCode, redeemed.body).toBe(200);
    expect(redeemed.json().redemption.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const poor = await call(operator, 'POST', `/api/loyalty/benefits/${benefit.json().benefit.id}/redeem`, { customerId: c, idempotencyKey: 'r2' });
    expect(poor.json().error.code).toBe('loyalty.insufficient_points');

    const detail = await call(analyst, 'GET', `/api/loyalty/members/${c}`);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json()).toMatchObject({ member: { tier: 'explorer' }, balances: { member: 300 }, lots: [{ points: 800, remaining: 300 }] });
    expect(detail.json().ledger.map((m: { kind: string }) => m.kind)).toEqual(['redeem', 'grant']);
    expect((await call(analyst, 'GET', '/api/loyalty/overview')).json()).toMatchObject({ members: 1, outstanding: 300, issued: 800, redeemed: 500 });
    expect((await call(admin, 'GET', '/api/loyalty/reconcile')).json()).toMatchObject({ ok: true });

    // A referral counts once, however often it is reported: growth value and points per the rules.
    const referral = { kind: 'referral', idempotencyKey: 'referred:cus_friend' };
    const r1 = await call(operator, 'POST', `/api/loyalty/members/${c}/activities`, referral);
    expect(r1.statusCode, r1.body).toBe(200);
    await call(operator, 'POST', `/api/loyalty/members/${c}/activities`, referral);
    const after = (await call(analyst, 'GET', `/api/loyalty/members/${c}`)).json();
    expect(after.balances.member).toBe(300 + DEFAULT_LOYALTY_SETTINGS.earn.referral);
    expect(after.member.growth).toBe(DEFAULT_LOYALTY_SETTINGS.growth.referral);
  });

  it('queues a large bulk grant for a second person and runs it once approved', async () => {
    const operator = await t().loginAs('operator');
    const admin = await t().loginAs('admin');
    const ids = await makeCustomers(t().db.db, 40);
    const res = await t().app.inject({
      method: 'POST',
      url: '/api/loyalty/grants',
      headers: { cookie: operator },
      payload: { title: 'Brand day', reason: 'campaign', pointsEach: 1000, customerIds: ids },
    });
    expect(res.statusCode, res.body).toBe(201);
    const grant = res.json().grant;
    expect(grant).toMatchObject({ status: 'pending_approval', totalPoints: 40_000, granted: 0 });
    const queue = await t().app.inject({ method: 'GET', url: '/api/loyalty/grants?status=pending_approval', headers: { cookie: admin } });
    expect(queue.json().items.map((g: { id: string }) => g.id)).toContain(grant.id);
    const byOperator = await t().app.inject({
      method: 'POST',
      url: `/api/loyalty/grants/${grant.id}/decision`,
      headers: { cookie: operator },
      payload: { approve: true },
    });
    expect(byOperator.statusCode).toBe(403);
    const approved = await t().app.inject({
      method: 'POST',
      url: `/api/loyalty/grants/${grant.id}/decision`,
      headers: { cookie: admin },
      payload: { approve: true },
    });
    expect(approved.json().grant).toMatchObject({ status: 'done', granted: 40 });
  });

  it('validates programme settings and names the field', async () => {
    const admin = await t().loginAs('admin');
    const bad = { ...DEFAULT_LOYALTY_SETTINGS, tiers: DEFAULT_LOYALTY_SETTINGS.tiers.map((x, i) => (i === 2 ? { ...x, threshold: 100 } : x)) };
    const res = await t().app.inject({ method: 'PUT', url: '/api/loyalty/settings', headers: { cookie: admin }, payload: bad });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('loyalty.invalid_settings');
    expect(JSON.stringify(res.json())).toContain('tiers.2.threshold');
    const ok = await t().app.inject({
      method: 'PUT',
      url: '/api/loyalty/settings',
      headers: { cookie: admin },
      payload: { ...DEFAULT_LOYALTY_SETTINGS, pointsPerYuan: 2, pendingDays: 0 },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const [c] = await makeCustomers(t().db.db, 1);
    await makeOrder(t().db.db, c as string, 10_000, new Date());
    const { syncOrderPoints, loadLoyaltySettings } = await import('./index.ts');
    await syncOrderPoints(t().db.db, { clock: { now: () => new Date() }, settings: await loadLoyaltySettings(t().db.db) });
    const detail = await t().app.inject({ method: 'GET', url: `/api/loyalty/members/${c}`, headers: { cookie: admin } });
    expect(detail.json().balances.member).toBe(200);
  });
});
