import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { systemActor } from '../src/modules/auth/index.ts';
import { importFile } from '../src/modules/ingest/import/run-import.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Db } from '../src/platform/db.ts';

/** A small deterministic PRNG (mulberry32): the same rows on every run. */
const prng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const TEAS = ['龙井', '碧螺春', '铁观音', '普洱', '大红袍', '白毫银针', '祁门红茶', '黄山毛峰', '六安瓜片', '君山银针'];
const SIZES = ['50g 罐装', '100g 袋装', '250g 礼盒', '500g 散装'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Writes an order-lines CSV as a shop system exports it: `rows` lines, one to four lines per order, about
 * one customer (a mobile number) per five rows, naive Shanghai times over two years, and one row in a
 * thousand with a mistyped phone number (rejected and reported).
 */
export const writeOrdersCsv = async (file: string, rows: number): Promise<{ customers: number; orders: number }> => {
  const rnd = prng(20261122);
  const customers = Math.max(1, Math.round(rows / 5));
  const phone = (i: number) => `1${3 + (i % 7)}${pad((i * 7_919) % 1_000_000_000, 9)}`;
  const catalogue = Array.from({ length: 400 }, (_, i) => ({
    sku: `SKU-${pad(i, 4)}`,
    name: `${TEAS[i % TEAS.length]} ${SIZES[i % SIZES.length]}`,
    price: (Math.round((20 + ((i * 37) % 980) + rnd()) * 100) / 100).toFixed(2),
  }));
  const out = createWriteStream(file);
  out.write('订单号,手机号,下单时间,商品编码,商品名称,数量,单价,状态\n');
  const start = Date.UTC(2024, 0, 1);
  let written = 0;
  let orders = 0;
  let chunk = '';
  while (written < rows) {
    orders++;
    const order = `SO${pad(orders, 8)}`;
    // A long tail: some customers order often, most a few times.
    const who = Math.floor(customers * rnd() ** 1.6);
    const bad = rnd() < 0.001;
    const mobile = bad ? phone(who).slice(0, 5) : phone(who);
    const t = new Date(start + Math.floor(rnd() * 730 * 86_400_000));
    const when = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
    const status = rnd() < 0.7 ? '已完成' : '已付款';
    const lines = Math.min(rows - written, 1 + Math.floor(rnd() * 4));
    for (let l = 0; l < lines; l++) {
      const p = catalogue[Math.floor(rnd() * catalogue.length)] as (typeof catalogue)[number];
      chunk += `${order},${mobile},${when},${p.sku},${p.name},${1 + Math.floor(rnd() * 3)},${p.price},${status}\n`;
    }
    written += lines;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'close');
  return { customers, orders };
};

/**
 * Writes a customers CSV as a CRM exports it: `rows` customers, each with an id, a name, a mobile number, an
 * email and a member number (four identifiers), and a city; none shares an identifier with another.
 */
export const writeCustomersCsv = async (file: string, rows: number): Promise<void> => {
  const out = createWriteStream(file);
  out.write('客户编号,姓名,手机号,邮箱,会员号,城市\n');
  const cities = ['上海', '北京', '杭州', '成都', '广州', '深圳'];
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `CRM${pad(i, 7)},客户${i},15${pad(i, 9)},c${i}@crm.example,VIP${pad(i, 8)},${cities[i % cities.length]}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'close');
};

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Bulk import of `rows` order lines (default 1,000,000; about 200k customers by phone) through the import
 * use case — identity resolution, orders with lines, order summaries — next to PostgreSQL's COPY of the
 * same file into a bare scratch table in the same run, and COPY of the stored lines into a table shaped like
 * customer_order_line (its indexes and key: the least any import into this data model writes), plus a second
 * import of the file (all duplicates) and the peak resident memory while importing; `phaseSeconds: …` say where the first import's time went
 * (reading and parsing into the staging table, customers, orders, order summaries). Then a customers file of
 * as many customers (four identifiers each, all new) through the customers kind.
 *
 * Call: `await importScenario({ db: database.db, pool: database.pool, rows: 1_000_000, dir: '.guanxi/bench-import' })`
 * on a freshly migrated database.
 */
export async function importScenario(options: { db: Db; pool: pg.Pool; rows?: number; dir: string }): Promise<Record<string, number>> {
  const rows = options.rows ?? 1_000_000;
  await mkdir(options.dir, { recursive: true });
  const file = path.join(options.dir, `orders-${rows}.csv`);
  const generated = await writeOrdersCsv(file, rows);
  const bytes = statSync(file).size;

  // Peak RSS over the first and the second half of the rows: flat memory means the second is no higher.
  const baselineRss = process.memoryUsage().rss;
  const peak = { first: baselineRss, second: baselineRss };
  let half: 'first' | 'second' = 'first';
  const sampler = setInterval(() => {
    peak[half] = Math.max(peak[half], process.memoryUsage().rss);
  }, 50);
  const phases: Record<string, number> = {};
  const importOnce = async (onPhase?: (phase: string, milliseconds: number) => void) => {
    const started = performance.now();
    half = 'first';
    const summary = await importFile(options.db, systemClock, systemActor('bench'), {
      kind: 'orders',
      source: 'bench',
      fileName: path.basename(file),
      bytes: createReadStream(file, { highWaterMark: 256 * 1024 }),
      onProgress: (p) => {
        if (p.rows >= rows / 2) half = 'second';
      },
      onPhase,
    });
    return { summary, seconds: (performance.now() - started) / 1000 };
  };
  let first: Awaited<ReturnType<typeof importOnce>>;
  let again: Awaited<ReturnType<typeof importOnce>>;
  try {
    first = await importOnce((phase, ms) => {
      phases[`phaseSeconds: ${phase}`] = round((phases[`phaseSeconds: ${phase}`] ?? 0) + ms / 1000, 2);
    });
    again = await importOnce();
  } finally {
    clearInterval(sampler);
  }

  const client = await options.pool.connect();
  let copySeconds: number;
  let lineCopySeconds: number;
  let lineCopyRows: number;
  try {
    await client.query('drop table if exists bench_import_copy');
    await client.query(
      'create table bench_import_copy (order_no text, phone text, placed_at text, sku text, product_name text, quantity text, unit_price text, status text)',
    );
    const started = performance.now();
    await pipeline(
      createReadStream(file, { highWaterMark: 256 * 1024 }),
      client.query(copyFrom('copy bench_import_copy from stdin with (format csv, header true)')),
    );
    copySeconds = (performance.now() - started) / 1000;
    await client.query('drop table bench_import_copy');

    // What the data model's writes cost at the least: the lines the import stored, exported untimed, COPY'd
    // into a scratch table shaped like customer_order_line (its indexes and its key on customer_order).
    const exported: Buffer[] = [];
    for await (const c of client.query(copyTo('copy customer_order_line to stdout'))) exported.push(c as Buffer);
    await client.query('drop table if exists bench_order_line_copy');
    await client.query('create table bench_order_line_copy (like customer_order_line including all)');
    await client.query(
      'alter table bench_order_line_copy add foreign key (customer_id, order_id) references customer_order (customer_id, id) on delete cascade',
    );
    const linesStarted = performance.now();
    const source = new PassThrough();
    const done = pipeline(source, client.query(copyFrom('copy bench_order_line_copy from stdin')));
    for (const c of exported) if (!source.write(c)) await once(source, 'drain');
    source.end();
    await done;
    lineCopySeconds = (performance.now() - linesStarted) / 1000;
    lineCopyRows = Number((await client.query<{ n: string }>('select count(*) as n from bench_order_line_copy')).rows[0]?.n);
    await client.query('drop table bench_order_line_copy');
  } finally {
    client.release();
  }

  // A CRM's customers (as many as the order file has), all new: the customers kind's batch path.
  const customersFile = path.join(options.dir, `customers-${generated.customers}.csv`);
  await writeCustomersCsv(customersFile, generated.customers);
  const customersStarted = performance.now();
  const customersSummary = await importFile(options.db, systemClock, systemActor('bench'), {
    kind: 'customers',
    source: 'bench-crm',
    fileName: path.basename(customersFile),
    bytes: createReadStream(customersFile, { highWaterMark: 256 * 1024 }),
  });
  const customersSeconds = (performance.now() - customersStarted) / 1000;

  const importRate = rows / first.seconds;
  const copyRate = rows / copySeconds;
  return {
    rows,
    customers: generated.customers,
    orders: generated.orders,
    fileMegabytes: round(bytes / 2 ** 20, 1),
    rowsStored: first.summary.rowsStored,
    rowsRejected: first.summary.rowsRejected,
    importSeconds: round(first.seconds, 2),
    importRowsPerSecond: round(importRate),
    copySeconds: round(copySeconds, 2),
    copyRowsPerSecond: round(copyRate),
    importVsCopyPercent: round((importRate / copyRate) * 100, 1),
    storedLinesCopyIntoOrderLineShapeRowsPerSecond: round(lineCopyRows / lineCopySeconds),
    storedLinesCopyVsBareCopyPercent: round((lineCopyRows / lineCopySeconds / copyRate) * 100, 1),
    reimportSeconds: round(again.seconds, 2),
    reimportRowsPerSecond: round(rows / again.seconds),
    reimportDuplicates: again.summary.rowsDuplicate,
    customersImportRows: generated.customers,
    customersImportStored: customersSummary.rowsStored,
    customersImportSeconds: round(customersSeconds, 2),
    customersImportRowsPerSecond: round(generated.customers / customersSeconds),
    baselineRssMegabytes: round(baselineRss / 2 ** 20),
    peakRssFirstHalfMegabytes: round(peak.first / 2 ** 20),
    peakRssSecondHalfMegabytes: round(peak.second / 2 ** 20),
    ...phases,
  };
}
