import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/test-app.ts';
import { makeWriteKey, post, settle } from './track-test-kit.ts';

describe('sources and event debugger API', () => {
  const t = useTestApp();
  let admin: string;
  let analyst: string;

  beforeAll(async () => {
    admin = await t().loginAs('admin');
    analyst = await t().loginAs('analyst');
    const key = await makeWriteKey(t(), 'shop');
    const batch = Array.from({ length: 5 }, (_, i) => ({
      type: 'identify',
      userId: `dbg-${i}`,
      messageId: `dbg-${i}`,
      timestamp: `2026-06-01T00:00:0${i}Z`,
      traits: { email: `dbg${i}@example.com`, phone: '13800138000', plan: 'gold' },
      context: { traits: { mobile: '13900139000' } },
    }));
    expect((await post(t(), '/v1/batch', { batch }, { authorization: key.basic })).statusCode).toBe(200);
    expect((await post(t(), '/v1/batch', { batch: [{ type: 'track' }] }, { authorization: key.basic })).statusCode).toBe(400);
  });

  const get = async (url: string, cookie = admin) => {
    const res = await t().app.inject({ method: 'GET', url, headers: { cookie } });
    return { status: res.statusCode, body: res.json() };
  };

  it('lists sources with events and rejections of the last 24 h', async () => {
    const { status, body } = await get('/api/sources', analyst);
    expect(status).toBe(200);
    const shop = body.items.find((s: { id: string }) => s.id === 'shop');
    expect(shop).toMatchObject({ kind: 'http', events24h: 5, rejections24h: 2 });
    expect(shop.lastEventAt).not.toBeNull();
    expect(body.items.map((s: { id: string }) => s.id)).toContain('console');
    expect((await get('/api/sources/shop')).body.source.events24h).toBe(5);
    expect((await get('/api/sources/nope')).status).toBe(404);
  });

  it('masks email and phone values for readers without customers:read_pii, without an audit row', async () => {
    const { status, body } = await get('/api/sources/shop/events?limit=50', analyst);
    expect(status).toBe(200);
    expect(body.masked).toBe(true);
    expect(body.items).toHaveLength(5);
    const first = body.items[0];
    expect(first).toMatchObject({ type: 'identify', userId: 'dbg-4', traits: { email: 'd***@example.com', phone: '138****8000', plan: 'gold' } });
    expect(first.context.traits.mobile).toBe('139****9000');
    expect(JSON.stringify(body)).not.toContain('dbg4@example.com');
    const audits = await t().db.db.selectFrom('audit_log').select('action').where('action', '=', 'ingest.read_events').execute();
    expect(audits).toHaveLength(0);
  });

  it('shows them to readers with customers:read_pii and audits the read; pages with nextBefore', async () => {
    const page1 = await get('/api/sources/shop/events?limit=3');
    expect(page1.body.masked).toBe(false);
    expect(page1.body.items.map((e: { userId: string }) => e.userId)).toEqual(['dbg-4', 'dbg-3', 'dbg-2']);
    expect(page1.body.items[0].traits.email).toBe('dbg4@example.com');
    const page2 = await get(`/api/sources/shop/events?limit=3&before=${encodeURIComponent(page1.body.nextBefore)}`);
    expect(page2.body.items.map((e: { userId: string }) => e.userId)).toEqual(['dbg-1', 'dbg-0']);
    expect(page2.body.nextBefore).toBeNull();
    const audits = await t().db.db.selectFrom('audit_log').select(['action', 'subject_id']).where('action', '=', 'ingest.read_events').execute();
    expect(audits).toEqual([
      { action: 'ingest.read_events', subject_id: 'shop' },
      { action: 'ingest.read_events', subject_id: 'shop' },
    ]);
  });

  it('shows events waiting for identity resolution as pending, then with their customer', async () => {
    const before = await get('/api/sources/shop/events?limit=50', analyst);
    expect(before.body.items.map((e: { pending: boolean; customerId: string | null }) => [e.pending, e.customerId])).toEqual(
      Array.from({ length: 5 }, () => [true, null]),
    );
    expect(await settle(t())).toBe(5);
    const after = await get('/api/sources/shop/events?limit=50', analyst);
    expect(after.body.items).toHaveLength(5);
    expect(after.body.items.every((e: { pending: boolean; customerId: string | null }) => !e.pending && e.customerId?.startsWith('cus_'))).toBe(true);
    expect(after.body.items.map((e: { id: string }) => e.id)).toEqual(before.body.items.map((e: { id: string }) => e.id));
    expect((await get('/api/sources/shop', analyst)).body.source.events24h).toBe(5);
  });

  it('lists rejections with the field and reason; refuses roles without ingest:read', async () => {
    const { body } = await get('/api/sources/shop/rejections', analyst);
    expect(body.items.map((r: { field: string }) => r.field).sort()).toEqual(['body.batch[0].event', 'body.batch[0].userId'].sort());
    expect(body.items[0].reason).toBeTruthy();
    const agent = await t().loginAs('agent');
    expect((await get('/api/sources', agent)).status).toBe(403);
  });

  it('creates the source of a new write key: the slug of its name, or the one asked for', async () => {
    const create = (payload: Record<string, unknown>) => t().app.inject({ method: 'POST', url: '/api/api-keys', headers: { cookie: admin }, payload });
    const byName = await create({ name: 'Mini Program (prod)' });
    expect(byName.statusCode, byName.body).toBe(201);
    expect(byName.json().apiKey.sourceId).toBe('mini-program-prod');
    const chosen = await create({ name: '门店 POS', source: 'pos' });
    expect(chosen.json().apiKey.sourceId).toBe('pos');
    const chinese = await create({ name: '小程序' });
    expect(chinese.json().apiKey.sourceId).toMatch(/^key-[0-9a-f]{8}$/);
    const sources = await t()
      .db.db.selectFrom('ingest_source')
      .select(['id', 'name', 'kind'])
      .where('id', 'in', ['mini-program-prod', 'pos'])
      .orderBy('id')
      .execute();
    expect(sources).toEqual([
      { id: 'mini-program-prod', name: 'Mini Program (prod)', kind: 'http' },
      { id: 'pos', name: 'pos', kind: 'http' },
    ]);
    expect((await create({ name: 'x', source: 'console' })).statusCode).toBe(400);
    expect((await create({ name: 'x', source: 'Bad Slug!' })).statusCode).toBe(400);
    // Its events are recorded under that source.
    const secret = chosen.json().secret;
    expect((await post(t(), '/v1/track', { userId: 'pos-1', event: 'Checkout', writeKey: secret })).statusCode).toBe(200);
    expect((await get('/api/sources/pos')).body.source.events24h).toBe(1);
  });
});
