import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { RecentCache } from '../../../platform/recent-cache.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { enqueueIdentityMeasurement, identifierLockBudget, loadIdentityRules } from '../../identity/index.ts';
import type { ImportKind } from '../ingest.tables.ts';
import { ensureSource, isSourceId, recordRejections } from '../sources.ts';
import type { FileEncoding } from './decode-file.ts';
import { failInterruptedImports, holdingImportLock, stoppedBy } from './fail-interrupted-imports.ts';
import { type ColumnMapping, resolveMapping } from './field-mapping.ts';
import {
  addImportProgress,
  finishImport,
  type ImportCounts,
  type ImportStatus,
  insertImport,
  loadDateOrder,
  loadMapping,
  type RowError,
  saveMapping,
} from './import.repository.ts';
import { type BatchContext, identifierFieldsMapped, type KindImporter } from './import-batch.ts';
import { importCustomers } from './import-customers.ts';
import { importMessages } from './import-messages.ts';
import { createStage, dropStage, stageOrderRows, writeStagedOrders } from './import-orders-staged.ts';
import { importRefunds } from './import-refunds.ts';
import { importTickets } from './import-tickets.ts';
import { type DateOrder, isTimeZone } from './parse-values.ts';
import { type FileFormat, isProblem, openRows, type Row, type RowProblem } from './read-rows.ts';

/** Importers of the kinds written batch by batch as they are read (orders go through a staging table). */
const IMPORTERS: Record<Exclude<ImportKind, 'orders'>, KindImporter> = {
  customers: importCustomers,
  refunds: importRefunds,
  tickets: importTickets,
  messages: importMessages,
};

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const DEFAULT_BATCH_SIZE = 5_000;
/** Refunds, tickets, messages: batches written at once, each in its own transaction (on 2 cores, 2 measured no faster than 1). */
export const DEFAULT_CONCURRENCY = 1;
/**
 * Orders and customers: chunks written at once, each on its own connection (their writes are PostgreSQL's
 * work — index upkeep — which a second connection spreads over a second core).
 */
export const DEFAULT_LANES = 2;
/** Errors kept on the import row for the downloadable report; the counts stay exact beyond it. */
export const MAX_STORED_ERRORS = 10_000;
const MAX_DEBUGGER_REJECTIONS = 1_000;

export type ImportProgress = {
  /** Orders are read into a staging table first (`reading`), then written (`writing`); other kinds do both at once. */
  phase: 'reading' | 'writing';
  bytesRead: number;
  rows: number;
  stored: number;
  duplicate: number;
  rejected: number;
  /** Rows read so far; while writing, `rows` of `staged` are done. */
  staged: number;
};

export type ImportOptions = {
  kind: ImportKind;
  source: string;
  fileName: string;
  /** The file's bytes, streamed; read with backpressure, never whole. */
  bytes: AsyncIterable<Buffer | Uint8Array | string>;
  /** Column → field; completes the mapping saved for this source and kind, which it then replaces. */
  mapping?: ColumnMapping;
  timezone?: string;
  /** Day and month order of dates like 01/02/2024 (saved with the mapping); without it, see parseTimestamp. */
  dateOrder?: DateOrder;
  currency?: string;
  batchSize?: number;
  /** Batches written at once (DEFAULT_CONCURRENCY; orders and customers: DEFAULT_LANES). */
  concurrency?: number;
  onStarted?: (info: { id: string; encoding: FileEncoding; format: FileFormat; header: string[]; mapping: ColumnMapping }) => void;
  onProgress?: (p: ImportProgress) => void;
  /** Every rejected row, batch by batch (the stored report keeps the first 10,000). */
  onErrors?: (errors: RowError[]) => void | Promise<void>;
  /** Orders: how long each step of the import took (milliseconds), for profiling (`bench/`). */
  onPhase?: (phase: string, milliseconds: number) => void;
};

