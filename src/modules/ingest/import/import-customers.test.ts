import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor } from '../../auth/index.ts';
import { identifierLockBudget } from '../../identity/index.ts';
import { getImportErrors } from './list-imports.ts';
import { type ImportOptions, importFile } from './run-import.ts';

const bytesOf = (content: string | Buffer) =>
  (async function* () {
    yield Buffer.isBuffer(content) ? content : Buffer.from(content);
  })();

describe('importing customers', () => {
  const db = useTestDb();
  const run = (content: string | Buffer, options: Partial<ImportOptions> = {}) =>
    importFile(db().db, systemClock, cliActor('test'), { kind: 'customers', source: 'crm', fileName: 'customers.csv', bytes: bytesOf(content), ...options });

  // What Excel in China saves: GB18030 (GBK) without a BOM, Chinese column names.
  const excelFile = iconv.encode(
    [
      '客户编号,姓名,手机号,邮箱,会员号,城市',
      'C001,王小明,138 0013 8000,XiaoMing.Wang@Example.com,m00000001,杭州',
      'C002,李娜,12345,,,上海',
      'C003,张伟,,zhang.wei@example.cn,,北京',
      ',无名氏,,,,',
      'C001,王小明,13800138000,,,杭州',
    ].join('\r\n'),
    'gb18030',
  );

  it('detects GB18030, maps Chinese columns by name, keeps good rows and reports the bad ones', async () => {
    const summary = await run(excelFile);
    expect(summary).toMatchObject({ encoding: 'gb18030', rowsTotal: 5, rowsStored: 2, rowsDuplicate: 1, rowsRejected: 2 });
    expect(summary.mapping).toEqual({ 客户编号: 'external_id', 姓名: 'name', 手机号: 'phone', 邮箱: 'email', 会员号: 'member_no' });
    const { errors } = await getImportErrors(db().db, summary.id);
    expect(errors).toEqual([
      { row: 3, field: '手机号', value: '12345', reason: 'not a valid phone number' },
      { row: 5, field: '客户编号', value: '', reason: expect.stringMatching(/^no customer identifier/) },
    ]);

    const wang = await db()
      .db.selectFrom('customer_identifier')
      .innerJoin('customer', 'customer.id', 'customer_identifier.customer_id')
      .select(['customer.id', 'display_name', 'phone', 'email', 'member_no', 'attributes', 'customer.source'])
      .where('customer_identifier.type', '=', 'external')
      .where('customer_identifier.value', '=', 'crm:C001')
      .executeTakeFirstOrThrow();
    expect(wang).toMatchObject({
      display_name: '王小明',
      phone: '+8613800138000',
      email: 'xiaoming.wang@example.com',
      member_no: 'M00000001',
      attributes: { 城市: '杭州' },
      source: 'crm',
    });
    const ids = await db().db.selectFrom('customer_identifier').select(['type', 'value']).where('customer_id', '=', wang.id).orderBy('type').execute();
    expect(ids.map((i) => `${i.type}=${i.value}`)).toEqual([
      'email=xiaoming.wang@example.com',
      'external=crm:C001',
      'member_no=M00000001',
      'phone=+8613800138000',
    ]);
    const saved = await db()
      .db.selectFrom('ingest_mapping')
      .select('mapping')
      .where('source_id', '=', 'crm')
      .where('kind', '=', 'customers')
      .executeTakeFirstOrThrow();
    expect(saved.mapping).toEqual(summary.mapping);
  });

  it('changes nothing when the same file comes again', async () => {
    const count = async () =>
      (
        await db()
          .db.selectFrom('profile_trait')
          .select((eb) => eb.fn.sum<number>('seen_count').as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = await count();
    const summary = await run(excelFile);
    expect(summary).toMatchObject({ rowsStored: 0, rowsDuplicate: 3, rowsRejected: 2 });
    expect(await count()).toBe(before);
  });

  it('saves a mapping given once and reuses it for the source', async () => {
    const first = await run('A,B,C\nX1,13900001111,VIP\n', { source: 'pos', mapping: { A: 'external_id', B: 'phone', C: 'ignore' } });
    expect(first.rowsStored).toBe(1);
    const second = await run('A,B,C\nX2,13900002222,VIP\n', { source: 'pos' });
    expect(second).toMatchObject({ rowsStored: 1, mapping: { A: 'external_id', B: 'phone', C: 'ignore' } });
    const attrs = await db().db.selectFrom('profile_trait').select('field').where('source', '=', 'pos').where('field', 'like', 'attr:%').execute();
    expect(attrs).toEqual([]);
  });

  it('links a second source to the same customer through a shared phone', async () => {
    await run('member,mobile,name\nV9,13800138000,Wang XM\n', { source: 'wechat-shop' });
    const owners = await db()
      .db.selectFrom('customer_identifier')
      .innerJoin('customer', 'customer.id', 'customer_identifier.customer_id')
      .select('customer.root_id')
      .where('customer_identifier.value', 'in', ['crm:C001', '+8613800138000', 'V9'])
      .distinct()
      .execute();
    expect(owners).toHaveLength(1);
  });

  it('refuses an empty or binary file before anything is written', async () => {
    await expect(run('')).rejects.toMatchObject({ code: 'ingest.invalid_file', message: 'the file is empty' });
    await expect(run(Buffer.from([0x00, 0x01, 0xff, 0x00]))).rejects.toMatchObject({ code: 'ingest.invalid_file', message: expect.stringMatching(/binary/) });
    await expect(run('姓名,城市\n张三,北京\n')).rejects.toMatchObject({
      code: 'ingest.invalid_mapping',
      message: expect.stringMatching(/map a column to one of external_id/),
    });
    const imports = await db().db.selectFrom('ingest_import').select('id').execute();
    expect(imports).toHaveLength(5);
  });

  it('writes large files two batches at a time, sized to the identity lock budget, with the outcome of one at a time', async () => {
    // 1,000 customers with four identifiers each (batches of a few hundred, two at once); L993 (no member
    // number) shares L3's phone in another batch, so both ids end on one customer; L4 comes twice.
    const rows = Array.from({ length: 1_000 }, (_, i) => `L${i},客户${i},139${String(i).padStart(8, '0')},l${i}@lanes.example,LM${i}`);
    rows[993] = 'L993,客户993,13900000003,l993@lanes.example,';
    rows[994] = 'L4,客户4,13900000004,l4@lanes.example,LM4';
    const file = ['客户编号,姓名,手机号,邮箱,会员号', ...rows].join('\n');
    const committed: number[] = [];
    const summary = await run(file, { source: 'lanes', onProgress: (p) => committed.push(p.rows) });
    expect(summary).toMatchObject({ status: 'done', rowsTotal: 1_000, rowsStored: 999, rowsDuplicate: 1, rowsRejected: 0 });
    // Batches of the lock budget ÷ 4 identifier columns (320 on a server with default settings), each
    // counted once it committed (in whichever order they commit).
    const perBatch = Math.floor((await db().tx((trx) => identifierLockBudget(trx))) / 4);
    const sizes = committed.map((n, i) => n - (committed[i - 1] ?? 0)).sort((a, b) => a - b);
    const expected = Array.from({ length: Math.ceil(1_000 / perBatch) }, (_, i) => Math.min(perBatch, 1_000 - i * perBatch)).sort((a, b) => a - b);
    expect(expected.length).toBeGreaterThan(1);
    expect(sizes).toEqual(expected);
    const owners = await db()
      .db.selectFrom('customer_identifier')
      .innerJoin('customer', 'customer.id', 'customer_identifier.customer_id')
      .select(['customer_identifier.value', 'customer.root_id'])
      .where('customer_identifier.value', 'in', ['lanes:L3', 'lanes:L993', '+8613900000003'])
      .execute();
    expect(new Set(owners.map((o) => o.root_id)).size).toBe(1);
    const { count } = await db()
      .db.selectFrom('customer_identifier')
      .select((e) => e.fn.countAll<number>().as('count'))
      .where('type', '=', 'external')
      .where('value', 'like', 'lanes:%')
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(999);
  });
});
