import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type DatabaseConnection, type Kysely, sql } from 'kysely';
import { type CopyStreamQuery, type CopyToStreamQuery, from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Trx } from '../../../platform/db.ts';
import { RecentCache } from '../../../platform/recent-cache.ts';
import { insertStagedOrders, type OrderStatus, refreshCustomerStats } from '../../customers/index.ts';
import type { Database } from '../../database.ts';
import { type Identifier, type IdentifierType, identifierLockBudget, type ResolveInput, resolveIdentities } from '../../identity/index.ts';
import type { RowError } from './import.repository.ts';
import { type BatchContext, type CustomerRef, rowError } from './import-batch.ts';
import { type Group, importReturns, type Line, parseLine } from './import-orders.ts';
import type { Row } from './read-rows.ts';

/** The connection an import runs on: its staging tables are temporary, so every statement uses it. */
export type ImportConnection = Kysely<Database>;

export type ChunkOutcome = { total: number; stored: number; duplicate: number; errors: RowError[] };

/** Writes a chunk's counts and errors in the chunk's transaction (run-import keeps the caps and totals). */
export type RecordChunk = (trx: Trx, outcome: ChunkOutcome) => Promise<void>;

/**
 * Starts a COPY on a connection Kysely provides: pg's `client.query` accepts a submittable (pg-copy-streams'
 * stream) in place of SQL text and returns it, which is what Kysely's Postgres driver passes through.
 */
const startCopy = (connection: DatabaseConnection, stream: CopyStreamQuery | CopyToStreamQuery): Promise<unknown> =>
  connection.executeQuery({ sql: stream as unknown as string, parameters: [], query: { kind: 'RawNode' } as never, queryId: { queryId: 'copy' } });

/** COPYs `lines` into a table through a Kysely connection. */
const copyInto = async (conn: ImportConnection, statement: string, lines: AsyncIterable<string>): Promise<void> => {
  const stream = copyFrom(statement);
  await conn.getExecutor().provideConnection(async (c) => {
    try {
      await startCopy(c, stream);
    } catch (e) {
      // Ends the COPY the server is waiting in (CopyFail), so the connection stays usable.
      stream.destroy(e as Error);
      throw e;
    }
    await pipeline(Readable.from(lines), stream);
  });
};

/**
 * Streams the rows of `out` (a `copy (…) to stdout`) on one connection into `into` (a `copy … from stdin`)
 * on another, without parsing them: how a lane receives its chunk of the import connection's staging tables.
 */
const copyBetween = async (from: ImportConnection, out: string, to: ImportConnection, into: string): Promise<void> => {
  await from.getExecutor().provideConnection((source) =>
    to.getExecutor().provideConnection(async (target) => {
      const reading = copyTo(out);
      const writing = copyFrom(into);
      try {
        await startCopy(target, writing);
        await startCopy(source, reading);
      } catch (e) {
        writing.destroy(e as Error);
        reading.destroy(e as Error);
        throw e;
      }
      await pipeline(reading, writing);
    }),
  );
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
  await sql`reset work_mem`.execute(conn);
};

