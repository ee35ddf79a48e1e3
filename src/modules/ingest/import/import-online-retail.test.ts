import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor } from '../../auth/index.ts';
import type { RowError } from './import.repository.ts';
import { getImportErrors } from './list-imports.ts';
import { importFile } from './run-import.ts';

const DATA = path.resolve('../shared/data/online-retail');

type Expected = {
  perCustomer: Map<string, { orders: number; spentFen: number; refundedFen: number }>;
  noCustomerLines: number[];
  rejectedReturnLines: number[];
  lines: number;
};

/**
 * The figures computed straight from the file, independently of the importer: per customer, invoices
 * and their sum of quantity × unit price; cancellations (`C…`) are refunds, accepted while the
 * customer's earlier purchases (net of earlier refunds) cover them. Only the Description column is
 * ever quoted in these files, so the numeric columns are the last five fields of a line.
 */
const expectedFrom = (file: string): Expected => {
  const text = readFileSync(path.join(DATA, file), 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const invoices = new Map<string, { customer: string; fen: number; lines: number[] }>();
  const noCustomerLines: number[] = [];
  lines.slice(1).forEach((line, i) => {
    const parts = line.split(',');
    const [qty, , price, customer] = parts.slice(-5) as [string, string, string, string];
    const invoice = parts[0] as string;
    if (customer === '') {
      noCustomerLines.push(i + 2);
      return;
    }
    const inv = invoices.get(invoice) ?? { customer, fen: 0, lines: [] };
    inv.fen += Math.abs(Number(qty)) * Math.round(Number(price) * 100);
    inv.lines.push(i + 2);
    invoices.set(invoice, inv);
  });
  const perCustomer = new Map<string, { orders: number; spentFen: number; refundedFen: number }>();
  const rejectedReturnLines: number[] = [];
  for (const [invoice, inv] of invoices) {
    const c = perCustomer.get(inv.customer) ?? { orders: 0, spentFen: 0, refundedFen: 0 };
    if (!invoice.startsWith('C')) {
      c.orders += 1;
      c.spentFen += inv.fen;
    } else if (c.spentFen >= inv.fen) {
      c.spentFen -= inv.fen;
      c.refundedFen += inv.fen;
    } else {
      rejectedReturnLines.push(...inv.lines);
    }
    perCustomer.set(inv.customer, c);
  }
  return { perCustomer, noCustomerLines, rejectedReturnLines, lines: lines.length - 1 };
};

const UCI_MAPPING = {
  InvoiceNo: 'external_id',
  StockCode: 'sku',
  Description: 'product_name',
  Quantity: 'quantity',
  InvoiceDate: 'placed_at',
  UnitPrice: 'unit_price',
  CustomerID: 'customer_external_id',
  Country: 'ignore',
};

describe('importing UCI Online Retail invoices as orders', () => {
  const db = useTestDb();
  const actor = cliActor('guanxi import');
  const run = (file: string, onErrors?: (e: RowError[]) => void, more: { batchSize?: number; concurrency?: number } = {}) =>
    importFile(db().db, systemClock, actor, {
      kind: 'orders',
      source: 'uci',
      fileName: file,
      bytes: createReadStream(path.join(DATA, file), { highWaterMark: 16 * 1024 }),
      mapping: UCI_MAPPING,
      timezone: 'Europe/London',
      currency: 'GBP',
      batchSize: 1000,
      onErrors,
      ...more,
    });

  const statsByUciCustomer = async () => {
    const { rows } = await sql<{ ext: string; order_count: number; total_spent_fen: number; refunded_fen: number }>`
      select substr(i.value, 5) as ext, s.order_count, s.total_spent_fen, s.refunded_fen
      from customer_identifier i join customer c on c.id = i.customer_id join customer_stats s on s.customer_id = c.root_id
      where i.type = 'external' and i.value like 'uci:%'`.execute(db().db);
    return new Map(rows.map((r) => [r.ext, { orders: r.order_count, spentFen: r.total_spent_fen, refundedFen: r.refunded_fen }]));
  };

  const snapshot = async () => {
    const { rows } = await sql<Record<string, number>>`
      select (select count(*) from customer) as customers, (select count(*) from customer_identifier) as identifiers,
             (select count(*) from customer_order) as orders, (select count(*) from customer_order_line) as lines,
             (select coalesce(sum(total_fen), 0) from customer_order) as total, (select coalesce(sum(refunded_fen), 0) from customer_order) as refunded,
             (select count(*) from customer_order_refund) as refunds, (select count(*) from ingest_record) as records,
             (select coalesce(sum(seen_count), 0) from profile_trait) as observations,
             (select coalesce(sum(total_spent_fen), 0) from customer_stats) as spent`.execute(db().db);
    return rows[0];
  };

  it('stores france.csv; per-customer totals equal those computed from the file; rows without a customer are reported', async () => {
    const expected = expectedFrom('france.csv');
    const reported: RowError[] = [];
    const summary = await run('france.csv', (e) => reported.push(...e));

    const rejected = expected.noCustomerLines.length + expected.rejectedReturnLines.length;
    expect(expected.lines).toBe(8557);
    expect(expected.noCustomerLines).toHaveLength(66);
    expect(summary).toMatchObject({ status: 'done', encoding: 'utf-8', format: 'csv', rowsTotal: 8557, rowsDuplicate: 0, rowsRejected: rejected });
    expect(summary.rowsStored).toBe(8557 - rejected);

    const stats = await statsByUciCustomer();
    expect(stats.size).toBe(87);
    expect(new Map([...stats].sort())).toEqual(new Map([...expected.perCustomer].sort()));

    // Every line without a customer is in the report, by its line in the file and the CustomerID column.
    const noCustomer = reported.filter((e) => e.field === 'CustomerID');
    expect(noCustomer.map((e) => e.row).sort((a, b) => a - b)).toEqual(expected.noCustomerLines);
    expect(noCustomer[0]?.reason).toMatch(/no customer identifier/);
    const returns = reported.filter((e) => e.field === 'Quantity');
    expect(returns.map((e) => e.row).sort((a, b) => a - b)).toEqual(expected.rejectedReturnLines.sort((a, b) => a - b));
    expect(returns[0]?.reason).toMatch(/no earlier order that can still be refunded/);
    const stored = await getImportErrors(db().db, summary.id);
    expect(stored.errors).toHaveLength(rejected);
    expect(stored.record).toMatchObject({ rowsStored: summary.rowsStored, rowsRejected: rejected, status: 'done', encoding: 'utf-8' });

    // An invoice with several lines is one order with those lines; a time in the file is London time.
    const order = await db().db.selectFrom('customer_order').selectAll().where('external_id', '=', '536370').executeTakeFirstOrThrow();
    expect(order).toMatchObject({ status: 'paid', currency: 'GBP', placed_at: new Date('2010-12-01T08:45:00Z') });
    const lines = await db().db.selectFrom('customer_order_line').selectAll().where('order_id', '=', order.id).orderBy('line_no').execute();
    expect(lines.length).toBe(20);
    expect(lines[0]).toMatchObject({ sku: '22728', name: 'ALARM CLOCK BAKELIKE PINK', quantity: 24, unit_price_fen: 375, amount_fen: 9000 });
    expect(lines.reduce((n, l) => n + l.amount_fen, 0)).toBe(order.total_fen);

    const audit = await db().db.selectFrom('audit_log').select(['action', 'subject_id', 'details']).where('action', '=', 'ingest.import').execute();
    expect(audit).toEqual([{ action: 'ingest.import', subject_id: summary.id, details: expect.objectContaining({ stored: summary.rowsStored, rejected }) }]);
  });

  it('imports france.csv again: nothing stored, every row a duplicate (or rejected again), the database unchanged', async () => {
    const before = await snapshot();
    const first = await db().db.selectFrom('ingest_import').select(['rows_stored', 'rows_rejected']).executeTakeFirstOrThrow();
    const again = await run('france.csv');
    expect(again).toMatchObject({ rowsTotal: 8557, rowsStored: 0, rowsDuplicate: first.rows_stored, rowsRejected: first.rows_rejected });
    expect(await snapshot()).toEqual(before);
  });

  it('detects the UTF-8 BOM of germany.csv and matches its totals too (small batches, two at a time)', async () => {
    const expected = expectedFrom('germany.csv');
    // Returns wait for the batches before them: the totals must not depend on batch size or concurrency.
    const summary = await run('germany.csv', undefined, { batchSize: 300, concurrency: 2 });
    expect(summary).toMatchObject({ encoding: 'utf-8-bom', rowsTotal: 9495, rowsRejected: expected.rejectedReturnLines.length });
    expect(summary.mapping.InvoiceNo).toBe('external_id');
    const stats = await statsByUciCustomer();
    for (const [customer, figures] of expected.perCustomer) expect(stats.get(customer), customer).toEqual(figures);
  });
});
