import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { loadIdentityRules } from '../../identity/index.ts';
import type { ImportKind } from '../ingest.tables.ts';
import { ensureSource, isSourceId, recordRejections } from '../sources.ts';
import type { FileEncoding } from './decode-file.ts';
import { type ColumnMapping, resolveMapping } from './field-mapping.ts';
import {
  addImportProgress,
  finishImport,
  type ImportCounts,
  type ImportStatus,
  insertImport,
  loadMapping,
  type RowError,
  saveMapping,
} from './import.repository.ts';
import type { BatchContext, KindImporter } from './import-batch.ts';
import { importCustomers } from './import-customers.ts';
import { importMessages } from './import-messages.ts';
import { importOrders } from './import-orders.ts';
import { importRefunds } from './import-refunds.ts';
import { importTickets } from './import-tickets.ts';
import { isTimeZone } from './parse-values.ts';
import { type FileFormat, isProblem, openRows, type Row } from './read-rows.ts';

const IMPORTERS: Record<ImportKind, KindImporter> = {
  customers: importCustomers,
  orders: importOrders,
  refunds: importRefunds,
  tickets: importTickets,
  messages: importMessages,
};

export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const DEFAULT_BATCH_SIZE = 5_000;
/** Batches written at once, each in its own transaction (on 2 cores, 2 measured no faster than 1). */
export const DEFAULT_CONCURRENCY = 1;
/** Errors kept on the import row for the downloadable report; the counts stay exact beyond it. */
export const MAX_STORED_ERRORS = 10_000;
const MAX_DEBUGGER_REJECTIONS = 1_000;

export type ImportProgress = { bytesRead: number; rows: number; stored: number; duplicate: number; rejected: number };

