import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import { useTestApp } from '../../test/test-app.ts';
import { cliActor } from '../auth/index.ts';
import { searchCustomers } from './customer.repository.ts';
import { listCustomers } from './list-customers.ts';
import { refreshCustomerStats } from './refresh-customer-stats.ts';

type Created = { id: string; displayName: string };

describe('customers API', () => {
  const t = useTestApp();
  let admin: string;
  const made: Record<string, Created> = {};

  const create = async (body: Record<string, unknown>) => {
    const res = await t().app.inject({ method: 'POST', url: '/api/customers', headers: { cookie: admin }, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().customer as Created;
  };

  const addOrder = async (customerId: string, ext: string, totalFen: number, placedAt: string, status = 'paid', refundedFen = 0) => {
    const now = new Date();
    await t()
      .db.db.insertInto('customer_order')
      .values({
        customer_id: customerId,
        id: `ord_${ext}`,
        source: 'pos',
        external_id: ext,
        status: status as 'paid',
        total_fen: totalFen,
        refunded_fen: refundedFen,
        placed_at: new Date(placedAt),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await t()
      .db.db.insertInto('customer_order_line')
      .values([
        {
          customer_id: customerId,
          order_id: `ord_${ext}`,
          line_no: 1,
          sku: 'TEA-01',
          name: '龙井茶 250g',
          quantity: 1,
          unit_price_fen: totalFen - 100,
          amount_fen: totalFen - 100,
        },
        { customer_id: customerId, order_id: `ord_${ext}`, line_no: 2, sku: 'BAG-01', name: '礼袋', quantity: 1, unit_price_fen: 100, amount_fen: 100 },
      ])
      .execute();
  };

  beforeAll(async () => {
    admin = await t().loginAs('admin');
    made.wang = await create({
      displayName: '王小明',
      phone: '138 0013 8000',
      email: 'XiaoMing.Wang@Example.com',
      memberNo: 'M00000001',
      attributes: { city: '杭州' },
    });
    made.li = await create({ displayName: '李娜', phone: '+86 139-0000-1111' });
    made.smith = await create({ displayName: 'Anna Smith', email: 'anna@example.org', memberNo: 'M00000002' });
    await addOrder(made.wang.id, 'A1', 50_000, '2026-01-05T10:00:00Z');
    await addOrder(made.wang.id, 'A2', 30_000, '2026-02-05T10:00:00Z', 'partially_refunded', 10_000);
    await addOrder(made.li.id, 'B1', 900_000, '2025-12-01T10:00:00Z');
    await addOrder(made.li.id, 'B2', 20_000, '2025-12-02T10:00:00Z', 'cancelled');
    await refreshCustomerStats(t().db.db, { customerIds: [made.wang.id, made.li.id, made.smith.id] });
  });

  const list = async (query: string, cookie = admin) => {
    const res = await t().app.inject({ method: 'GET', url: `/api/customers?${query}`, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('normalises phone and email and records them as identifiers', async () => {
    const res = await t().app.inject({ method: 'GET', url: `/api/customers/${made.wang?.id}`, headers: { cookie: admin } });
    const c = res.json().customer;
    expect(c).toMatchObject({
      phone: '+8613800138000',
      email: 'xiaoming.wang@example.com',
      memberNo: 'M00000001',
      attributes: { city: '杭州' },
      masked: false,
    });
    expect(c.identifiers.map((i: { type: string; value: string }) => `${i.type}=${i.value}`).sort()).toEqual([
      'email=xiaoming.wang@example.com',
      'member_no=M00000001',
      'phone=+8613800138000',
    ]);
    expect(c.stats).toMatchObject({ orderCount: 2, totalSpentFen: 70_000, refundedFen: 10_000, averageOrderFen: 35_000 });
  });

  it('finds customers by name, phone (full or partial), email and member number', async () => {
    const names = async (q: string) => (await list(`q=${encodeURIComponent(q)}`)).items.map((i: Created) => i.displayName);
    expect(await names('小明')).toEqual(['王小明']);
    expect(await names('smith')).toEqual(['Anna Smith']);
    expect(await names('13800138000')).toEqual(['王小明']);
    expect(await names('1390000')).toEqual(['李娜']);
    expect(await names('ANNA@example.org')).toEqual(['Anna Smith']);
    expect(await names('M00000001')).toEqual(['王小明']);
    expect(await names('100%_')).toEqual([]);
  });

  it('sorts by spend and pages', async () => {
    const bySpend = await list('sort=totalSpentFen&order=desc');
    expect(bySpend.items.map((i: Created) => i.displayName)).toEqual(['李娜', '王小明', 'Anna Smith']);
    expect(bySpend.items[0]).toMatchObject({ orderCount: 1, totalSpentFen: 900_000 });
    const page2 = await list('sort=displayName&order=asc&pageSize=2&page=2');
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.items).toHaveLength(1);
  });

  it("lists a customer's orders newest first, with lines", async () => {
    const res = await t().app.inject({ method: 'GET', url: `/api/customers/${made.wang?.id}/orders`, headers: { cookie: admin } });
    const body = res.json();
    expect(body.total).toBe(2);
    expect(body.items.map((o: { externalId: string }) => o.externalId)).toEqual(['A2', 'A1']);
    expect(body.items[0]).toMatchObject({ status: 'partially_refunded', totalFen: 30_000, refundedFen: 10_000 });
    expect(body.items[0].lines.map((l: { sku: string }) => l.sku)).toEqual(['TEA-01', 'BAG-01']);
  });

  it('masks personal data for analysts and records unmasked reads in the audit log', async () => {
    const analyst = await t().loginAs('analyst');
    const masked = await list(`q=${encodeURIComponent('王')}`, analyst);
    expect(masked.masked).toBe(true);
    expect(masked.items[0]).toMatchObject({ displayName: '王**', phone: '138****8000', email: 'x***@example.com' });
    const detail = (await t().app.inject({ method: 'GET', url: `/api/customers/${made.wang?.id}`, headers: { cookie: analyst } })).json().customer;
    expect(JSON.stringify(detail)).not.toContain('13800138000');

    const before = await t()
      .db.db.selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'customer.read_pii')
      .where('subject_id', '=', made.wang?.id as string)
      .execute();
    await t().app.inject({ method: 'GET', url: `/api/customers/${made.wang?.id}`, headers: { cookie: admin } });
    const after = await t()
      .db.db.selectFrom('audit_log')
      .select(['seq', 'actor_type'])
      .where('action', '=', 'customer.read_pii')
      .where('subject_id', '=', made.wang?.id as string)
      .execute();
    expect(after.length).toBe(before.length + 1);
    const listRead = await t()
      .db.db.selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'customer.list_pii')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(listRead.details.customerIds).toEqual(expect.any(Array));
  });

  it('rejects bad fields naming them, and keeps member numbers unique', async () => {
    const bad = await t().app.inject({ method: 'POST', url: '/api/customers', headers: { cookie: admin }, payload: { phone: '12', email: 'nope' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['body.displayName', 'body.email']));

    const phone = await t().app.inject({ method: 'POST', url: '/api/customers', headers: { cookie: admin }, payload: { displayName: 'X', phone: '12345' } });
    expect(phone.statusCode).toBe(400);
    expect(phone.json().error).toMatchObject({ code: 'customers.invalid_phone', fields: [{ path: 'body.phone' }] });

    const dup = await t().app.inject({ method: 'PATCH', url: `/api/customers/${made.li?.id}`, headers: { cookie: admin }, payload: { memberNo: 'M00000001' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('customers.member_no_taken');

    const missing = await t().app.inject({ method: 'GET', url: '/api/customers/cus_nope', headers: { cookie: admin } });
    expect(missing.statusCode).toBe(404);
  });

  it('updates fields, merges attributes, audits the change and emits a domain event', async () => {
    const res = await t().app.inject({
      method: 'PATCH',
      url: `/api/customers/${made.wang?.id}`,
      headers: { cookie: admin },
      payload: { phone: '13900001234', attributes: { vip: true } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().customer).toMatchObject({ phone: '+8613900001234', attributes: { city: '杭州', vip: true } });
    const ids = res.json().customer.identifiers.filter((i: { type: string }) => i.type === 'phone');
    expect(ids.map((i: { value: string }) => i.value)).toEqual(['+8613900001234']);
    const audit = await t()
      .db.db.selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'customer.update')
      .where('subject_id', '=', made.wang?.id as string)
      .executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ fields: ['phone', 'attributes'] });
    expect(JSON.stringify(audit.details)).not.toContain('13900001234');
    const events = await t()
      .db.db.selectFrom('outbox_event')
      .select('topic')
      .where('customer_id', '=', made.wang?.id as string)
      .execute();
    expect(events.map((e) => e.topic)).toEqual(['customer.created', 'customer.updated']);
  });
  it('caps the count of a search that matches very many customers, never the rows', async () => {
    await create({ displayName: '测试甲' });
    await create({ displayName: '测试乙' });
    const capped = await searchCustomers(t().db.db, { q: '测试', sort: 'createdAt', order: 'desc', page: 1, pageSize: 20, countCap: 1 });
    expect(capped).toMatchObject({ total: 1, totalCapped: true });
    expect(capped.rows).toHaveLength(2);
    const exact = await list(`q=${encodeURIComponent('测试')}`);
    expect(exact).toMatchObject({ total: 2, totalCapped: false });
  });

  it('counts merged records out of the customer total, also when the total is estimated', async () => {
    const a = await create({ displayName: '合并甲' });
    const b = await create({ displayName: '合并乙' });
    const c = await create({ displayName: '合并丙' });
    for (const loser of [b, c]) {
      const res = await t().app.inject({
        method: 'POST',
        url: '/api/identity/merges',
        headers: { cookie: admin },
        payload: { winnerId: a.id, loserId: loser.id },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const records = Number(
      (
        await t()
          .db.db.selectFrom('customer')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const exact = await list('');
    expect(exact.total).toBe(records - 2);
    // Above the threshold the list estimates from statistics; merged records must not count there either.
    await sql`analyze customer`.execute(t().db.db);
    const input = { sort: 'createdAt', order: 'desc', page: 1, pageSize: 20 } as const;
    const estimated = await listCustomers(t().db.db, systemClock, cliActor('test'), input, { exactCountUpTo: 1 });
    expect(estimated.total).toBe(records - 2);
    expect(estimated.items.map((i) => i.id)).not.toContain(b.id);
  });
});
