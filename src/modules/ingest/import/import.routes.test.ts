import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/test-app.ts';
import { makeWriteKey } from '../track/track-test-kit.ts';

const OCTET = { 'content-type': 'application/octet-stream' };

describe('imports API', () => {
  const t = useTestApp();
  let operator: string;
  let analyst: string;
  let agent: string;

  beforeAll(async () => {
    operator = await t().loginAs('operator');
    analyst = await t().loginAs('analyst');
    agent = await t().loginAs('agent');
  });

  const upload = (query: string, payload: Buffer | string | Readable, cookie = operator) =>
    t().app.inject({ method: 'POST', url: `/api/imports?${query}`, headers: { cookie, ...OCTET }, payload });

  const excel = iconv.encode('会员号,姓名,手机号,备注\r\nM1,王小明,13800138000,=HYPERLINK("x")\r\nM2,李娜,138,\r\nM3,张伟,13900139000,\r\n', 'gb18030');

  it('previews a file: detected encoding, columns, first rows and the suggested mapping', async () => {
    const res = await t().app.inject({
      method: 'POST',
      url: '/api/imports/preview?kind=customers&source=crm&fileName=会员.csv',
      headers: { cookie: operator, ...OCTET },
      payload: excel,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      encoding: 'gb18030',
      format: 'csv',
      columns: ['会员号', '姓名', '手机号', '备注'],
      sample: [
        ['M1', '王小明', '13800138000', '=HYPERLINK("x")'],
        ['M2', '李娜', '138', ''],
        ['M3', '张伟', '13900139000', ''],
      ],
      mapping: { 会员号: 'member_no', 姓名: 'name', 手机号: 'phone' },
      savedMapping: false,
      fields: ['external_id', 'phone', 'email', 'member_no', 'wechat_unionid', 'wechat_openid', 'name'],
    });
  });

  it('imports a streamed body, lists it, shows its summary and serves the error report', async () => {
    const res = await upload(`kind=customers&source=crm&fileName=${encodeURIComponent('会员.csv')}&mapping=${encodeURIComponent('{"备注":"ignore"}')}`, excel);
    expect(res.statusCode, res.body).toBe(201);
    const imp = res.json().import;
    expect(imp).toMatchObject({
      kind: 'customers',
      source: 'crm',
      fileName: '会员.csv',
      encoding: 'gb18030',
      format: 'csv',
      status: 'done',
      rowsTotal: 3,
      rowsStored: 2,
      rowsDuplicate: 0,
      rowsRejected: 1,
      errorsListed: 1,
      mapping: { 会员号: 'member_no', 姓名: 'name', 手机号: 'phone', 备注: 'ignore' },
    });

    const list = await t().app.inject({ method: 'GET', url: '/api/imports', headers: { cookie: analyst } });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: imp.id, status: 'done', rowsStored: 2 }] });
    const one = await t().app.inject({ method: 'GET', url: `/api/imports/${imp.id}`, headers: { cookie: analyst } });
    expect(one.json().import).toMatchObject({ id: imp.id, rowsRejected: 1, finishedAt: expect.any(String) });

    const report = await t().app.inject({ method: 'GET', url: `/api/imports/${imp.id}/errors.csv`, headers: { cookie: operator } });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(report.headers['content-disposition']).toContain("filename*=UTF-8''%E4%BC%9A%E5%91%98-errors.csv");
    expect(report.body).toBe('\uFEFFrow,field,value,reason\r\n3,手机号,138,not a valid phone number\r\n');

    const audit = await t()
      .db.db.selectFrom('audit_log')
      .select(['action', 'actor_type', 'subject_id'])
      .where('action', 'like', 'ingest.%')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'ingest.import', actor_type: 'user', subject_id: imp.id },
      { action: 'ingest.import_errors_download', actor_type: 'user', subject_id: imp.id },
    ]);
  });

  it('neutralises spreadsheet formulas in the error report', async () => {
    const res = await upload('kind=customers&source=crm2', 'phone,name\n=1+2,x\n');
    const report = await t().app.inject({ method: 'GET', url: `/api/imports/${res.json().import.id}/errors.csv`, headers: { cookie: operator } });
    expect(report.body).toContain("\r\n2,phone,'=1+2,not a valid phone number\r\n");
  });

  it('streams a large body in batches', async () => {
    const n = 12_000;
    const rows = function* () {
      yield 'member_no,name\n';
      for (let i = 0; i < n; i++) yield `S${i},Stream ${i}\n`;
    };
    const res = await upload('kind=customers&source=stream', Readable.from(rows(), { objectMode: false }));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().import).toMatchObject({ rowsTotal: n, rowsStored: n });
  });

  it('refuses bad uploads with a clear error', async () => {
    const empty = await upload('kind=orders&source=shop', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toEqual({ code: 'ingest.invalid_file', message: 'the file is empty' });
    const binary = await upload('kind=orders&source=shop', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    expect(binary.json().error.message).toMatch(/Excel workbook/);
    const kind = await upload('kind=invoices&source=shop', 'a\n1\n');
    expect(kind.statusCode).toBe(400);
    expect(kind.json().error).toMatchObject({ code: 'request.invalid', fields: [{ path: 'querystring.kind' }] });
    const mapping = await upload('kind=orders&source=shop&mapping=order=external_id', 'order,total\n1,2\n');
    expect(mapping.statusCode).toBe(400);
    expect(mapping.json().error).toMatchObject({ code: 'ingest.invalid_mapping', message: expect.stringMatching(/map a column to placed_at/) });
    const missing = await t().app.inject({ method: 'GET', url: '/api/imports/imp_0000', headers: { cookie: operator } });
    expect(missing.statusCode).toBe(404);
  });

  it('needs ingest:import to import or download reports, ingest:read to look', async () => {
    expect((await upload('kind=customers', 'phone\n13800138000\n', analyst)).statusCode).toBe(403);
    const [first] = (await t().app.inject({ method: 'GET', url: '/api/imports', headers: { cookie: analyst } })).json().items;
    expect((await t().app.inject({ method: 'GET', url: `/api/imports/${first.id}/errors.csv`, headers: { cookie: analyst } })).statusCode).toBe(403);
    expect((await t().app.inject({ method: 'GET', url: '/api/imports', headers: { cookie: agent } })).statusCode).toBe(403);
    expect((await t().app.inject({ method: 'GET', url: '/api/imports' })).statusCode).toBe(401);
  });

  it('imports with a write key into the key’s source, and refuses a session or no key', async () => {
    const { secret } = await makeWriteKey(t(), 'pos-feed');
    const file = 'order_no,phone,order_date,amount\nK1,13800138000,2026-01-01 10:00,10\nK2,138,2026-01-01 10:00,10\n';
    const res = await t().app.inject({
      method: 'POST',
      url: '/v1/imports?kind=orders&fileName=pos.csv',
      headers: { authorization: `Basic ${Buffer.from(`${secret}:`).toString('base64')}`, ...OCTET },
      payload: file,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().import).toMatchObject({ source: 'pos-feed', kind: 'orders', status: 'done', rowsStored: 1, rowsRejected: 1 });
    const orders = await t().db.db.selectFrom('customer_order').select('external_id').where('source', '=', 'pos-feed').execute();
    expect(orders).toEqual([{ external_id: 'K1' }]);
    const withCookie = await t().app.inject({ method: 'POST', url: '/v1/imports?kind=orders', headers: { cookie: operator, ...OCTET }, payload: file });
    expect(withCookie.statusCode).toBe(401);
    const none = await t().app.inject({ method: 'POST', url: '/v1/imports?kind=orders', headers: OCTET, payload: file });
    expect(none.statusCode).toBe(401);
  });
});
