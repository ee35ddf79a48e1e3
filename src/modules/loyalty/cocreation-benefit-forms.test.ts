import { describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import { useTestApp } from '../../test/test-app.ts';
import { awardPoints } from './award-points.ts';
import { addGrowth, enrolMember } from './members.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

/** What the console's benefit and co-creation forms send. */
describe('benefit validity and co-creation tracking (console forms)', () => {
  const t = useTestApp();
  const ctx = testCtx(systemClock);

  it('a benefit edited to a validity window in the future cannot be redeemed until it opens', async () => {
    const admin = await t().loginAs('admin');
    const [c] = (await makeCustomers(t().db.db, 1)) as [string];
    await t().db.tx(async (trx) => {
      await enrolMember(trx, systemClock, ctx.settings, c, 'api');
      await awardPoints(trx, ctx, { customerId: c, points: 1_000, key: 'w', reason: 'x', actor: 't' });
    });
    const call = (method: 'POST' | 'PUT', url: string, payload: unknown) =>
      t().app.inject({ method, url, headers: { cookie: admin }, payload: payload as Record<string, unknown> });
    const body = { name: '新茶品鉴', provider: 'own', pointsPrice: 100, stockTotal: 10, terms: '每人一次' };
    const created = (await call('POST', '/api/loyalty/benefits', body)).json().benefit;
    const from = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const until = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const edited = await call('PUT', `/api/loyalty/benefits/${created.id}`, { ...body, validFrom: from, validUntil: until });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().benefit).toMatchObject({ validFrom: from, validUntil: until });
    const early = await call('POST', `/api/loyalty/benefits/${created.id}/redeem`, { customerId: c, idempotencyKey: 'early' });
    expect(early.json().error.code).toBe('loyalty.benefit_unavailable');
    const open = await call('PUT', `/api/loyalty/benefits/${created.id}`, { ...body, validFrom: null, validUntil: until });
    expect(open.statusCode).toBe(200);
    expect((await call('POST', `/api/loyalty/benefits/${created.id}/redeem`, { customerId: c, idempotencyKey: 'now' })).statusCode).toBe(200);
  });

  it('a co-creation programme is edited, and its invitations move invited → signed up → participated / declined, within capacity', async () => {
    const operator = await t().loginAs('operator');
    const ids = await makeCustomers(t().db.db, 3);
    await t().db.tx(async (trx) => {
      for (const [i, id] of ids.entries()) {
        await enrolMember(trx, systemClock, ctx.settings, id, 'api');
        await addGrowth(trx, systemClock, ctx.settings, { customerId: id, kind: 'spend', points: 20_000 + i, key: 'g' });
      }
    });
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
      t().app.inject({ method, url, headers: { cookie: operator }, payload: payload as Record<string, unknown> });
    const created = await call('POST', '/api/loyalty/cocreations', { title: 'Spring blend', kind: 'product_test', inviteCount: 3 });
    expect(created.json().invited).toBe(3);
    const id = created.json().id as string;
    const startsAt = '2026-12-01T02:00:00.000Z';
    const edited = await call('PUT', `/api/loyalty/cocreations/${id}`, {
      title: 'Spring blend tasting',
      kind: 'event',
      description: 'Hangzhou',
      startsAt,
      capacity: 1,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const list = (await call('GET', '/api/loyalty/cocreations')).json().items;
    expect(list.find((c: { id: string }) => c.id === id)).toMatchObject({
      title: 'Spring blend tasting',
      kind: 'event',
      description: 'Hangzhou',
      startsAt,
      capacity: 1,
    });

    const status = (customerId: string, s: string) => call('PUT', `/api/loyalty/cocreations/${id}/invitations/${customerId}`, { status: s });
    const [a, b, c] = ids as [string, string, string];
    expect((await status(a, 'signed_up')).statusCode).toBe(200);
    // Full: one place.
    const full = await status(b, 'signed_up');
    expect(full.statusCode).toBe(400);
    expect(full.json().error.fields[0].path).toBe('status');
    expect((await status(b, 'declined')).statusCode).toBe(200);
    // Declined cannot jump to participated.
    expect((await status(b, 'participated')).statusCode).toBe(400);
    expect((await status(a, 'participated')).statusCode).toBe(200);
    // A capacity equal to those already in is fine; nobody else can join.
    const tooSmall = await call('PUT', `/api/loyalty/cocreations/${id}`, { title: 'x', kind: 'event', capacity: 1 });
    expect(tooSmall.statusCode).toBe(200);
    expect((await status(c, 'participated')).statusCode).toBe(400);
    const invitations = (await call('GET', `/api/loyalty/cocreations/${id}/invitations`)).json().items;
    expect(Object.fromEntries(invitations.map((i: { customerId: string; status: string }) => [i.customerId, i.status]))).toEqual({
      [a]: 'participated',
      [b]: 'declined',
      [c]: 'invited',
    });
  });
});
