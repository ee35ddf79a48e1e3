import { beforeAll, describe, expect, it } from 'vitest';
import { dispatchOutbox, publish, type Subscriber } from '../platform/outbox.ts';
import { useTestApp } from '../test/test-app.ts';

describe('parked outbox events over HTTP', () => {
  const t = useTestApp();
  let admin: string;
  let operator: string;
  let auditor: string;
  let eventId: string;
  let fixed = false;
  const delivered: string[] = [];
  const fragile: Subscriber = {
    consumer: 'test.fragile',
    topics: ['profile.noted'],
    handle: async (_trx, e) => {
      if (!fixed) throw new Error('field note missing');
      delivered.push(e.id);
    },
  };

  const call = (cookie: string, method: 'GET' | 'POST', url: string) => t().app.inject({ method, url, headers: { cookie } });

  beforeAll(async () => {
    admin = await t().loginAs('admin');
    operator = await t().loginAs('operator');
    auditor = await t().loginAs('auditor');
    eventId = await t().db.tx((trx) => publish(trx, { topic: 'profile.noted', customerId: 'cus_x', payload: { phone: '+8613912345678' } }));
    // Fails twice across two runs, then parked.
    for (let i = 0; i < 2; i++) await dispatchOutbox(t().db.db, [fragile], { maxAttempts: 2 }).catch(() => undefined);
  });

  it('lists parked events for admins, with the error but never the payload', async () => {
    const res = await call(admin, 'GET', '/api/outbox/parked');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 1, page: 1 });
    expect(body.items).toEqual([
      expect.objectContaining({ eventId, consumer: 'test.fragile', topic: 'profile.noted', attempts: 2, lastError: 'field note missing' }),
    ]);
    expect(Number.isNaN(Date.parse(body.items[0].parkedAt))).toBe(false);
    expect(res.body).not.toContain('13912345678');
  });

  it('refuses people who are not admins', async () => {
    for (const cookie of [operator, auditor]) {
      expect((await call(cookie, 'GET', '/api/outbox/parked')).statusCode).toBe(403);
      expect((await call(cookie, 'POST', `/api/outbox/parked/${eventId}/test.fragile/retry`)).statusCode).toBe(403);
    }
    expect((await t().app.inject({ method: 'GET', url: '/api/outbox/parked' })).statusCode).toBe(401);
    expect((await call(admin, 'GET', '/api/outbox/parked')).json().total).toBe(1); // still parked
  });

  it('retries an event (audited): the next dispatch delivers it once the consumer is fixed', async () => {
    expect((await call(admin, 'POST', '/api/outbox/parked/not-an-id/test.fragile/retry')).statusCode).toBe(400);
    expect((await call(admin, 'POST', `/api/outbox/parked/${eventId}/test.other/retry`)).statusCode).toBe(404);

    const res = await call(admin, 'POST', `/api/outbox/parked/${eventId}/test.fragile/retry`);
    expect(res.statusCode).toBe(200);
    expect(res.json().retried).toMatchObject({ eventId, consumer: 'test.fragile', attempts: 2 });
    expect((await call(admin, 'GET', '/api/outbox/parked')).json().total).toBe(0);
    expect((await call(admin, 'POST', `/api/outbox/parked/${eventId}/test.fragile/retry`)).statusCode).toBe(404);

    const audit = await t().db.db.selectFrom('audit_log').select(['action', 'subject_id', 'details']).where('action', '=', 'outbox.retry').execute();
    expect(audit).toEqual([{ action: 'outbox.retry', subject_id: eventId, details: { consumer: 'test.fragile', topic: 'profile.noted', attempts: 2 } }]);

    fixed = true;
    expect(await dispatchOutbox(t().db.db, [fragile])).toBe(1);
    expect(delivered).toEqual([eventId]);
  });
});
