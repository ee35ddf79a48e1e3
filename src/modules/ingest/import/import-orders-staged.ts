import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Kysely, sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Trx } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import { insertOrders, type NewOrder, type OrderStatus, refreshCustomerStats } from '../../customers/index.ts';
import type { Database } from '../../database.ts';
import { type Identifier, type IdentifierType, type ResolveInput, resolveIdentities } from '../../identity/index.ts';
import { claimRecords, type RowError } from './import.repository.ts';
import { type BatchContext, type CustomerRef, rowError } from './import-batch.ts';
import { type Group, importReturns, type Line, parseLine } from './import-orders.ts';
import type { Row } from './read-rows.ts';

/** The connection an import runs on: its staging tables are temporary, so every statement uses it. */
export type ImportConnection = Kysely<Database>;

export type ChunkOutcome = { total: number; stored: number; duplicate: number; errors: RowError[] };

/** Writes a chunk's counts and errors in the chunk's transaction (run-import keeps the caps and totals). */
export type RecordChunk = (trx: Trx, outcome: ChunkOutcome) => Promise<void>;

/**
 * COPY through a Kysely connection: pg's `client.query` accepts a submittable (pg-copy-streams' stream)
 * in place of SQL text and returns it, which is what Kysely's Postgres driver passes through.
 */
const copyInto = async (conn: ImportConnection, statement: string, lines: AsyncIterable<string>): Promise<void> => {
  const stream = copyFrom(statement);
  await conn.getExecutor().provideConnection(async (c) => {
    try {
      await c.executeQuery({ sql: stream as unknown as string, parameters: [], query: { kind: 'RawNode' } as never, queryId: { queryId: 'copy' } });
    } catch (e) {
      // Ends the COPY the server is waiting in (CopyFail), so the connection stays usable.
      stream.destroy(e as Error);
      throw e;
    }
    await pipeline(Readable.from(lines), stream);
  });
};