export type ImportOptions = {
  kind: ImportKind;
  source: string;
  fileName: string;
  /** The file's bytes, streamed; read with backpressure, never whole. */
  bytes: AsyncIterable<Buffer | Uint8Array | string>;
  /** Column → field; completes the mapping saved for this source and kind, which it then replaces. */
  mapping?: ColumnMapping;
  timezone?: string;
  currency?: string;
  batchSize?: number;
  concurrency?: number;
  onStarted?: (info: { id: string; encoding: FileEncoding; format: FileFormat; header: string[]; mapping: ColumnMapping }) => void;
  onProgress?: (p: ImportProgress) => void;
  /** Every rejected row, batch by batch (the stored report keeps the first 10,000). */
  onErrors?: (errors: RowError[]) => void | Promise<void>;
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
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;

  const bytesRead = { n: 0 };
  const opened = await openRows(countBytes(options.bytes, bytesRead), options.fileName);
  const saved = await loadMapping(db, source, kind);
  const { mapping, columns } = resolveMapping({ kind, header: opened.header, explicit: options.mapping, saved, openHeader: opened.format === 'jsonl' });
  for (const column of Object.keys(mapping)) if (!opened.header.includes(column)) opened.header.push(column);
  const rules = await loadIdentityRules(db);

  const id = newId('imp', clock.now());
  const startedAt = clock.now();
  await db.transaction().execute(async (trx) => {
    await ensureSource(trx, { id: source, kind: 'file' }, startedAt);
    await saveMapping(trx, source, kind, mapping, startedAt);
    await insertImport(trx, {
      id,
      sourceId: source,
      kind,
      fileName: options.fileName.slice(0, 300),
      encoding: opened.encoding,
      startedAt,
      startedBy: actor.label,
    });
  });
  options.onStarted?.({ id, encoding: opened.encoding, format: opened.format, header: opened.header, mapping });

  const totals: ImportCounts = { total: 0, stored: 0, duplicate: 0, rejected: 0 };
  let storedErrors = 0;
  let debuggerRejections = 0;
  let batches = 0;
  const identifierCache: BatchContext['identifierCache'] = new Map();
  const importer = IMPORTERS[kind];

  const writeBatch = async (rows: Row[], problems: RowError[]) => {
    let reserved = { kept: 0, debugged: 0 };
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await db.transaction().execute(async (trx) => {
          const ctx: BatchContext = { trx, clock, rules, source, kind, columns, header: opened.header, timezone, currency, now: clock.now(), identifierCache };
          const out = rows.length > 0 ? await importer(ctx, rows) : { stored: 0, duplicate: 0, errors: [] };
          const errors = [...problems, ...out.errors].sort((a, b) => a.row - b.row);
          const delta = { total: rows.length + problems.length, stored: out.stored, duplicate: out.duplicate, rejected: errors.length };
          // Reserved at once: batches running alongside share the caps.
          const keep = errors.slice(0, Math.max(0, MAX_STORED_ERRORS - storedErrors));
          const forDebugger = errors.slice(0, Math.max(0, MAX_DEBUGGER_REJECTIONS - debuggerRejections));
          storedErrors += keep.length;
          debuggerRejections += forDebugger.length;
          reserved = { kept: keep.length, debugged: forDebugger.length };
          await addImportProgress(trx, id, delta, keep);
          await recordRejections(
            trx,
            forDebugger.map((e) => ({ sourceId: source, type: 'import', name: kind, field: e.field, reason: `line ${e.row}: ${e.reason}`, at: ctx.now })),
          );
          return { delta, errors };
        });
        reserved = { kept: 0, debugged: 0 };
        totals.total += outcome.delta.total;
        totals.stored += outcome.delta.stored;
        totals.duplicate += outcome.delta.duplicate;
        totals.rejected += outcome.delta.rejected;
        batches++;
        if ((batches & (batches - 1)) === 0 && outcome.delta.stored > 0) await analyzeGrowingTables(db, kind);
        if (outcome.errors.length > 0) await options.onErrors?.(outcome.errors);
        options.onProgress?.({ bytesRead: bytesRead.n, rows: totals.total, stored: totals.stored, duplicate: totals.duplicate, rejected: totals.rejected });
        return;
      } catch (e) {
        storedErrors -= reserved.kept;
        debuggerRejections -= reserved.debugged;
        reserved = { kept: 0, debugged: 0 };
        // Two batches touching the same customers in opposite order: the one PostgreSQL picks retries.
        if (attempt >= 6 || !isRetryable(e)) throw e;
      }
    }
  };

  let status: ImportStatus = 'done';
  let failure: unknown;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const inFlight = new Set<Promise<void>>();
  let batchError: unknown;
  // A return is refunded against the customer's earlier orders: batches before it must be written first.
  const returnCells = kind === 'orders' ? [columns.index.quantity, columns.index.amount].filter((i): i is number => i !== undefined) : [];
  const hasReturn = (rows: Row[]) => returnCells.length > 0 && rows.some((r) => returnCells.some((i) => r.cells[i]?.trimStart().startsWith('-')));
  try {
    const groupKey = kind === 'orders' && columns.index.external_id !== undefined ? columns.index.external_id : -1;
    let rows: Row[] = [];
    let problems: RowError[] = [];
    // Reading goes on while up to `concurrency` batches are written; it waits (backpressure) beyond.
    const flush = async () => {
      const [r, p] = [rows, problems];
      rows = [];
      problems = [];
      if (hasReturn(r)) await Promise.all(inFlight);
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
        const bad = isProblem(item) ? -1 : item.cells.findIndex((c) => c.includes('\uFFFD'));
        if (isProblem(item) || bad >= 0) {
          problems.push(
            isProblem(item)
              ? { row: item.line, field: '', value: '', reason: item.problem }
              : {
                  row: item.line,
                  field: opened.header[bad] ?? '',
                  value: truncate(item.cells[bad] ?? ''),
                  reason: `contains bytes that are not valid ${opened.encoding} (is the whole file in one encoding?)`,
                },
          );
          if (rows.length + problems.length >= batchSize * 4) await flush();
          continue;
        }
        const size = rows.length + problems.length;
        if (size >= batchSize) {
          // Lines of one order stay in one batch (up to four batches' worth).
          const last = rows[rows.length - 1];
          const sameOrder = groupKey >= 0 && last !== undefined && last.cells[groupKey] === item.cells[groupKey];
          if (!sameOrder || size >= batchSize * 4) await flush();
        }
        rows.push(item);
      }
    }
    if (rows.length + problems.length > 0) await flush();
    await Promise.all(inFlight);
    if (batchError) throw batchError;
  } catch (e) {
    status = 'failed';
    failure = e;
    await Promise.all(inFlight);
  }

  const finishedAt = clock.now();
  await db.transaction().execute(async (trx) => {
    await finishImport(trx, id, status, finishedAt);
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
};
