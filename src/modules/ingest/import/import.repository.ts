import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import type { DateOrder, IngestImportTable, IngestRecordTable } from '../ingest.tables.ts';
import type { ColumnMapping } from './field-mapping.ts';

export type RecordKind = IngestRecordTable['kind'];
export type ImportStatus = IngestImportTable['status'];

/** One rejected row in the report: line in the file, the column, its value (truncated) and why. */
export type RowError = { row: number; field: string; value: string; reason: string };

export const loadMapping = async (db: Db | Trx, sourceId: string, kind: string): Promise<ColumnMapping | undefined> =>
  (await db.selectFrom('ingest_mapping').select('mapping').where('source_id', '=', sourceId).where('kind', '=', kind).executeTakeFirst())?.mapping;

/** The date order saved with the mapping of this source and kind, if any. */
export const loadDateOrder = async (db: Db | Trx, sourceId: string, kind: string): Promise<DateOrder | undefined> =>
  (await db.selectFrom('ingest_mapping').select('date_order').where('source_id', '=', sourceId).where('kind', '=', kind).executeTakeFirst())?.date_order ??
  undefined;

/** Saves the mapping; a date order given replaces the saved one (undefined keeps it). */
export const saveMapping = async (trx: Trx, sourceId: string, kind: string, mapping: ColumnMapping, at: Date, dateOrder?: DateOrder): Promise<void> => {
  const order = dateOrder === undefined ? {} : { date_order: dateOrder };
  await trx
    .insertInto('ingest_mapping')
    .values({ source_id: sourceId, kind, mapping: JSON.stringify(mapping), updated_at: at, ...order })
    .onConflict((oc) => oc.columns(['source_id', 'kind']).doUpdateSet({ mapping: JSON.stringify(mapping), updated_at: at, ...order }))
    .execute();
};

export const insertImport = async (
  trx: Trx,
  row: { id: string; sourceId: string; kind: string; fileName: string; encoding: string; startedAt: Date; startedBy: string | null; dateOrder?: DateOrder },
): Promise<void> => {
  await trx
    .insertInto('ingest_import')
    .values({
      id: row.id,
      source_id: row.sourceId,
      kind: row.kind,
      file_name: row.fileName,
      encoding: row.encoding,
      status: 'running',
      errors: '[]',
      started_at: row.startedAt,
      finished_at: null,
      started_by: row.startedBy,
      date_order: row.dateOrder ?? null,
    })
    .execute();
};

export type ImportCounts = { total: number; stored: number; duplicate: number; rejected: number };

/** Adds a batch's counts and (the first of) its errors to the import row, in the batch's transaction. */
export const addImportProgress = async (trx: Trx, id: string, delta: ImportCounts, errors: RowError[]): Promise<void> => {
  await sql`
    update ingest_import set
      rows_total = rows_total + ${delta.total},
      rows_stored = rows_stored + ${delta.stored},
      rows_duplicate = rows_duplicate + ${delta.duplicate},
      rows_rejected = rows_rejected + ${delta.rejected},
      errors = case when ${errors.length}::int = 0 then errors else errors || ${JSON.stringify(errors)}::jsonb end
    where id = ${id}`.execute(trx);
};

export const finishImport = async (trx: Trx, id: string, status: ImportStatus, at: Date, failure: string | null = null): Promise<void> => {
  await trx.updateTable('ingest_import').set({ status, finished_at: at, failure }).where('id', '=', id).execute();
};

/** Keys of this source and kind already imported. */
export const existingRecords = async (trx: Trx, sourceId: string, kind: RecordKind, keys: string[]): Promise<Set<string>> => {
  if (keys.length === 0) return new Set();
  const { rows } = await sql<{ external_id: string }>`
    select r.external_id from ingest_record r
    where r.source_id = ${sourceId} and r.kind = ${kind} and r.external_id = any(${keys}::text[])`.execute(trx);
  return new Set(rows.map((r) => r.external_id));
};

/** The import's claim on each key; a key claimed before (a concurrent import) is not returned. */
export const claimRecords = async (
  trx: Trx,
  sourceId: string,
  kind: RecordKind,
  rows: { externalId: string; customerId: string; recordId: string }[],
  at: Date,
): Promise<Set<string>> => {
  if (rows.length === 0) return new Set();
  const { rows: claimed } = await sql<{ external_id: string }>`
    insert into ingest_record (source_id, kind, external_id, customer_id, record_id, imported_at)
    select ${sourceId}, ${kind}, e, c, r, ${at}::timestamptz
    from unnest(${rows.map((r) => r.externalId)}::text[], ${rows.map((r) => r.customerId)}::text[], ${rows.map((r) => r.recordId)}::text[]) as u(e, c, r)
    on conflict do nothing
    returning external_id`.execute(trx);
  return new Set(claimed.map((r) => r.external_id));
};

/** Imported records by key (an order named by a refund). */
export const findRecords = async (
  trx: Trx,
  sourceId: string,
  kind: RecordKind,
  keys: string[],
): Promise<Map<string, { customerId: string; recordId: string }>> => {
  if (keys.length === 0) return new Map();
  const { rows } = await sql<{ external_id: string; customer_id: string; record_id: string }>`
    select external_id, customer_id, record_id from ingest_record
    where source_id = ${sourceId} and kind = ${kind} and external_id = any(${keys}::text[])`.execute(trx);
  return new Map(rows.map((r) => [r.external_id, { customerId: r.customer_id, recordId: r.record_id }]));
};
