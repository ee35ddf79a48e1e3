import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/test-app.ts';
import { insertCustomer, insertOrder } from './test-fixtures.ts';

describe('tags over HTTP', () => {
  const t = useTestApp();
  let admin: string;
  let operator: string;
  let analyst: string;
  let agent: string;
  let auditor: string;
  let buyer: string;
  let browser: string;

  const call = (cookie: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t().app.inject({ method, url, headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as object }) });

  beforeAll(async () => {
    admin = await t().loginAs('admin');
    operator = await t().loginAs('operator');
    analyst = await t().loginAs('analyst');
    agent = await t().loginAs('agent');
    auditor = await t().loginAs('auditor');
    buyer = await insertCustomer(t().db.db, { name: '王小明', attributes: { city: '杭州' } });
    browser = await insertCustomer(t().db.db, { name: '李四' });
    for (let i = 0; i < 3; i++) await insertOrder(t().db.db, buyer, { at: new Date(Date.now() - (i + 1) * 86_400_000), skus: ['BT-1'] });
  });

  const repeatBuyers = {
    name: '复购客户',
    colour: 'green',
    kind: 'rule',
    rule: { match: 'all', conditions: [{ field: 'stats.order_count', op: '>=', value: 2 }] },
  };

  it('validates definitions and names the failing field', async () => {
    const res = await call(operator, 'POST', '/api/tags', {
      ...repeatBuyers,
      rule: {
        match: 'all',
        conditions: [
          { field: 'stats.order_count', op: '>=', value: 2 },
          { field: 'customer.attribute', key: 'city', op: 'in', value: 'not a list' },
        ],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'tags.invalid_definition', fields: [{ path: 'rule.conditions[1].value' }] });
    const colour = await call(operator, 'POST', '/api/tags', { ...repeatBuyers, colour: 'url(javascript:1)' });
    expect(colour.json().error.fields[0].path).toBe('body.colour');
    const behaviour = await call(operator, 'POST', '/api/tags/preview', {
      kind: 'behavioural',
      behaviour: { type: 'frequency', source: 'orders', windowDays: 0, minCount: 1 },
    });
    expect(behaviour.json().error.fields).toEqual([expect.objectContaining({ path: 'behaviour.windowDays' })]);
  });

  it('previews, creates, evaluates and lists customers by tag; each role only as permitted', async () => {
    expect((await call(analyst, 'POST', '/api/tags/preview', repeatBuyers)).json()).toEqual({ count: 1 });
    expect((await call(analyst, 'POST', '/api/tags', repeatBuyers)).statusCode).toBe(403);
    expect((await call(agent, 'POST', '/api/tags', repeatBuyers)).statusCode).toBe(403);
    const created = await call(operator, 'POST', '/api/tags', repeatBuyers);
    expect(created.statusCode).toBe(201);
    const tag = created.json().tag;
    expect(tag).toMatchObject({ kind: 'rule', customers: 0, summary: 'stats.order_count >= 2' });
    expect((await call(operator, 'POST', '/api/tags', { ...repeatBuyers, name: '复购客户' })).statusCode).toBe(409);

    expect((await call(analyst, 'POST', `/api/tags/${tag.id}/evaluate`)).statusCode).toBe(403);
    expect((await call(operator, 'POST', `/api/tags/${tag.id}/evaluate`)).json()).toMatchObject({ added: 1, removed: 0, total: 1 });

    // Analysts see the tagged customers masked; operators see them in full, and that read is audited.
    const masked = (await call(analyst, 'GET', `/api/tags/${tag.id}/customers`)).json();
    expect(masked).toMatchObject({ total: 1, masked: true });
    expect(masked.items[0].displayName).not.toBe('王小明');
    const full = (await call(operator, 'GET', `/api/tags/${tag.id}/customers`)).json();
    expect(full.items[0]).toMatchObject({ id: buyer, displayName: '王小明', orderCount: 3 });
    const reads = await t().db.db.selectFrom('audit_log').select('details').where('action', '=', 'customer.list_pii').execute();
    expect(reads.map((r) => r.details)).toContainEqual({ customerIds: [buyer], tagId: tag.id });

    const history = (await call(analyst, 'GET', `/api/tags/${tag.id}/history`)).json();
    expect(history.items).toMatchObject([{ customerId: buyer, action: 'add', actorType: 'rule', actorLabel: expect.stringContaining('(run now)') }]);
    expect((await call(agent, 'GET', `/api/tags/${tag.id}/history`)).statusCode).toBe(403);
    expect((await call(auditor, 'GET', '/api/tags')).statusCode).toBe(200);
    expect((await call(admin, 'GET', '/api/tags')).json().items.find((x: { id: string }) => x.id === tag.id).customers).toBe(1);
  });

  it('manual tags on the 360° page: agents add and remove them, analysts only read them, rule tags show why', async () => {
    const vip = (await call(admin, 'POST', '/api/tags', { name: 'VIP', colour: '#aa00ff', kind: 'manual', description: '重点关怀' })).json().tag;
    expect((await call(analyst, 'POST', `/api/customers/${browser}/tags`, { tagId: vip.id })).statusCode).toBe(403);
    const added = await call(agent, 'POST', `/api/customers/${browser}/tags`, { tagId: vip.id, reason: '投诉后关怀' });
    expect(added.json()).toEqual({ added: true });
    const rules = (await call(admin, 'GET', '/api/tags')).json().items.filter((x: { kind: string }) => x.kind === 'rule');
    expect((await call(agent, 'POST', `/api/customers/${browser}/tags`, { tagId: rules[0].id })).json().error.code).toBe('tags.not_manual');

    const view = (await call(analyst, 'GET', `/api/customers/${browser}/tags`)).json();
    expect(view.items).toMatchObject([{ tagId: vip.id, kind: 'manual', reason: '投诉后关怀', assignedBy: expect.stringContaining('agent') }]);
    expect(view.history).toMatchObject([{ action: 'add', actorType: 'user', reason: '投诉后关怀' }]);
    const buyerView = (await call(agent, 'GET', `/api/customers/${buyer}/tags`)).json();
    expect(buyerView.items).toMatchObject([
      { kind: 'rule', reason: 'stats.order_count >= 2', evidence: { values: [{ field: 'stats.order_count', value: 3 }] } },
    ]);

    expect((await call(analyst, 'DELETE', `/api/customers/${browser}/tags/${vip.id}`)).statusCode).toBe(403);
    expect((await call(agent, 'DELETE', `/api/customers/${browser}/tags/${vip.id}?reason=${encodeURIComponent('已解决')}`)).statusCode).toBe(200);
    expect((await call(agent, 'DELETE', `/api/customers/${browser}/tags/${vip.id}`)).statusCode).toBe(404);
    expect((await call(analyst, 'GET', `/api/customers/${browser}/tags`)).json().history.map((h: { action: string }) => h.action)).toEqual(['remove', 'add']);
    const audit = await t()
      .db.db.selectFrom('audit_log')
      .select('action')
      .where('action', 'in', ['customer.tag_add', 'customer.tag_remove', 'tag.create'])
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['customer.tag_add', 'customer.tag_remove', 'tag.create', 'tag.create']);
  });
});
