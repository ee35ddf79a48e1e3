import { describe, expect, it } from 'vitest';
import { parseMappingText, resolveMapping } from './field-mapping.ts';
import { suggestMapping } from './import-kinds.ts';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('suggesting a mapping from column names', () => {
  it('knows Chinese and English names', () => {
    expect(suggestMapping('customers', ['姓名', '手机号', '邮箱', '会员号', 'UnionID', '城市'])).toEqual({
      姓名: 'name',
      手机号: 'phone',
      邮箱: 'email',
      会员号: 'member_no',
      UnionID: 'wechat_unionid',
    });
    expect(suggestMapping('customers', ['Customer ID', 'Full Name', 'Mobile', 'E-mail', 'member_no'])).toEqual({
      'Customer ID': 'external_id',
      'Full Name': 'name',
      Mobile: 'phone',
      'E-mail': 'email',
      member_no: 'member_no',
    });
  });

  it('reads the UCI Online Retail columns as order lines', () => {
    expect(suggestMapping('orders', ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'])).toEqual({
      InvoiceNo: 'external_id',
      StockCode: 'sku',
      Description: 'product_name',
      Quantity: 'quantity',
      InvoiceDate: 'placed_at',
      UnitPrice: 'unit_price',
      CustomerID: 'customer_external_id',
    });
  });

  it('gives each field to one column only', () => {
    expect(suggestMapping('customers', ['手机', '手机号', '电话'])).toEqual({ 手机: 'phone' });
  });
});

describe('the mapping an import uses', () => {
  const header = ['单号', '客户手机', '时间', '金额', '备注'];

  it('puts explicit choices first, then the saved mapping, then suggestions', () => {
    const { mapping, columns } = resolveMapping({
      kind: 'orders',
      header,
      explicit: { 单号: 'external_id', 客户手机: 'phone' },
      saved: { 时间: 'placed_at', 备注: 'ignore', 不存在: 'sku', 单号: 'sku' },
    });
    expect(mapping).toEqual({ 单号: 'external_id', 客户手机: 'phone', 时间: 'placed_at', 备注: 'ignore', 金额: 'amount' });
    expect(columns.index).toEqual({ external_id: 0, phone: 1, placed_at: 2, amount: 3 });
    expect([...columns.used].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses unknown fields, absent columns, a field mapped twice and missing required fields', () => {
    expect(refusal(() => resolveMapping({ kind: 'orders', header, explicit: { 单号: 'order_no' } }))).toMatchObject({
      code: 'ingest.invalid_mapping',
      message: expect.stringMatching(/unknown field "order_no" for orders/),
    });
    expect(refusal(() => resolveMapping({ kind: 'orders', header, explicit: { Foo: 'sku' } })).message).toMatch(/the file has no column "Foo"/);
    expect(refusal(() => resolveMapping({ kind: 'orders', header, explicit: { 单号: 'sku', 备注: 'sku' } })).message).toMatch(
      /"sku" is mapped from more than one column/,
    );
    expect(refusal(() => resolveMapping({ kind: 'orders', header: ['单号', '金额'] })).message).toBe(
      'incomplete mapping: map a column to one of customer_external_id, phone, email, member_no, wechat_unionid, wechat_openid; map a column to placed_at',
    );
  });

  it('parses column=field pairs and JSON', () => {
    expect(parseMappingText('InvoiceNo=external_id, CustomerID = customer_external_id')).toEqual({
      InvoiceNo: 'external_id',
      CustomerID: 'customer_external_id',
    });
    expect(parseMappingText('{"a,b":"phone"}')).toEqual({ 'a,b': 'phone' });
    expect(refusal(() => parseMappingText('nonsense')).message).toMatch(/"nonsense" is not column=field/);
  });
});
