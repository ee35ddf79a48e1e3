import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { createDb } from '../../../platform/db.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor } from '../../auth/index.ts';
import { getImportErrors } from './list-imports.ts';
import { type ImportOptions, importFile } from './run-import.ts';

const bytesOf = (content: string) =>
  (async function* () {
    yield Buffer.from(content);
  })();

describe('importing orders', () => {
  const db = useTestDb();
  const run = (content: string, options: Partial<ImportOptions> = {}) =>
    importFile(db().db, systemClock, cliActor('test'), { kind: 'orders', source: 'shop', fileName: 'orders.csv', bytes: bytesOf(content), ...options });

  const file = [
    '订单号,手机号,下单时间,商品编码,商品名称,数量,单价,金额,状态',
    'A1,13800138000,2026-01-05 10:00,TEA-01,龙井茶 250g,2,128.00,,已付款', // line 2
    'A1,13800138000,2026-01-05 10:00,BAG-01,礼袋,1,1.5,,已付款', //           3
    'A2,13800138000,2026-13-05 10:00,TEA-01,龙井茶,1,128,,', //               4: bad date
    'A3,13900139000,2026-01-06 11:00,TEA-02,碧螺春,1,,abc,', //               5: bad amount
    'A4,13900139000,2026-01-07 09:30,TEA-02,"碧螺春 ""特级"", 罐装",1,,88.5,已完成', // 6
    'A5,13900139000,2026-01-07 09:30,TEA-03,"毛峰,1,20,,', //                  7: broken quote
    'A6,13700137000,2026/1/8 9:05,TEA-04,白茶,3,10.125,,', //                  8: 3 × 10.125 = 30.375 → 30.38
    'A7,13700137000,2026-01-09 12:00,TEA-04,白茶,1,10,,,extra', //             9: too many fields
    'A8,13700137000,2026-01-10 12:00,TEA-04,白茶,1,10,,已退款', //             10
    'A9,13600136000,2026-01-11 12:00,TEA-05,普洱,1,50,,', //                   11
    'A9,13600136000,2026-01-11 12:00,TEA-06,普洱,1,-5,,', //                  12: negative price → whole order out
    'A10,,2026-01-12 12:00,TEA-05,普洱,1,50,,', //                            13: no customer
    'A11,13600136000,2026-01-12 12:00,TEA-05,普洱,1,50,,已发出', //            14: unknown status
  ].join('\n');

  it('keeps the good orders and names the row and column of every bad one', async () => {
    const summary = await run(file);
    expect(summary).toMatchObject({ status: 'done', rowsTotal: 13, rowsStored: 5, rowsRejected: 8, rowsDuplicate: 0 });
    const { errors } = await getImportErrors(db().db, summary.id);
    expect(errors.map((e) => [e.row, e.field, e.value, e.reason])).toEqual([
      [4, '下单时间', '2026-13-05 10:00', 'month out of range'],
      [5, '金额', 'abc', 'not a number'],
      [7, '', '', 'a quote opened in this row is never closed'],
      [9, '', '', 'expected 9 fields (as in the header), found 10'],
      [11, '订单号', 'A9', 'order A9 has a rejected row (line 12); the order is not stored'],
      [12, '单价', '-5', 'unit price is negative'],
      [13, '手机号', '', 'no customer identifier (phone all empty)'],
      [14, '状态', '已发出', 'unknown status; one of paid, fulfilled, cancelled, refunded, partially_refunded'],
    ]);

    const orders = await db()
      .db.selectFrom('customer_order')
      .select(['external_id', 'status', 'total_fen', 'refunded_fen', 'currency', 'placed_at'])
      .orderBy('external_id')
      .execute();
    expect(orders).toEqual([
      { external_id: 'A1', status: 'paid', total_fen: 25_750, refunded_fen: 0, currency: 'CNY', placed_at: new Date('2026-01-05T02:00:00Z') },
      { external_id: 'A4', status: 'fulfilled', total_fen: 8_850, refunded_fen: 0, currency: 'CNY', placed_at: new Date('2026-01-07T01:30:00Z') },
      { external_id: 'A6', status: 'paid', total_fen: 3_038, refunded_fen: 0, currency: 'CNY', placed_at: new Date('2026-01-08T01:05:00Z') },
      { external_id: 'A8', status: 'refunded', total_fen: 1_000, refunded_fen: 1_000, currency: 'CNY', placed_at: new Date('2026-01-10T04:00:00Z') },
    ]);
    const a4 = await db()
      .db.selectFrom('customer_order_line')
      .select(['name', 'quantity', 'unit_price_fen', 'amount_fen'])
      .where('sku', '=', 'TEA-02')
      .execute();
    expect(a4).toEqual([{ name: '碧螺春 "特级", 罐装', quantity: 1, unit_price_fen: 8_850, amount_fen: 8_850 }]);
    const a6 = await db()
      .db.selectFrom('customer_order_line')
      .innerJoin('customer_order', 'customer_order.id', 'customer_order_line.order_id')
      .select(['unit_price_fen', 'amount_fen'])
      .where('external_id', '=', 'A6')
      .execute();
    expect(a6).toEqual([{ unit_price_fen: 1_013, amount_fen: 3_038 }]);
  });

  it('attaches orders to the customer of the phone and keeps the order summary (rejected orders create no one)', async () => {
    const stats = await db()
      .db.selectFrom('customer_identifier')
      .innerJoin('customer', 'customer.id', 'customer_identifier.customer_id')
      .innerJoin('customer_stats', 'customer_stats.customer_id', 'customer.root_id')
      .select(['customer_identifier.value', 'order_count', 'total_spent_fen', 'refunded_fen'])
      .where('customer_identifier.type', '=', 'phone')
      .orderBy('customer_identifier.value')
      .execute();
    expect(stats).toEqual([
      { value: '+8613700137000', order_count: 2, total_spent_fen: 3_038, refunded_fen: 1_000 },
      { value: '+8613800138000', order_count: 1, total_spent_fen: 25_750, refunded_fen: 0 },
      { value: '+8613900139000', order_count: 1, total_spent_fen: 8_850, refunded_fen: 0 },
    ]);
  });

  it('stores the corrected rows on a second run and skips those stored before', async () => {
    const fixed = file.replace('2026-13-05', '2026-01-05').replace(',abc,', ',88,').replace(',-5,', ',5,');
    const summary = await run(fixed);
    expect(summary).toMatchObject({ rowsStored: 4, rowsDuplicate: 5, rowsRejected: 4 });
  });

  it('reads JSON Lines with amounts per order and ISO times', async () => {
    const lines = [
      { order_id: 'J1', email: 'Li.Na@Example.com', created_at: '2026-02-01T08:00:00Z', total: '199.90', currency: 'cny' },
      { order_id: 'J2', email: 'li.na@example.com', created_at: '2026-02-02T08:00:00+08:00', total: 50 },
    ];
    const summary = await run(lines.map((l) => JSON.stringify(l)).join('\n'), { fileName: 'orders.jsonl', source: 'app' });
    expect(summary).toMatchObject({ format: 'jsonl', rowsStored: 2, rowsRejected: 0 });
    const orders = await db()
      .db.selectFrom('customer_order')
      .select(['customer_id', 'total_fen', 'placed_at'])
      .where('source', '=', 'app')
      .orderBy('external_id')
      .execute();
    expect(orders.map((o) => [o.total_fen, o.placed_at.toISOString()])).toEqual([
      [19_990, '2026-02-01T08:00:00.000Z'],
      [5_000, '2026-02-02T00:00:00.000Z'],
    ]);
    expect(orders[0]?.customer_id).toBe(orders[1]?.customer_id);
  });

  it('groups the lines of an order wherever they are in the file', async () => {
    // 1,500 other orders between the lines of S1 (more than a batch of 1,000).
    const others = Array.from({ length: 1_500 }, (_, i) => `F${i},13500135000,2026-03-01 10:00,X-${i},其他,1,1,,`);
    const content = [
      '订单号,手机号,下单时间,商品编码,商品名称,数量,单价,金额,状态',
      'S1,13300133000,2026-03-01 09:00,TEA-01,龙井,1,100,,',
      ...others,
      'S1,13300133000,2026-03-01 09:00,TEA-02,碧螺春,2,50,,',
      'S2,13300133000,2026-03-02 09:00,TEA-01,龙井,1,100,,',
      ...others.slice(0, 10).map((l) => l.replace(/^F/, 'G')),
      'S2,13200132000,2026-03-02 09:00,TEA-03,白茶,1,10,,',
    ].join('\n');
    const summary = await run(content, { source: 'scattered', batchSize: 1_000 });
    expect(summary).toMatchObject({ status: 'done', rowsTotal: 1_514, rowsStored: 1_512, rowsRejected: 2, rowsDuplicate: 0 });
    const s1 = await db()
      .db.selectFrom('customer_order')
      .select(['id', 'customer_id', 'total_fen'])
      .where('source', '=', 'scattered')
      .where('external_id', '=', 'S1')
      .executeTakeFirstOrThrow();
    expect(s1.total_fen).toBe(20_000);
    const lines = await db().db.selectFrom('customer_order_line').select(['line_no', 'sku']).where('order_id', '=', s1.id).orderBy('line_no').execute();
    expect(lines).toEqual([
      { line_no: 1, sku: 'TEA-01' },
      { line_no: 2, sku: 'TEA-02' },
    ]);
    // S2's lines, far apart, name two customers: both are reported, nothing of it stored.
    const { errors } = await getImportErrors(db().db, summary.id);
    expect(errors.map((e) => [e.row, e.reason])).toEqual([
      [1_504, 'order S2 has a rejected row (line 1515); the order is not stored'],
      [1_515, 'order S2 names a different customer than on line 1504'],
    ]);
    const again = await run(content, { source: 'scattered', batchSize: 1_000 });
    expect(again).toMatchObject({ rowsStored: 0, rowsDuplicate: 1_512, rowsRejected: 2 });
  });

  it('reads day-first dates when the mapping states the order, and remembers it for the source', async () => {
    const content = ['order_no,phone,order_date,amount', 'D1,13100131000,01/02/2026 10:00,10', 'D2,13100131000,31/01/2026 10:00,10'].join('\n');
    const summary = await run(content, { source: 'eu-shop', fileName: 'eu.csv', dateOrder: 'dmy', timezone: 'UTC' });
    expect(summary).toMatchObject({ rowsStored: 2, rowsRejected: 0 });
    const placed = async () =>
      (await db().db.selectFrom('customer_order').select(['external_id', 'placed_at']).where('source', '=', 'eu-shop').orderBy('external_id').execute()).map(
        (o) => [o.external_id, o.placed_at.toISOString()],
      );
    expect(await placed()).toEqual([
      ['D1', '2026-02-01T10:00:00.000Z'],
      ['D2', '2026-01-31T10:00:00.000Z'],
    ]);
    // The next file of the source is read the same way without saying it again.
    const next = await run('order_no,phone,order_date,amount\nD3,13100131000,03/02/2026 10:00,10', { source: 'eu-shop', fileName: 'eu2.csv', timezone: 'UTC' });
    expect(next).toMatchObject({ rowsStored: 1 });
    expect((await placed()).at(-1)).toEqual(['D3', '2026-02-03T10:00:00.000Z']);
  });
  // Orders are written in chunks of whole orders (batch size 10: chunks of 100 orders).
  const mixedFile = (orders: { key: string; phone: string; price: string }[]) =>
    [
      'order_no,phone,order_date,sku,quantity,unit_price',
      ...orders.flatMap((o) => [`${o.key},${o.phone},2026-04-01 10:00,TEA-1,1,${o.price}`, `${o.key},${o.phone},2026-04-01 10:00,TEA-2,2,1`]),
    ].join('\n');
  const ordersOf = async (source: string) =>
    db()
      .db.selectFrom('customer_order')
      .select(['id', 'customer_id', 'external_id', 'total_fen'])
      .where('source', '=', source)
      .orderBy('external_id')
      .execute();

  it('stores only the new orders of a file mixing them with orders stored before, across chunks, and changes none of the old', async () => {
    const old = Array.from({ length: 50 }, (_, i) => ({ key: `K${String(i * 5).padStart(3, '0')}`, phone: '13011110000', price: '10' }));
    const first = await run(mixedFile(old), { source: 'mixed', batchSize: 10 });
    expect(first).toMatchObject({ status: 'done', rowsStored: 100, rowsDuplicate: 0, rowsRejected: 0 });
    const before = await ordersOf('mixed');

    // 250 orders, every fifth one stored before (now with another price, which must not be taken).
    const all = Array.from({ length: 250 }, (_, i) => ({
      key: `K${String(i).padStart(3, '0')}`,
      phone: i % 2 === 0 ? '13011110000' : '13022220000',
      price: '99',
    }));
    const again = all.map((o, i) => (i % 5 === 0 ? { ...o, phone: '13011110000' } : o));
    const progress: number[] = [];
    const second = await run(mixedFile(again), { source: 'mixed', batchSize: 10, onProgress: (p) => progress.push(p.stored) });
    expect(second).toMatchObject({ status: 'done', rowsTotal: 500, rowsStored: 400, rowsDuplicate: 100, rowsRejected: 0 });
    // Progress moved chunk by chunk: the first 100 new orders (200 lines), then the rest.
    expect(progress.filter((n) => n > 0)[0]).toBe(200);
    expect(progress.at(-1)).toBe(400);

    const after = await ordersOf('mixed');
    expect(after).toHaveLength(250);
    const stored = new Map(after.map((o) => [o.external_id, o]));
    for (const o of before) expect(stored.get(o.external_id)).toEqual(o);
    expect(stored.get('K001')?.total_fen).toBe(9_900 + 200);
    const lines = await db()
      .db.selectFrom('customer_order_line')
      .select(['line_no', 'sku', 'quantity', 'amount_fen'])
      .where('order_id', '=', stored.get('K249')?.id ?? '')
      .orderBy('line_no')
      .execute();
    expect(lines).toEqual([
      { line_no: 1, sku: 'TEA-1', quantity: 1, amount_fen: 9_900 },
      { line_no: 2, sku: 'TEA-2', quantity: 2, amount_fen: 200 },
    ]);
    // The order summaries count every order once: 50 old (12.00 each) and 100 new (101.00) on one phone, 100 new on the other.
    const stats = await db()
      .db.selectFrom('customer_identifier')
      .innerJoin('customer', 'customer.id', 'customer_identifier.customer_id')
      .innerJoin('customer_stats', 'customer_stats.customer_id', 'customer.root_id')
      .select(['customer_identifier.value', 'order_count', 'total_spent_fen'])
      .where('customer_identifier.value', 'in', ['+8613011110000', '+8613022220000'])
      .orderBy('customer_identifier.value')
      .execute();
    expect(stats).toEqual([
      { value: '+8613011110000', order_count: 150, total_spent_fen: 50 * 1_200 + 100 * 10_100 },
      { value: '+8613022220000', order_count: 100, total_spent_fen: 100 * 10_100 },
    ]);
  });

  /** Makes the database refuse (raise) the insert of one order until the returned function is called. */
  const refuseOrder = async (externalId: string): Promise<() => Promise<void>> => {
    await sql`
      create or replace function test_refuse_order() returns trigger language plpgsql as $$
      begin if new.external_id = tg_argv[0] then raise exception 'refused'; end if; return new; end $$`.execute(db().db);
    await sql`create trigger test_refuse_order before insert on customer_order for each row execute function test_refuse_order(${sql.lit(externalId)})`.execute(
      db().db,
    );
    return async () => {
      await sql`drop trigger test_refuse_order on customer_order`.execute(db().db);
    };
  };

  it('ends as failed when a chunk fails, keeps what the other lanes stored, and completes on a second import', async () => {
    // A database error in the middle chunk of three (orders F100…F199), written by the second of two lanes.
    const allow = await refuseOrder('F150');
    const orders = Array.from({ length: 300 }, (_, i) => ({
      key: `F${String(i).padStart(3, '0')}`,
      phone: `1305555${String(i % 40).padStart(4, '0')}`,
      price: '5',
    }));
    const content = mixedFile(orders);
    await expect(run(content, { source: 'lanes', batchSize: 10, concurrency: 2 })).rejects.toThrow('refused');

    const [failed] = await db().db.selectFrom('ingest_import').selectAll().where('source_id', '=', 'lanes').execute();
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.failure).toMatch(/^stopped by an error \[P0001\]: rows written before it are kept/);
    const kept = await ordersOf('lanes');
    // The first chunk at least; none of the failed one; the counts say exactly what is in the database.
    expect(kept.map((o) => o.external_id)).toContain('F000');
    expect(kept.some((o) => o.external_id >= 'F100' && o.external_id < 'F200')).toBe(false);
    expect(failed?.rows_stored).toBe(kept.length * 2);

    await allow();
    const again = await run(content, { source: 'lanes', batchSize: 10, concurrency: 2 });
    expect(again).toMatchObject({ status: 'done', rowsTotal: 600, rowsStored: 600 - kept.length * 2, rowsDuplicate: kept.length * 2, rowsRejected: 0 });
    expect(await ordersOf('lanes')).toHaveLength(300);
    // Every customer's summary counts all its orders, those the failed import stored included (its
    // summaries step never ran): 40 customers, F000 … F299 by i % 40, each order 5 + 2 × 1 = 7 yuan.
    const stats = await db()
      .db.selectFrom('customer_identifier')
      .innerJoin('customer_stats', 'customer_stats.customer_id', 'customer_identifier.customer_id')
      .select(['customer_identifier.value', 'order_count', 'total_spent_fen'])
      .where('customer_identifier.value', 'like', '+86130555500%')
      .orderBy('customer_identifier.value')
      .execute();
    expect(stats).toHaveLength(40);
    for (const [n, s] of stats.entries()) expect(s, s.value).toMatchObject({ order_count: n < 20 ? 8 : 7, total_spent_fen: (n < 20 ? 8 : 7) * 700 });
  });

  it('refreshes, on a second import, the summaries of customers whose orders a failed import stored', async () => {
    // The first chunk fails; the second (a customer of its own) is stored, but the import stops before summaries.
    const allow = await refuseOrder('G000');
    const orders = Array.from({ length: 200 }, (_, i) => ({
      key: `G${String(i).padStart(3, '0')}`,
      phone: i < 100 ? '13066660001' : '13066660002',
      price: '5',
    }));
    const content = mixedFile(orders);
    await expect(run(content, { source: 'stale', batchSize: 10, concurrency: 2 })).rejects.toThrow('refused');
    const kept = await ordersOf('stale');
    expect(kept.map((o) => o.external_id)).toEqual(orders.slice(100).map((o) => o.key));
    await allow();
    expect(await run(content, { source: 'stale', batchSize: 10, concurrency: 2 })).toMatchObject({ status: 'done', rowsStored: 200, rowsDuplicate: 200 });
    const stats = await db()
      .db.selectFrom('customer_identifier')
      .innerJoin('customer_stats', 'customer_stats.customer_id', 'customer_identifier.customer_id')
      .select(['customer_identifier.value', 'order_count'])
      .where('customer_identifier.value', 'in', ['+8613066660001', '+8613066660002'])
      .orderBy('customer_identifier.value')
      .execute();
    expect(stats).toEqual([
      { value: '+8613066660001', order_count: 100 },
      { value: '+8613066660002', order_count: 100 },
    ]);
  });

  it('completes with three lanes on a pool of two connections (lanes queue for connections, never deadlock)', async () => {
    const small = createDb(db().url, 2);
    try {
      const orders = Array.from({ length: 300 }, (_, i) => ({
        key: `P${String(i).padStart(3, '0')}`,
        phone: `1307777${String(i % 30).padStart(4, '0')}`,
        price: '5',
      }));
      const summary = await importFile(small.db, systemClock, cliActor('test'), {
        kind: 'orders',
        source: 'small-pool',
        fileName: 'orders.csv',
        bytes: bytesOf(mixedFile(orders)),
        batchSize: 10,
        concurrency: 3,
      });
      expect(summary).toMatchObject({ status: 'done', rowsTotal: 600, rowsStored: 600, rowsRejected: 0 });
    } finally {
      await small.close();
    }
    expect(await ordersOf('small-pool')).toHaveLength(300);
  });

  it('stores each order once when two imports of the same file run at the same time', async () => {
    const orders = Array.from({ length: 300 }, (_, i) => ({ key: `C${i}`, phone: `1304444${String(i % 7).padStart(4, '0')}`, price: '5' }));
    const content = mixedFile(orders);
    const [a, b] = await Promise.all([run(content, { source: 'twice', batchSize: 10 }), run(content, { source: 'twice', batchSize: 10 })]);
    for (const s of [a, b]) expect(s).toMatchObject({ status: 'done', rowsTotal: 600, rowsRejected: 0 });
    expect(a.rowsStored + b.rowsStored).toBe(600);
    expect(a.rowsDuplicate + b.rowsDuplicate).toBe(600);
    const stored = await ordersOf('twice');
    expect(stored).toHaveLength(300);
    const { count } = await db()
      .db.selectFrom('customer_order_line')
      .innerJoin('customer_order', (j) =>
        j.onRef('customer_order.id', '=', 'customer_order_line.order_id').onRef('customer_order.customer_id', '=', 'customer_order_line.customer_id'),
      )
      .select((e) => e.fn.countAll<number>().as('count'))
      .where('customer_order.source', '=', 'twice')
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(600);
  });
});