/** Creates the import's staging table (temporary: it lives as long as the import's connection). */
export const createStage = async (conn: ImportConnection): Promise<void> => {
  await sql`close all`.execute(conn);
  // The staging passes sort and hash the whole file once each: in memory rather than in temporary files.
  await sql`set work_mem = '64MB'`.execute(conn);
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
 * The staging table's COPY text for a batch of rows (one line each, failed rows staged as failed) and
 * the batch's errors. The identifiers of a customer are serialised once (its rows repeat them).
 */
export const stageText = (ctx: Omit<BatchContext, 'trx'>, batch: Row[], identifiersJson: RecentCache<string, string>): { text: string; errors: RowError[] } => {
  const c = ctx as BatchContext;
  const keyAt = ctx.columns.index.external_id ?? -1;
  const qtyAt = ctx.columns.index.quantity ?? -1;
  let text = '';
  const errors: RowError[] = [];
  for (const row of batch) {
    const key = (row.cells[keyAt] ?? '').trim();
    if (key === '') {
      errors.push(rowError(c, row, 'external_id', 'missing'));
      continue;
    }
    const parsed = parseLine(c, row);
    if (!parsed.ok) {
      errors.push(parsed.error);
      text += `${row.line}\t${copyText(key)}\tf\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n`;
      continue;
    }
    const l = parsed.line;
    let identifiers = identifiersJson.get(l.ref.key);
    if (identifiers === undefined) {
      identifiers = copyText(JSON.stringify(l.ref.identifiers.map((i) => [i.type, i.value])));
      identifiersJson.set(l.ref.key, identifiers);
    }
    text +=
      `${row.line}\t${copyText(key)}\tt\t${copyText(l.ref.key)}\t${identifiers}\t${copyText(l.ref.traits.display_name)}\t${l.placedAt.toISOString()}\t` +
      `${copyText(l.sku)}\t${copyText(l.name)}\t${l.quantity}\t${l.unitPriceFen}\t${l.amountFen}\t${l.isReturn ? 't' : 'f'}\t${copyText(l.currency)}\t` +
      `${copyText(l.status)}\t${copyText((row.cells[qtyAt] ?? '').trim())}\n`;
  }
  return { text, errors };
};

/**
 * Pass 1 of an orders import: each row read is parsed (customer identifiers, time, money, status) and
 * COPY'd into the staging table; rows that cannot be parsed are reported as reading goes, and staged as failed
 * so that their order is rejected as a whole in pass 2 wherever its other lines are in the file.
 */
export const stageOrderRows = async (
  conn: ImportConnection,
  ctx: Omit<BatchContext, 'trx'>,
  rows: AsyncIterable<Row[]>,
  onErrors: (errors: RowError[], rows: number) => Promise<void>,
  onPhase?: (phase: string, milliseconds: number) => void,
): Promise<void> => {
  const identifiersJson = new RecentCache<string, string>(25_000);
  const started = performance.now();
  const cpu = process.cpuUsage();
  async function* lines(): AsyncGenerator<string> {
    // Errors are recorded a few batches at a time (each record is a transaction), and at the end.
    let pending: RowError[] = [];
    let batches = 0;
    for await (const batch of rows) {
      const { text, errors } = stageText(ctx, batch, identifiersJson);
      pending.push(...errors);
      if (++batches % 8 === 0 || pending.length >= 1_000) {
        await onErrors(pending, pending.length);
        pending = [];
      }
      if (text !== '') yield text;
    }
    await onErrors(pending, pending.length);
  }
  await copyInto(conn, `copy gx_order_stage (${STAGE_COLUMNS}) from stdin`, lines());
  const copied = performance.now();
  onPhase?.('read, parse, stage', copied - started);
  // This process's CPU time for it (all threads): unlike the wall time, not stretched by a busy machine.
  const used = process.cpuUsage(cpu);
  onPhase?.('read, parse, stage (process CPU)', (used.user + used.system) / 1000);
  await sql`create index if not exists gx_order_stage_key on gx_order_stage (order_key, line)`.execute(conn);
  await sql`analyze gx_order_stage`.execute(conn);
  onPhase?.('index staging table', performance.now() - copied);
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
  /** The pool: each lane writes on a connection of its own from it. */
  pool: ImportConnection;
  /**
   * Runs one transaction on `on`, retrying deadlocks; what `record` is given inside it counts once it
   * committed.
   */
  transaction: <T>(on: ImportConnection, fn: (trx: Trx) => Promise<T>) => Promise<T>;
  record: RecordChunk;
  /** Orders per transaction when writing sales (default 50,000). */
  chunkOrders: number;
  /**
   * Distinct customers per identity-resolution call at most (default 5,000); fewer when their identifiers
   * would be more than the identifier locks a transaction may take (then lanes would wait for each other).
   */
  chunkCustomers: number;
  /** The most identifiers a row can name its customer by (the identifier columns mapped). */
  identifiersPerCustomer: number;
  /**
   * Chunks resolved or written at once, each on its own connection: an INSERT never runs as a parallel
   * query, so a second core is used only by a second connection (1.7× on 2 cores, measured).
   */
  lanes: number;
  /** Refreshes the planner's statistics of the tables the import grows, on the connection given. */
  analyze: (on: ImportConnection) => Promise<void>;
  /** Told how long each step took (milliseconds), for profiling. */
  onPhase?: (phase: string, milliseconds: number) => void;
};

/**
 * Runs `lanes` copies of `lane` side by side until each returns; after a failure the others stop at their
 * next chunk (`stopped`), and the first failure is thrown once all have ended (nothing runs on after).
 */
const inLanes = async (lanes: number, lane: (stopped: () => boolean) => Promise<void>): Promise<void> => {
  let failed = false;
  const outcomes = await Promise.allSettled(
    Array.from({ length: Math.max(1, lanes) }, () =>
      lane(() => failed).catch((e: unknown) => {
        failed = true;
        throw e;
      }),
    ),
  );
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
};

/**
 * Pass 2 of an orders import, set-based over the staging table: orders are the lines with the same
 * order number wherever they are in the file. An order with a line that failed, that names two
 * customers, or that mixes sold and returned items is rejected as a whole (each line reported). Orders
 * stored before (source + order number) are duplicates. Each distinct customer of the rest is resolved
 * once (chunks of `chunkCustomers`), then sales are written in chunks of `chunkOrders` by a few
 * insert … select statements (rows go from connection to connection by COPY, never parsed here), claimed
 * in ingest_record so a concurrent import stores each once; returns are refunded against earlier orders
 * after every sale is in; order summaries are refreshed once per customer at the end, in large set-based
 * chunks. Customers, sales and summaries are done by `lanes` connections side by side.
 */
export const writeStagedOrders = async (conn: ImportConnection, ctx: Omit<BatchContext, 'trx'>, options: StagedOptions): Promise<void> => {
  const c = (trx: Trx): BatchContext => ({ ...ctx, trx });
  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    options.onPhase?.(name, t - mark);
    mark = t;
  };

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
    await options.transaction(conn, (trx) => options.record(trx, { total: errors.length, stored: 0, duplicate: 0, errors }));
  }

  phase('rejected orders');
  // The orders left, one row each with what its first line in the file says (customer, time, status,
  // currency) and its total; numbered for chunking. Orders stored before (source + order number) are
  // duplicates: every line of them.
  await sql`drop table if exists gx_order_todo`.execute(conn);
  await sql`
    create temp table gx_order_todo as
    with orders as (
      select s.order_key, bool_or(s.is_return) as is_return, min(s.line) as first_line, count(*)::int as lines, sum(s.amount_fen)::bigint as total_fen
      from gx_order_stage s
      where s.ok and not exists (select 1 from gx_order_bad b where b.order_key = s.order_key)
      group by s.order_key
    )
    select o.*, f.ref_key, f.placed_at, f.status, f.currency,
      exists (select 1 from ingest_record r where r.source_id = ${ctx.source}
              and r.kind = (case when o.is_return then 'refund' else 'order' end) and r.external_id = o.order_key) as done
    from orders o join gx_order_stage f on f.order_key = o.order_key and f.line = o.first_line`.execute(conn);
  const { rows: dup } = await sql<{ n: number }>`select coalesce(sum(lines), 0)::int as n from gx_order_todo where done`.execute(conn);
  // Customers of sales stored before whose summary is older than those orders (claimed at their chunk's
  // time, later than the creation of their customers' summaries): an import that an error stopped wrote
  // orders but never reached its summaries. Importing the file again refreshes them too.
  await sql`drop table if exists gx_order_stale`.execute(conn);
  await sql`
    create temp table gx_order_stale as
    select distinct c.root_id as customer_id
    from gx_order_todo t
    join ingest_record r on r.source_id = ${ctx.source} and r.kind = 'order' and r.external_id = t.order_key
    join customer c on c.id = r.customer_id
    left join customer_stats s on s.customer_id = c.root_id
    where t.done and not t.is_return and (s.customer_id is null or s.updated_at < r.imported_at)`.execute(conn);
  await sql`delete from gx_order_todo where done`.execute(conn);
  await sql`create index on gx_order_todo (order_key)`.execute(conn);
  const duplicates = dup[0]?.n ?? 0;
  if (duplicates > 0) await options.transaction(conn, (trx) => options.record(trx, { total: duplicates, stored: 0, duplicate: duplicates, errors: [] }));

  phase('duplicates');
  // Each distinct customer once: the identifiers and name of its first line in the file, read in one
  // sorted pass (a holdable cursor survives the chunks' commits).
  await sql`
    declare gx_refs no scroll cursor with hold for
    select distinct on (s.ref_key) s.ref_key, s.identifiers, s.customer_name
    from gx_order_stage s join gx_order_todo t using (order_key)
    where s.ok order by s.ref_key, s.line`.execute(conn);
  // Lanes take chunks from the one cursor (each FETCH is one statement on the import's connection) and
  // resolve them in transactions of their own; the resolutions go back to the import's connection.
  let resolvedChunks = 0;
  const budget = await identifierLockBudget(options.pool);
  const chunkCustomers = Math.max(50, Math.min(options.chunkCustomers, Math.floor(budget / Math.max(1, options.identifiersPerCustomer))));
  await inLanes(options.lanes, async (stopped) => {
    while (!stopped()) {
      const { rows: refs } = await sql<{ ref_key: string; identifiers: string; customer_name: string | null }>`
        fetch forward ${sql.lit(chunkCustomers)} from gx_refs`.execute(conn);
      if (refs.length === 0) return;
      const inputs: ResolveInput[] = refs.map((r) => {
        const ref = refOf(r as StagedLine);
        return { source: ctx.source, identifiers: ref.identifiers, traits: ref.traits, observedAt: ctx.now };
      });
      const { resolutions } = await options.transaction(options.pool, (trx) => resolveIdentities(trx, ctx.clock, ctx.rules, inputs, `import:${ctx.source}`));
      await sql`insert into gx_order_ref (ref_key, customer_id) select * from unnest(${refs.map((r) => r.ref_key)}::text[], ${resolutions.map((r) => r.customerId)}::text[])`.execute(
        conn,
      );
      const chunk = resolvedChunks++;
      if (chunk === 0 || chunk === 3) await options.analyze(options.pool);
      if (refs.length < chunkCustomers) return;
    }
  });
  await sql`close gx_refs`.execute(conn);
  await sql`analyze gx_order_ref`.execute(conn);
  phase('customers');

  // Sales, set-based in chunks of whole orders (numbered in order-number order): each chunk claims its
  // orders in ingest_record (a concurrent import of the same file stores each once; the rest count as
  // duplicates), then writes the claimed orders and their lines in one statement each.
  await sql`drop table if exists gx_order_sale`.execute(conn);
  await sql`
    create temp table gx_order_sale as
    select row_number() over (order by t.order_key)::int as n, t.order_key, r.customer_id, t.lines, t.total_fen, t.placed_at, t.status, t.currency
    from gx_order_todo t join gx_order_ref r using (ref_key) where not t.is_return`.execute(conn);
  await sql`create index on gx_order_sale (n)`.execute(conn);
  await sql`analyze gx_order_sale`.execute(conn);
  const { rows: counted } = await sql<{ n: number }>`select count(*)::int as n from gx_order_sale`.execute(conn);
  const sales = counted[0]?.n ?? 0;
  // Order ids minted in SQL (gx_id: time of the import + md5 of this import's salt and the order number).
  const salt = randomBytes(8).toString('hex');
  const chunks = Math.ceil(sales / options.chunkOrders);
  let nextChunk = 0;
  // Each lane holds a connection with its own temporary tables, receives a chunk's orders and lines from the
  // import's connection by COPY, and writes them in one transaction.
  await inLanes(Math.min(options.lanes, chunks), (stopped) =>
    options.pool.connection().execute(async (lane) => {
      await sql`
        create temp table if not exists gx_lane_sale (n int not null, order_key text not null, customer_id text not null, lines int not null,
          total_fen bigint not null, placed_at timestamptz not null, status text, currency text not null)`.execute(lane);
      await sql`
        create temp table if not exists gx_lane_line (order_key text not null, line int not null, sku text, name text, quantity int,
          unit_price_fen bigint, amount_fen bigint)`.execute(lane);
      await sql`
        create temp table if not exists gx_order_claimed (order_key text not null, customer_id text not null, order_id text not null, status text,
          currency text not null, total_fen bigint not null, placed_at timestamptz not null, lines int not null) on commit delete rows`.execute(lane);
      try {
        while (!stopped()) {
          const chunk = nextChunk++;
          if (chunk >= chunks) return;
          // Whole numbers the import computed: COPY takes no parameters.
          const from = chunk * options.chunkOrders;
          const to = from + options.chunkOrders;
          await sql`truncate gx_lane_sale, gx_lane_line`.execute(lane);
          await copyBetween(
            conn,
            `copy (select n, order_key, customer_id, lines, total_fen, placed_at, status, currency from gx_order_sale where n > ${from} and n <= ${to}) to stdout`,
            lane,
            'copy gx_lane_sale from stdin',
          );
          await copyBetween(
            conn,
            `copy (select s.order_key, s.line, s.sku, s.name, s.quantity, s.unit_price_fen, s.amount_fen
                   from gx_order_sale o join gx_order_stage s on s.order_key = o.order_key
                   where o.n > ${from} and o.n <= ${to}) to stdout`,
            lane,
            'copy gx_lane_line from stdin',
          );
          await sql`analyze gx_lane_sale, gx_lane_line`.execute(lane);
          await options.transaction(lane, async (trx) => {
            await sql`
              with claimed as (
                insert into ingest_record (source_id, kind, external_id, customer_id, record_id, imported_at)
                -- imported_at: the chunk's own time, after its customers' summaries were created and before
                -- the import refreshes them (see gx_order_stale).
                select ${ctx.source}, 'order', order_key, customer_id, gx_id('ord', ${ctx.now}::timestamptz, ${salt} || order_key), now()
                from gx_lane_sale order by order_key
                on conflict do nothing
                returning external_id, record_id)
              insert into gx_order_claimed (order_key, customer_id, order_id, status, currency, total_fen, placed_at, lines)
              select c.order_key, c.customer_id, d.record_id, c.status, c.currency, c.total_fen, c.placed_at, c.lines
              from claimed d join gx_lane_sale c on c.order_key = d.external_id`.execute(trx);
            await sql`analyze gx_order_claimed`.execute(trx);
            const { lines } = await insertStagedOrders(trx, { orders: 'gx_order_claimed', lines: 'gx_lane_line' }, { source: ctx.source, at: ctx.now });
            const { rows: total } = await sql<{ n: number }>`select coalesce(sum(lines), 0)::int as n from gx_lane_sale`.execute(trx);
            const rows = total[0]?.n ?? 0;
            await options.record(trx, { total: rows, stored: lines, duplicate: rows - lines, errors: [] });
          });
          if (chunk === 0 || chunk === 3) await options.analyze(lane);
        }
      } finally {
        // The connection goes back to the pool clean (a broken one is not reused: the next lane recreates).
        await sql`discard temp`.execute(lane).catch(() => {});
      }
    }),
  );
  phase('orders');

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
    await options.transaction(conn, async (trx) => {
      const errors: RowError[] = [];
      const rootOf = new Map(groups.map((g) => [g.key, g.customerId]));
      const r = await importReturns(c(trx), groups, (g) => rootOf.get(g.key) ?? '', errors);
      await options.record(trx, { total: rows.length, stored: r.storedRows, duplicate: r.duplicateRows, errors });
      if (r.roots.size > 0) await refreshCustomerStats(trx, { customerIds: [...r.roots] });
    });
  }

  phase('returns');
  // Order summaries, once per customer.
  // Large chunks: each refresh reads the orders of its customers in one pass.
  await sql`
    declare gx_customers no scroll cursor with hold for
    select customer_id from gx_order_ref union select customer_id from gx_order_stale order by customer_id`.execute(conn);
  await inLanes(options.lanes, async (stopped) => {
    while (!stopped()) {
      const { rows } = await sql<{ customer_id: string }>`fetch forward 50000 from gx_customers`.execute(conn);
      if (rows.length === 0) return;
      await options.transaction(options.pool, (trx) => refreshCustomerStats(trx, { customerIds: rows.map((r) => r.customer_id) }));
      if (rows.length < 50_000) return;
    }
  });
  await sql`close gx_customers`.execute(conn);
  phase('order summaries');
};