export type ImportSummary = {
  id: string;
  kind: ImportKind;
  source: string;
  fileName: string;
  encoding: FileEncoding;
  format: FileFormat;
  gzip: boolean;
  status: ImportStatus;
  mapping: ColumnMapping;
  rowsTotal: number;
  rowsStored: number;
  rowsDuplicate: number;
  rowsRejected: number;
  startedAt: Date;
  finishedAt: Date;
};

const CURRENCY = /^[A-Z]{3}$/;

const countBytes = (bytes: AsyncIterable<Buffer | Uint8Array | string>, counter: { n: number }) =>
  (async function* () {
    for await (const b of bytes) {
      counter.n += typeof b === 'string' ? Buffer.byteLength(b) : b.byteLength;
      yield b;
    }
  })();

const truncate = (s: string) => (s.length > 100 ? `${s.slice(0, 100)}…` : s);

// Tables a bulk import grows. From empty, the planner's statistics go stale within a few batches and it
// turns index look-ups into sequential scans (each batch then costs as much as the table is big).
const GROWING_TABLES: Record<ImportKind, string[]> = {
  customers: [],
  orders: ['customer_order', 'customer_order_line', 'customer_order_refund'],
  refunds: ['customer_order_refund'],
  tickets: ['service_ticket'],
  messages: ['community_message'],
};
const COMMON_TABLES = ['customer', 'customer_identifier', 'profile_trait', 'customer_stats', 'ingest_record'];

/** Refreshes planner statistics after batches 1, 2, 4, 8, …: a handful of cheap ANALYZE runs per import. */
const analyzeGrowingTables = async (db: Db, kind: ImportKind): Promise<void> => {
  await sql.raw(`analyze ${[...COMMON_TABLES, ...GROWING_TABLES[kind]].join(', ')}`).execute(db);
};

const isRetryable = (e: unknown) => ['40P01', '40001'].includes((e as { code?: string }).code ?? '');

/**
 * Imports one file of one kind from one source: detects the encoding and format, applies the column
 * mapping (saved for next time), streams the rows in batches — each batch one transaction, reading the
 * next batch while the previous one is written — and records progress, errors and an audit entry. Bad
 * rows are reported and skipped; good rows are kept; rows imported before are counted as duplicates.
 */