// COPY text format: backslash escapes for the characters that delimit fields and rows.
const COPY_ESCAPE = /[\\\t\n\r]/g;
const copyText = (v: string | number | boolean | null | undefined): string =>
  v === null || v === undefined
    ? '\\N'
    : typeof v === 'string'
      ? v.replace(COPY_ESCAPE, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'))
      : String(v);

const STAGE_COLUMNS =
  'line, order_key, ok, ref_key, identifiers, customer_name, placed_at, sku, name, quantity, unit_price_fen, amount_fen, is_return, currency, status, qty_text';

/** Drops the staging tables and cursors, so the connection goes back to the pool clean. */
export const dropStage = async (conn: ImportConnection): Promise<void> => {
  await sql`close all`.execute(conn);
  await sql`discard temp`.execute(conn);
};

/** Creates the import's staging table (temporary: it lives as long as the import's connection). */
export const createStage = async (conn: ImportConnection): Promise<void> => {
  await sql`close all`.execute(conn);
  await sql`
    create temp table if not exists gx_order_stage (
      line int not null, order_key text not null, ok boolean not null, ref_key text, identifiers text, customer_name text,
      placed_at timestamptz, sku text, name text, quantity int, unit_price_fen bigint, amount_fen bigint, is_return boolean,
      currency text, status text, qty_text text)`.execute(conn);
  await sql`truncate gx_order_stage`.execute(conn);
  await sql`create temp table if not exists gx_order_ref (ref_key text primary key, customer_id text not null)`.execute(conn);
  await sql`truncate gx_order_ref`.execute(conn);
};

/**
 * Pass 1 of an orders import: each row read is parsed (customer identifiers, time, money, status) and
 * COPY'd into the staging table; rows that cannot be parsed are reported at once, and staged as failed
 * so that their order is rejected as a whole in pass 2 wherever its other lines are in the file.
 */
export const stageOrderRows = async (
  conn: ImportConnection,
  ctx: Omit<BatchContext, 'trx'>,
  rows: AsyncIterable<Row[]>,
  onErrors: (errors: RowError[], rows: number) => Promise<void>,
): Promise<void> => {
  const c = ctx as BatchContext;
  async function* lines(): AsyncGenerator<string> {
    for await (const batch of rows) {
      let out = '';
      const errors: RowError[] = [];
      for (const row of batch) {
        const key = (row.cells[ctx.columns.index.external_id ?? -1] ?? '').trim();
        if (key === '') {
          errors.push(rowError(c, row, 'external_id', 'missing'));
          continue;
        }
        const parsed = parseLine(c, row);
        if (!parsed.ok) {
          errors.push(parsed.error);
          out += `${row.line}\t${copyText(key)}\tf\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n`;
          continue;
        }
        const l = parsed.line;
        const qty = row.cells[ctx.columns.index.quantity ?? -1] ?? '';
        out += [
          row.line,
          copyText(key),
          't',
          copyText(l.ref.key),
          copyText(JSON.stringify(l.ref.identifiers.map((i) => [i.type, i.value]))),
          copyText(l.ref.traits.display_name),
          l.placedAt.toISOString(),
          copyText(l.sku),
          copyText(l.name),
          l.quantity,
          l.unitPriceFen,
          l.amountFen,
          l.isReturn ? 't' : 'f',
          copyText(l.currency),
          copyText(l.status),
          copyText(qty.trim()),
        ].join('\t');
        out += '\n';
      }
      await onErrors(errors, errors.length);
      if (out !== '') yield out;
    }
  }
  await copyInto(conn, `copy gx_order_stage (${STAGE_COLUMNS}) from stdin`, lines());
  await sql`create index if not exists gx_order_stage_key on gx_order_stage (order_key, line)`.execute(conn);
  await sql`analyze gx_order_stage`.execute(conn);
};

type StagedLine = {
  line: number;
  order_key: string;
  ref_key: string;
  identifiers: string;
  customer_name: string | null;
  placed_at: Date;
  sku: string;
  name: string;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
  is_return: boolean;
  currency: string;
  status: OrderStatus | null;
  qty_text: string;
  customer_id: string | null;
};

/** A row as pass 1 saw it, enough for the error messages of pass 2 (its order number and quantity). */
const rowOf = (ctx: BatchContext, l: { line: number; order_key: string; qty_text: string | null }): Row => {
  const cells = new Array<string>(ctx.header.length).fill('');
  if (ctx.columns.index.external_id !== undefined) cells[ctx.columns.index.external_id] = l.order_key;
  if (ctx.columns.index.quantity !== undefined) cells[ctx.columns.index.quantity] = l.qty_text ?? '';
  return { line: l.line, cells };
};

const refOf = (l: StagedLine): CustomerRef => ({
  key: l.ref_key,
  identifiers: (JSON.parse(l.identifiers) as [IdentifierType, string][]).map(([type, value]): Identifier => ({ type, value })),
  traits: l.customer_name ? { display_name: l.customer_name } : {},
});

const groupLines = (ctx: BatchContext, rows: StagedLine[]): (Group & { customerId: string; staged: StagedLine[] })[] => {
  const groups: (Group & { customerId: string; staged: StagedLine[] })[] = [];
  for (const r of rows) {
    let g = groups.at(-1);
    if (!g || g.key !== r.order_key) {
      g = { key: r.order_key, lines: [], rows: [], failed: false, customerId: r.customer_id ?? '', staged: [] };
      groups.push(g);
    }
    const row = rowOf(ctx, r);
    const line: Line = {
      row,
      ref: refOf(r),
      placedAt: r.placed_at,
      sku: r.sku,
      name: r.name,
      quantity: r.quantity,
      // bigint columns: numbers here whatever the driver's int8 parsing.
      unitPriceFen: Number(r.unit_price_fen),
      amountFen: Number(r.amount_fen),
      isReturn: r.is_return,
      currency: r.currency,
      status: r.status ?? undefined,
    };
    g.rows.push(row);
    g.lines.push(line);
    g.staged.push(r);
  }
  return groups;
};

export type StagedOptions = {
  /** Runs one transaction on the import's connection, retrying deadlocks. */
  transaction: <T>(fn: (trx: Trx) => Promise<T>) => Promise<T>;
  record: RecordChunk;
  /** Orders per transaction when writing (default 10,000). */
  chunkOrders: number;
  /** Distinct customers per identity-resolution call (default 5,000). */
  chunkCustomers: number;
  analyze: () => Promise<void>;
};

/**
 * Pass 2 of an orders import, set-based over the staging table: orders are the lines with the same
 * order number wherever they are in the file. An order with a line that failed, that names two
 * customers, or that mixes sold and returned items is rejected as a whole (each line reported). Orders
 * stored before (source + order number) are duplicates. Each distinct customer of the rest is resolved
 * once (chunks of `chunkCustomers`), then orders are written in chunks, claimed in ingest_record so a
 * concurrent import stores each once; returns are refunded against earlier orders after every sale is
 * in; order summaries are refreshed once per customer at the end.
 */
export const writeStagedOrders = async (conn: ImportConnection, ctx: Omit<BatchContext, 'trx'>, options: StagedOptions): Promise<void> => {
  const c = (trx: Trx): BatchContext => ({ ...ctx, trx });

  // Orders rejected as a whole: a line failed in pass 1, or lines disagree on the customer or on sale/return.
  await sql`drop table if exists gx_order_bad`.execute(conn);
  await sql`
    create temp table gx_order_bad as
    with first as (
      select distinct on (order_key) order_key, line as first_line, ref_key as first_ref, is_return as first_return
      from gx_order_stage where ok order by order_key, line
    ), checked as (
      select s.line, s.order_key, s.ok, s.qty_text, f.first_line,
        case when not s.ok then 'failed'
             when s.ref_key <> f.first_ref then 'customer'
             when s.is_return <> f.first_return then 'mixed' end as problem
      from gx_order_stage s left join first f using (order_key)
    )
    select line, order_key, qty_text, first_line, problem, min(line) filter (where problem is not null) over (partition by order_key) as first_bad
    from checked`.execute(conn);
  await sql`delete from gx_order_bad where first_bad is null`.execute(conn);
  await sql`create index on gx_order_bad (order_key)`.execute(conn);
  // Each line of a rejected order is reported (lines that failed in pass 1 were reported then).
  for (let afterBad = 0; ; ) {
    const { rows: bad } = await sql<{
      line: number;
      order_key: string;
      qty_text: string | null;
      first_line: number;
      problem: string | null;
      first_bad: number;
    }>`
      select line, order_key, qty_text, first_line, problem, first_bad from gx_order_bad
      where problem is distinct from 'failed' and line > ${afterBad} order by line limit ${options.chunkOrders}`.execute(conn);
    if (bad.length === 0) break;
    afterBad = bad.at(-1)?.line ?? afterBad;
    const cc = ctx as BatchContext;
    const errors: RowError[] = bad.map((b) => {
      const row = rowOf(cc, b);
      if (b.problem === 'customer') return rowError(cc, row, 'external_id', `order ${b.order_key} names a different customer than on line ${b.first_line}`);
      if (b.problem === 'mixed') return rowError(cc, row, 'quantity', `order ${b.order_key} mixes sold and returned items (see line ${b.first_line})`);
      return rowError(cc, row, 'external_id', `order ${b.order_key} has a rejected row (line ${b.first_bad}); the order is not stored`);
    });
    await options.transaction((trx) => options.record(trx, { total: errors.length, stored: 0, duplicate: 0, errors }));
  }

  // Orders stored before: every line a duplicate.
  const { rows: dup } = await sql<{ n: number }>`
    with good as (select s.order_key, bool_or(s.is_return) as is_return, count(*)::int as n from gx_order_stage s
                  where s.ok and not exists (select 1 from gx_order_bad b where b.order_key = s.order_key) group by s.order_key)
    select coalesce(sum(g.n), 0)::int as n from good g
    join ingest_record r on r.source_id = ${ctx.source} and r.kind = (case when g.is_return then 'refund' else 'order' end) and r.external_id = g.order_key`.execute(
    conn,
  );
  await sql`drop table if exists gx_order_todo`.execute(conn);
  await sql`
    create temp table gx_order_todo as
    select s.order_key, bool_or(s.is_return) as is_return, min(s.line) as first_line from gx_order_stage s
    where s.ok and not exists (select 1 from gx_order_bad b where b.order_key = s.order_key)
    group by s.order_key
    having not exists (select 1 from ingest_record r where r.source_id = ${ctx.source}
      and r.kind = (case when bool_or(s.is_return) then 'refund' else 'order' end) and r.external_id = s.order_key)`.execute(conn);
  await sql`create index on gx_order_todo (order_key)`.execute(conn);
  const duplicates = dup[0]?.n ?? 0;
  if (duplicates > 0) await options.transaction((trx) => options.record(trx, { total: duplicates, stored: 0, duplicate: duplicates, errors: [] }));

  // Each distinct customer once: the identifiers and name of its first line in the file, read in one
  // sorted pass (a holdable cursor survives the chunks' commits).
  await sql`
    declare gx_refs no scroll cursor with hold for
    select distinct on (s.ref_key) s.ref_key, s.identifiers, s.customer_name
    from gx_order_stage s join gx_order_todo t using (order_key)
    where s.ok order by s.ref_key, s.line`.execute(conn);
  for (let chunk = 0; ; chunk++) {
    const { rows: refs } = await sql<{ ref_key: string; identifiers: string; customer_name: string | null }>`
      fetch forward ${sql.lit(options.chunkCustomers)} from gx_refs`.execute(conn);
    if (refs.length === 0) break;
    await options.transaction(async (trx) => {
      const inputs: ResolveInput[] = refs.map((r) => {
        const ref = refOf(r as StagedLine);
        return { source: ctx.source, identifiers: ref.identifiers, traits: ref.traits, observedAt: ctx.now };
      });
      const { resolutions } = await resolveIdentities(trx, ctx.clock, ctx.rules, inputs, `import:${ctx.source}`);
      await sql`insert into gx_order_ref (ref_key, customer_id) select * from unnest(${refs.map((r) => r.ref_key)}::text[], ${resolutions.map((r) => r.customerId)}::text[])`.execute(
        trx,
      );
    });
    if (chunk === 0 || chunk === 3) await options.analyze();
    if (refs.length < options.chunkCustomers) break;
  }
  await sql`close gx_refs`.execute(conn);

  const writeSales = async (rows: StagedLine[]) => {
    const groups = groupLines(ctx as BatchContext, rows);
    await options.transaction(async (trx) => {
      const orders: NewOrder[] = groups.map((g) => {
        const first = g.lines[0] as Line;
        const total = g.lines.reduce((n, l) => n + l.amountFen, 0);
        const status = first.status ?? 'paid';
        return {
          customerId: g.customerId,
          id: newId('ord', ctx.now),
          source: ctx.source,
          externalId: g.key,
          status,
          currency: first.currency,
          totalFen: total,
          refundedFen: status === 'refunded' ? total : 0,
          placedAt: first.placedAt,
          lines: g.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity, unitPriceFen: l.unitPriceFen, amountFen: l.amountFen })),
        };
      });
      const claimed = await claimRecords(
        trx,
        ctx.source,
        'order',
        orders.map((o) => ({ externalId: o.externalId, customerId: o.customerId, recordId: o.id })),
        ctx.now,
      );
      await insertOrders(
        trx,
        orders.filter((o) => claimed.has(o.externalId)),
        ctx.now,
      );
      const stored = groups.filter((g) => claimed.has(g.key)).reduce((n, g) => n + g.rows.length, 0);
      await options.record(trx, { total: rows.length, stored, duplicate: rows.length - stored, errors: [] });
    });
  };

  // Sales, in chunks of whole orders, read in one sorted pass: a holdable cursor survives the chunks' commits.
  await sql`analyze gx_order_todo`.execute(conn);
  await sql`analyze gx_order_ref`.execute(conn);
  await sql`
    declare gx_sales no scroll cursor with hold for
    select s.*, r.customer_id from gx_order_stage s join gx_order_todo t using (order_key) join gx_order_ref r using (ref_key)
    where s.ok and not t.is_return order by s.order_key, s.line`.execute(conn);
  let carry: StagedLine[] = [];
  for (let chunk = 0; ; chunk++) {
    const { rows: fetched } = await sql<StagedLine>`fetch forward ${sql.lit(options.chunkOrders * 2)} from gx_sales`.execute(conn);
    const last = fetched.length < options.chunkOrders * 2;
    let rows = [...carry, ...fetched];
    carry = [];
    if (!last) {
      // The last order may go on in the next fetch: it waits for it.
      const key = rows.at(-1)?.order_key;
      const cut = rows.findIndex((r) => r.order_key === key);
      carry = rows.slice(cut);
      rows = rows.slice(0, cut);
    }
    if (rows.length > 0) await writeSales(rows);
    if (chunk === 0 || chunk === 3) await options.analyze();
    if (last) break;
  }
  await sql`close gx_sales`.execute(conn);

  // Returns, in file order, against the orders now stored.
  let afterLine = 0;
  for (;;) {
    const { rows } = await sql<StagedLine>`
      with orders as (select order_key, first_line from gx_order_todo where is_return and first_line > ${afterLine} order by first_line limit ${Math.min(2_000, options.chunkOrders)})
      select s.*, r.customer_id, o.first_line from orders o join gx_order_stage s using (order_key) join gx_order_ref r using (ref_key)
      where s.ok order by o.first_line, s.line`.execute(conn);
    if (rows.length === 0) break;
    afterLine = Math.max(...rows.map((r) => (r as StagedLine & { first_line: number }).first_line));
    const groups = groupLines(ctx as BatchContext, rows);
    await options.transaction(async (trx) => {
      const errors: RowError[] = [];
      const rootOf = new Map(groups.map((g) => [g.key, g.customerId]));
      const r = await importReturns(c(trx), groups, (g) => rootOf.get(g.key) ?? '', errors);
      await options.record(trx, { total: rows.length, stored: r.storedRows, duplicate: r.duplicateRows, errors });
      if (r.roots.size > 0) await refreshCustomerStats(trx, { customerIds: [...r.roots] });
    });
  }

  // Order summaries, once per customer.
  await sql`declare gx_customers no scroll cursor with hold for select distinct customer_id from gx_order_ref`.execute(conn);
  for (;;) {
    const { rows } = await sql<{ customer_id: string }>`fetch forward 10000 from gx_customers`.execute(conn);
    if (rows.length === 0) break;
    await options.transaction((trx) => refreshCustomerStats(trx, { customerIds: rows.map((r) => r.customer_id) }));
    if (rows.length < 10_000) break;
  }
  await sql`close gx_customers`.execute(conn);
};
