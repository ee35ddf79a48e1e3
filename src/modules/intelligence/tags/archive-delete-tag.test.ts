import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestApp } from '../../../test/test-app.ts';
import { systemActor } from '../../auth/index.ts';
import { evaluateAllTags } from './evaluate-tags.ts';
import { insertCustomer, insertOrder } from './test-fixtures.ts';

describe('tags: archive, restore and delete', () => {
  const t = useTestApp();
  let operator: string;
  let analyst: string;
  let agent: string;
  let buyer: string;
  let newcomer: string;

  const call = (cookie: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t().app.inject({ method, url, headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const create = async (body: Record<string, unknown>) => (await call(operator, 'POST', '/api/tags', { colour: 'green', ...body })).json().tag;
  const audited = async (action: string) =>
    (await t().db.db.selectFrom('audit_log').select('subject_id').where('action', '=', action).execute()).map((r) => r.subject_id);

  beforeAll(async () => {
    operator = await t().loginAs('operator');
    analyst = await t().loginAs('analyst');
    agent = await t().loginAs('agent');
    buyer = await insertCustomer(t().db.db, { name: '王小明' });
    newcomer = await insertCustomer(t().db.db, { name: '李四' });
    for (let i = 0; i < 3; i++) await insertOrder(t().db.db, buyer, { at: new Date(Date.now() - (i + 1) * 86_400_000), skus: ['BT-1'] });
  });

  it('deletes a tag nobody ever held; a tag that was ever assigned must be archived instead', async () => {
    const draft = await create({ name: '草稿', kind: 'manual' });
    expect((await call(analyst, 'DELETE', `/api/tags/${draft.id}`)).statusCode).toBe(403);
    expect((await call(agent, 'DELETE', `/api/tags/${draft.id}`)).json()).toEqual({ ok: true });
    expect((await call(agent, 'GET', `/api/tags/${draft.id}`)).statusCode).toBe(404);
    expect((await call(agent, 'DELETE', `/api/tags/${draft.id}`)).statusCode).toBe(404);
    expect(await audited('tag.delete')).toEqual([draft.id]);

    // Assigned once and taken off again: nobody holds it now, but its history must survive.
    const once = await create({ name: '临时', kind: 'manual' });
    await call(agent, 'POST', `/api/customers/${newcomer}/tags`, { tagId: once.id });
    await call(agent, 'DELETE', `/api/customers/${newcomer}/tags/${once.id}`);
    const refused = await call(agent, 'DELETE', `/api/tags/${once.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'tags.in_use', message: expect.stringContaining('archive') });
    expect((await call(agent, 'GET', `/api/tags/${once.id}/history`)).statusCode).toBe(403);
    expect((await call(operator, 'GET', `/api/tags/${once.id}/history`)).json().total).toBe(2);
  });

  it('archives a tag: no evaluation, no new assignments, holders and history kept; restore undoes it', async () => {
    const repeat = await create({ name: '复购', kind: 'rule', rule: { match: 'all', conditions: [{ field: 'stats.order_count', op: '>=', value: 2 }] } });
    const vip = await create({ name: 'VIP', kind: 'manual' });
    await call(operator, 'POST', `/api/tags/${repeat.id}/evaluate`);
    await call(agent, 'POST', `/api/customers/${buyer}/tags`, { tagId: vip.id });

    expect((await call(analyst, 'POST', `/api/tags/${repeat.id}/archive`)).statusCode).toBe(403);
    const archived = (await call(agent, 'POST', `/api/tags/${repeat.id}/archive`)).json().tag;
    expect(archived).toMatchObject({ archivedAt: expect.any(String), archivedBy: expect.stringContaining('agent'), customers: 1 });
    await call(agent, 'POST', `/api/tags/${vip.id}/archive`);

    // Not evaluated (neither by hand nor by the hourly job), though a second customer now matches.
    for (let i = 0; i < 2; i++) await insertOrder(t().db.db, newcomer, { at: new Date(Date.now() - (i + 1) * 86_400_000), skus: ['FD-1'] });
    const run = await call(operator, 'POST', `/api/tags/${repeat.id}/evaluate`);
    expect(run.statusCode).toBe(409);
    expect(run.json().error.code).toBe('tags.archived');
    expect((await evaluateAllTags(t().db.db, systemClock, systemActor('job'))).map((r) => r.tagId)).not.toContain(repeat.id);
    // Not assigned any more; the customer keeps what it held, marked archived.
    const assign = await call(agent, 'POST', `/api/customers/${newcomer}/tags`, { tagId: vip.id });
    expect(assign.statusCode).toBe(409);
    expect(assign.json().error).toMatchObject({ code: 'tags.archived', fields: [{ path: 'tagId' }] });
    const held = (await call(agent, 'GET', `/api/customers/${buyer}/tags`)).json().items;
    expect(held.map((h: { name: string; archived: boolean }) => [h.name, h.archived]).sort()).toEqual([
      ['VIP', true],
      ['复购', true],
    ]);
    expect((await call(agent, 'DELETE', `/api/tags/${repeat.id}`)).json().error.code).toBe('tags.in_use');

    const restored = (await call(agent, 'POST', `/api/tags/${repeat.id}/restore`)).json().tag;
    expect(restored).toMatchObject({ archivedAt: null, archivedBy: null });
    expect((await call(operator, 'POST', `/api/tags/${repeat.id}/evaluate`)).json()).toMatchObject({ added: 1, total: 2 });
    expect(await audited('tag.archive')).toEqual([repeat.id, vip.id]);
    expect(await audited('tag.restore')).toEqual([repeat.id]);
  });
});