export const importFile = async (db: Db, clock: Clock, actor: Actor, options: ImportOptions): Promise<ImportSummary> => {
  const { kind, source } = options;
  if (!isSourceId(source))
    throw new AppError('request.invalid', `invalid source "${source}": lower-case letters, digits, - and _`, {
      fields: [{ path: 'source', message: 'lower-case letters, digits, - and _ (up to 63)' }],
    });
  const timezone = options.timezone ?? DEFAULT_TIMEZONE;
  if (!isTimeZone(timezone))
    throw new AppError('request.invalid', `unknown time zone "${timezone}"`, {
      fields: [{ path: 'timezone', message: 'an IANA time zone such as Asia/Shanghai' }],
    });
  const currency = (options.currency ?? 'CNY').toUpperCase();
  if (!CURRENCY.test(currency))
    throw new AppError('request.invalid', `invalid currency "${currency}"`, { fields: [{ path: 'currency', message: 'a three-letter code' }] });

  const bytesRead = { n: 0 };
  const opened = await openRows(countBytes(options.bytes, bytesRead), options.fileName);
  const saved = await loadMapping(db, source, kind);
  const dateOrder = options.dateOrder ?? (await loadDateOrder(db, source, kind));
  const { mapping, columns } = resolveMapping({ kind, header: opened.header, explicit: options.mapping, saved, openHeader: opened.format === 'jsonl' });
  for (const column of Object.keys(mapping)) if (!opened.header.includes(column)) opened.header.push(column);
  const rules = await loadIdentityRules(db);
  // Customers files are mostly new customers, so every identifier of a batch is locked while it is written:
  // batches that fit the identity lock budget, two at once (on 2 cores 200k customers with four identifiers
  // each: 63 s in batches of 5,000 one at a time — which then lock all identifiers — 45 s like this).
  // The most identifiers a row names its customer by: the identifier columns the mapping uses.
  const identifiersPerRow = Math.max(1, identifierFieldsMapped(columns, kind === 'customers' ? 'external_id' : 'customer_external_id'));
  const customersAtOnce =
    kind === 'customers' ? Math.max(100, Math.min(DEFAULT_BATCH_SIZE, Math.floor((await identifierLockBudget(db)) / identifiersPerRow))) : undefined;
  const batchSize = options.batchSize ?? customersAtOnce ?? DEFAULT_BATCH_SIZE;

  const id = newId('imp', clock.now());
  const startedAt = clock.now();
  await failInterruptedImports(db, startedAt);
  // The whole import runs on one connection holding the import's lock: if the process dies, PostgreSQL
  // ends the session, frees the lock, and the import is marked failed by the next check.
  return db.connection().execute((conn) => holdingImportLock(conn, id, () => run(conn)));

  async function run(conn: Db): Promise<ImportSummary> {
    await db.transaction().execute(async (trx) => {
      await ensureSource(trx, { id: source, kind: 'file' }, startedAt);
      await saveMapping(trx, source, kind, mapping, startedAt, options.dateOrder);
      await insertImport(trx, {
        id,
        sourceId: source,
        kind,
        fileName: options.fileName.slice(0, 300),
        encoding: opened.encoding,
        startedAt,
        startedBy: actor.label,
        dateOrder,
      });
    });
    options.onStarted?.({ id, encoding: opened.encoding, format: opened.format, header: opened.header, mapping });

    const totals: ImportCounts = { total: 0, stored: 0, duplicate: 0, rejected: 0 };
    let storedErrors = 0;
    let debuggerRejections = 0;
    let batches = 0;
    const identifierCache: BatchContext['identifierCache'] = new RecentCache(25_000);
    const refCache: BatchContext['refCache'] = new RecentCache(25_000);
    const importer = kind === 'orders' ? undefined : IMPORTERS[kind];

    let phase: ImportProgress['phase'] = kind === 'orders' ? 'reading' : 'writing';
    let staged = 0;
    const progress = () =>
      options.onProgress?.({
        phase,
        bytesRead: bytesRead.n,
        rows: totals.total,
        stored: totals.stored,
        duplicate: totals.duplicate,
        rejected: totals.rejected,
        staged: Math.max(staged, totals.total),
      });

    /**
     * Adds a chunk's counts and errors to the import row, in the chunk's transaction; the stored report and
     * the debugger's rejections are capped (reserved at once: chunks written side by side share the caps).
     * Returns `commit`, to be called once the transaction committed, and `rollback` otherwise.
     */
    const recordOutcome = async (trx: Trx, delta: ImportCounts, errors: RowError[]) => {
      errors.sort((a, b) => a.row - b.row);
      const keep = errors.slice(0, Math.max(0, MAX_STORED_ERRORS - storedErrors));
      const forDebugger = errors.slice(0, Math.max(0, MAX_DEBUGGER_REJECTIONS - debuggerRejections));
      storedErrors += keep.length;
      debuggerRejections += forDebugger.length;
      const reserved = { kept: keep.length, debugged: forDebugger.length };
      await addImportProgress(trx, id, delta, keep);
      await recordRejections(
        trx,
        forDebugger.map((e) => ({ sourceId: source, type: 'import', name: kind, field: e.field, reason: `line ${e.row}: ${e.reason}`, at: clock.now() })),
      );
      return {
        commit: async () => {
          totals.total += delta.total;
          totals.stored += delta.stored;
          totals.duplicate += delta.duplicate;
          totals.rejected += delta.rejected;
          if (errors.length > 0) await options.onErrors?.(errors);
          progress();
        },
        rollback: () => {
          storedErrors -= reserved.kept;
          debuggerRejections -= reserved.debugged;
        },
      };
    };

    /** One transaction (on `on`, the pool by default), retried when PostgreSQL picks it to break a deadlock. */
    const transaction = async <T>(fn: (trx: Trx) => Promise<T>, on: Db = db): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await on.transaction().execute(fn);
        } catch (e) {
          if (attempt >= 6 || !isRetryable(e)) throw e;
        }
      }
    };

    const writeBatch = async (rows: Row[], problems: RowError[]) => {
      let pending: Awaited<ReturnType<typeof recordOutcome>> | undefined;
      const commit = await transaction(async (trx) => {
        pending?.rollback();
        const ctx: BatchContext = {
          trx,
          clock,
          rules,
          source,
          kind,
          columns,
          header: opened.header,
          timezone,
          dateOrder,
          currency,
          now: clock.now(),
          identifierCache,
          refCache,
        };
        const out = rows.length > 0 && importer ? await importer(ctx, rows) : { stored: 0, duplicate: 0, errors: [] };
        const errors = [...problems, ...out.errors];
        pending = await recordOutcome(
          trx,
          { total: rows.length + problems.length, stored: out.stored, duplicate: out.duplicate, rejected: errors.length },
          errors,
        );
        return { pending, stored: out.stored };
      }).catch((e: unknown) => {
        pending?.rollback();
        throw e;
      });
      batches++;
      if ((batches & (batches - 1)) === 0 && commit.stored > 0) await analyzeGrowingTables(db, kind);
      await commit.pending.commit();
    };

    /** Rows that cannot be read, or hold bytes not in the detected encoding. */
    const problemOf = (item: Row | RowProblem): RowError | undefined => {
      if (isProblem(item)) return { row: item.line, field: '', value: '', reason: item.problem };
      const bad = item.cells.findIndex((c) => c.includes('\uFFFD'));
      if (bad < 0) return undefined;
      return {
        row: item.line,
        field: opened.header[bad] ?? '',
        value: truncate(item.cells[bad] ?? ''),
        reason: `contains bytes that are not valid ${opened.encoding} (is the whole file in one encoding?)`,
      };
    };

    /**
     * Orders: every row is parsed and COPY'd into a staging table on one connection (pass 1), then orders
     * are grouped, resolved and written set-based (pass 2): lines of one order need not be adjacent.
     */
    const importStagedOrders = async () => {
      const base = { clock, rules, source, kind, columns, header: opened.header, timezone, dateOrder, currency, now: clock.now(), identifierCache, refCache };
      // Pass 1's errors go through the pool: the import's own connection is busy with the COPY meanwhile.
      const record = async (errors: RowError[], delta: ImportCounts) => {
        let pending: Awaited<ReturnType<typeof recordOutcome>> | undefined;
        await transaction(async (trx) => {
          pending?.rollback();
          pending = await recordOutcome(trx, delta, errors);
        }).catch((e: unknown) => {
          pending?.rollback();
          throw e;
        });
        await pending?.commit();
      };
      async function* readable(): AsyncGenerator<Row[]> {
        for await (const items of opened.rows) {
          const good: Row[] = [];
          const problems: RowError[] = [];
          for (const item of items) {
            const p = problemOf(item);
            if (p) problems.push(p);
            else good.push(item as Row);
          }
          staged += items.length;
          if (problems.length > 0) await record(problems, { total: problems.length, stored: 0, duplicate: 0, rejected: problems.length });
          if (good.length > 0) yield good;
        }
      }
      // A chunk's counts are recorded in its transaction and counted once it committed (an attempt that
      // failed, e.g. picked to break a deadlock, gives its reservations back before the retry). Chunks of
      // several lanes commit side by side: each transaction keeps its own.
      const pendingsOf = new WeakMap<Trx, Awaited<ReturnType<typeof recordOutcome>>[]>();
      const chunkTransaction = async <T>(on: Db, fn: (trx: Trx) => Promise<T>): Promise<T> => {
        let mine: Awaited<ReturnType<typeof recordOutcome>>[] = [];
        const rollback = () => {
          for (const p of mine) p.rollback();
          mine = [];
        };
        const result = await transaction((trx) => {
          rollback();
          pendingsOf.set(trx, mine);
          return fn(trx);
        }, on).catch((e: unknown) => {
          rollback();
          throw e;
        });
        for (const p of mine) await p.commit();
        return result;
      };

      await createStage(conn);
      try {
        await stageOrderRows(
          conn,
          base,
          readable(),
          async (errors) => {
            if (errors.length > 0) await record(errors, { total: errors.length, stored: 0, duplicate: 0, rejected: errors.length });
            else progress();
          },
          options.onPhase,
        );
        phase = 'writing';
        progress();
        await writeStagedOrders(conn, base, {
          onPhase: options.onPhase,
          pool: db,
          transaction: chunkTransaction,
          chunkOrders: Math.max(100, Math.min(50_000, batchSize * 10)),
          chunkCustomers: Math.max(100, Math.min(10_000, batchSize)),
          identifiersPerCustomer: identifiersPerRow,
          lanes: options.concurrency ?? DEFAULT_LANES,
          analyze: (on) => analyzeGrowingTables(on, kind),
          record: async (trx, outcome) => {
            const pendings = pendingsOf.get(trx);
            if (!pendings) throw new Error('an import chunk was recorded outside its transaction');
            const delta = { total: outcome.total, stored: outcome.stored, duplicate: outcome.duplicate, rejected: outcome.errors.length };
            pendings.push(await recordOutcome(trx, delta, outcome.errors));
          },
        });
      } finally {
        await dropStage(conn).catch(() => {});
      }
    };

    let status: ImportStatus = 'done';
    let failure: unknown;
    const concurrency = Math.max(1, options.concurrency ?? (kind === 'customers' ? DEFAULT_LANES : DEFAULT_CONCURRENCY));
    const inFlight = new Set<Promise<void>>();
    let batchError: unknown;
    try {
      if (kind === 'orders') {
        await importStagedOrders();
      } else {
        let rows: Row[] = [];
        let problems: RowError[] = [];
        // Reading goes on while up to `concurrency` batches are written; it waits (backpressure) beyond.
        const flush = async () => {
          const [r, p] = [rows, problems];
          rows = [];
          problems = [];
          while (inFlight.size >= concurrency) await Promise.race(inFlight);
          if (batchError) throw batchError;
          const job: Promise<void> = writeBatch(r, p)
            .catch((e: unknown) => {
              batchError ??= e;
            })
            .finally(() => inFlight.delete(job));
          inFlight.add(job);
        };
        for await (const items of opened.rows) {
          for (const item of items) {
            staged++;
            const problem = problemOf(item);
            if (problem) {
              problems.push(problem);
              if (rows.length + problems.length >= batchSize * 4) await flush();
              continue;
            }
            if (rows.length + problems.length >= batchSize) await flush();
            rows.push(item as Row);
          }
        }
        if (rows.length + problems.length > 0) await flush();
        await Promise.all(inFlight);
        if (batchError) throw batchError;
      }
    } catch (e) {
      status = 'failed';
      failure = e;
      await Promise.all(inFlight);
    }

    const finishedAt = clock.now();
    await db.transaction().execute(async (trx) => {
      await finishImport(trx, id, status, finishedAt, failure === undefined ? null : stoppedBy(failure));
      await recordAudit(trx, clock, actor, {
        action: 'ingest.import',
        subjectType: 'ingest_import',
        subjectId: id,
        details: {
          kind,
          source,
          status,
          encoding: opened.encoding,
          format: opened.format,
          rows: totals.total,
          stored: totals.stored,
          duplicates: totals.duplicate,
          rejected: totals.rejected,
        },
      });
    });
    // New orders and customers move the link rate: a new measurement, once a burst of imports has settled.
    if (totals.stored > 0) await enqueueIdentityMeasurement(db, { afterMinutes: 5 });
    if (failure) throw failure;
    return {
      id,
      kind,
      source,
      fileName: options.fileName,
      encoding: opened.encoding,
      format: opened.format,
      gzip: opened.gzip,
      status,
      mapping,
      rowsTotal: totals.total,
      rowsStored: totals.stored,
      rowsDuplicate: totals.duplicate,
      rowsRejected: totals.rejected,
      startedAt,
      finishedAt,
    };
  }
};
