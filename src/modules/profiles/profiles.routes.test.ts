import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { useTestApp } from '../../test/test-app.ts';
import { DEFAULT_IDENTITY_RULES, identityJobs, normalizeIdentifier, resolveIdentities } from '../identity/index.ts';

describe('360° view and identity routes', () => {
  const t = useTestApp();
  let admin: string;
  let a: string;
  let b: string;

  const resolve = (pairs: [string, string][], traits: Record<string, string>, source: string, at: Date) =>
    t().db.tx(async (trx) => {
      const identifiers = pairs.map(([type, value]) => {
        const n = normalizeIdentifier(type as never, value, 'CN');
        if (!n.ok) throw new Error(n.reason);
        return n.identifier;
      });
      return (await resolveIdentities(trx, systemClock, DEFAULT_IDENTITY_RULES, [{ source, identifiers, traits, observedAt: at }])).resolutions[0]
        ?.customerId as string;
    });

  beforeAll(async () => {
    admin = await t().loginAs('admin');
    a = await resolve(
      [
        ['member_no', 'P1'],
        ['phone', '13511112222'],
      ],
      { display_name: '陈静', 'attr:city': '"成都"' },
      'crm',
      new Date('2026-01-01T00:00:00Z'),
    );
    b = await resolve(
      [
        ['anonymous_id', 'web-77'],
        ['email', 'cj@example.com'],
      ],
      { 'attr:city': '"重庆"' },
      'web',
      new Date('2026-02-01T00:00:00Z'),
    );
    const at = new Date('2026-02-02T10:00:00Z');
    await t()
      .db.db.insertInto('customer_event')
      .values({
        customer_id: b,
        id: newId('evt', at),
        source_id: 'web',
        message_id: 'm1',
        type: 'track',
        name: 'Product Viewed',
        user_id: null,
        anonymous_id: 'web-77',
        properties: '{"sku":"TEA-1"}',
        traits: '{"email":"cj@example.com"}',
        context: '{}',
        occurred_at: at,
        received_at: at,
      })
      .execute();
    await t()
      .db.db.insertInto('customer_order')
      .values({
        customer_id: a,
        id: newId('ord', at),
        source: 'pos',
        external_id: 'P-1',
        status: 'paid',
        total_fen: 8800,
        placed_at: new Date('2026-01-15T00:00:00Z'),
        created_at: at,
        updated_at: at,
      })
      .execute();
    await t()
      .db.db.insertInto('service_ticket')
      .values({
        customer_id: a,
        id: newId('tkt', at),
        source: 'desk',
        external_id: 'T-1',
        subject: '退货咨询',
        status: 'open',
        channel: 'phone',
        opened_at: new Date('2026-01-20T00:00:00Z'),
        closed_at: null,
        created_at: at,
      })
      .execute();
  });

  const get = (url: string, cookie = admin) => t().app.inject({ method: 'GET', url, headers: { cookie } });

  it('merges by hand, shows the merged timeline and provenance, and unmerges exactly', async () => {
    const merged = await t().app.inject({
      method: 'POST',
      url: '/api/identity/merges',
      headers: { cookie: admin },
      payload: { winnerId: a, loserId: b, reason: 'same phone call' },
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const mergeId = merged.json().merge.id;

    const profile = (await get(`/api/customers/${b}/profile`)).json();
    expect(profile.rootId).toBe(a);
    expect(profile.records.map((r: { id: string }) => r.id).sort()).toEqual([a, b].sort());
    const golden = Object.fromEntries(profile.golden.map((g: { field: string; value: string; source: string }) => [g.field, g]));
    expect(golden.display_name).toMatchObject({ value: '陈静', source: 'crm' });
    expect(golden['attr:city']).toMatchObject({ value: '"重庆"', source: 'web', rule: 'most_recent', candidates: 2 });
    expect(profile.merges[0]).toMatchObject({ id: mergeId, winnerId: a, loserId: b, rule: 'manual' });
    expect(profile.sources.map((s: { source: string; kind: string }) => `${s.source}:${s.kind}`).sort()).toEqual(['desk:ticket', 'pos:order', 'web:event']);

    const page1 = (await get(`/api/customers/${a}/timeline?limit=2`)).json();
    expect(page1.items.map((i: { kind: string }) => i.kind)).toEqual(['event', 'ticket']);
    const page2 = (await get(`/api/customers/${a}/timeline?limit=2&beforeAt=${page1.next.beforeAt}&beforeId=${page1.next.beforeId}`)).json();
    expect(page2.items.map((i: { kind: string }) => i.kind)).toEqual(['order']);
    expect(page2.next).toBeNull();
    const onlyOrders = (await get(`/api/customers/${a}/timeline?kinds=order`)).json();
    expect(onlyOrders.items).toHaveLength(1);
    expect(onlyOrders.items[0]).toMatchObject({ title: 'P-1', amountFen: 8800, source: 'pos' });
    const bad = await get(`/api/customers/${a}/timeline?kinds=order,tweet`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('querystring.kinds');

    const list = (await get('/api/customers?pageSize=50')).json();
    expect(list.items.map((i: { id: string }) => i.id)).not.toContain(b);

    const undo = await t().app.inject({ method: 'POST', url: `/api/identity/merges/${mergeId}/undo`, headers: { cookie: admin } });
    expect(undo.statusCode).toBe(200);
    expect((await get(`/api/customers/${b}/profile`)).json().rootId).toBe(b);
    const aTimeline = (await get(`/api/customers/${a}/timeline`)).json();
    expect(aTimeline.items.map((i: { kind: string }) => i.kind)).toEqual(['ticket', 'order']);
    const again = await t().app.inject({ method: 'POST', url: `/api/identity/merges/${mergeId}/undo`, headers: { cookie: admin } });
    expect(again.statusCode).toBe(409);
  });

  it("shows where the golden values of a record nothing was observed for come from: the record's own columns", async () => {
    // As the demo and older imports write customers: columns only, no observations.
    const at = new Date('2026-03-01T08:00:00Z');
    const id = newId('cus', at);
    await t()
      .db.db.insertInto('customer')
      .values({
        id,
        display_name: '王芳',
        phone: '+8613700001111',
        email: null,
        member_no: 'M-9',
        attributes: '{"city":"杭州"}',
        source: 'legacy-pos',
        created_at: at,
        updated_at: at,
      })
      .execute();
    const profile = (await get(`/api/customers/${id}/profile`)).json();
    const golden = Object.fromEntries(profile.golden.map((g: { field: string }) => [g.field, g]));
    expect(Object.keys(golden).sort()).toEqual(['attr:city', 'display_name', 'member_no', 'phone']);
    expect(golden.display_name).toMatchObject({ value: '王芳', source: 'legacy-pos', candidates: 1, lastSeenAt: at.toISOString() });
    expect(golden.phone).toMatchObject({ value: '+8613700001111', source: 'legacy-pos' });
    expect(golden['attr:city']).toMatchObject({ value: '"杭州"', source: 'legacy-pos' });
  });

  it('masks golden values and event traits for analysts and refuses them merges', async () => {
    const analyst = await t().loginAs('analyst');
    const profile = (await get(`/api/customers/${a}/profile`, analyst)).json();
    expect(profile.masked).toBe(true);
    const phone = profile.golden.find((g: { field: string }) => g.field === 'phone');
    expect(phone.value).toBe('135****2222');
    const timeline = (await get(`/api/customers/${b}/timeline`, analyst)).json();
    expect(JSON.stringify(timeline)).not.toContain('cj@example.com');
    const merge = await t().app.inject({ method: 'POST', url: '/api/identity/merges', headers: { cookie: analyst }, payload: { winnerId: a, loserId: b } });
    expect(merge.statusCode).toBe(403);
  });

  it('reports identity metrics and lets an admin change the rules', async () => {
    // No measurement yet: the first reader measures.
    const metrics = (await get('/api/identity/metrics')).json();
    expect(metrics.linkRate.orders).toEqual({ linked: 1, total: 1 });
    expect(metrics.merges).toMatchObject({ total: 1, undone: 1 });
    expect(metrics).toMatchObject({ measuredAt: expect.any(String), pending: false });
    // Later readers get that measurement (measuring re-resolves everyone: never on a page load) until a
    // new one is taken — by the job, enqueued by whatever changes the figures.
    const c = await resolve([['phone', '13511113333']], {}, 'pos', new Date('2026-03-02T00:00:00Z'));
    await t()
      .db.db.insertInto('customer_order')
      .values({
        customer_id: c,
        id: newId('ord'),
        source: 'pos',
        external_id: 'P-2',
        status: 'paid',
        total_fen: 100,
        placed_at: new Date(),
        created_at: new Date(),
        updated_at: new Date(),
      })
      .execute();
    const again = (await get('/api/identity/metrics')).json();
    expect(again).toMatchObject({ measuredAt: metrics.measuredAt, linkRate: { orders: { linked: 1, total: 1 } } });
    const analyst = await t().loginAs('analyst');
    const refused = await t().app.inject({ method: 'POST', url: '/api/identity/metrics/measure', headers: { cookie: analyst } });
    expect(refused.statusCode).toBe(403);
    const measure = await t().app.inject({ method: 'POST', url: '/api/identity/metrics/measure', headers: { cookie: admin } });
    expect(measure.statusCode).toBe(202);
    expect((await get('/api/identity/metrics')).json().pending).toBe(true);
    await identityJobs(t().app.deps).tasks['identity:measure']?.({}, {} as never);
    const measured = (await get('/api/identity/metrics')).json();
    expect(measured.linkRate.orders).toEqual({ linked: 2, total: 2 });
    expect(new Date(measured.measuredAt).getTime()).toBeGreaterThan(new Date(metrics.measuredAt).getTime());
    const history = (await get('/api/identity/metrics/history')).json();
    expect(history.items.map((h: { measuredAt: string }) => h.measuredAt)).toEqual([metrics.measuredAt, measured.measuredAt]);
    expect(history.items[1]).toMatchObject({ linkRate: measured.linkRate.rate, duplicateRate: measured.duplicateRate.rate, customers: measured.customers });
    expect((await get('/api/identity/metrics/history?limit=1')).statusCode).toBe(400);

    const rules = (await get('/api/identity/rules')).json().rules;
    const changed = { ...rules, quarantineAfterCustomers: 7 };
    const put = await t().app.inject({ method: 'PUT', url: '/api/identity/rules', headers: { cookie: admin }, payload: changed });
    expect(put.statusCode).toBe(200);
    expect((await get('/api/identity/rules')).json().rules.quarantineAfterCustomers).toBe(7);
    const bad = await t().app.inject({ method: 'PUT', url: '/api/identity/rules', headers: { cookie: admin }, payload: { ...changed, phoneRegion: 'china' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('body.phoneRegion');
  });
});
