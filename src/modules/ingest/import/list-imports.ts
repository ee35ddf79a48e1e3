import type { Selectable } from 'kysely';
import type { Db } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import type { IngestImportTable } from '../ingest.tables.ts';
import type { RowError } from './import.repository.ts';

export type ImportRecord = {
  id: string;
  source: string;
  kind: string;
  fileName: string;
  encoding: string | null;
  status: IngestImportTable['status'];
  rowsTotal: number;
  rowsStored: number;
  rowsDuplicate: number;
  rowsRejected: number;
  /** Rejected rows listed in the downloadable report (the first 10,000). */
  errorsListed: number;
  startedAt: Date;
  finishedAt: Date | null;
  startedBy: string | null;
  /** Why it failed (e.g. interrupted by a crash), when it did. */
  failure: string | null;
};

const COLUMNS = [
  'id',
  'source_id',
  'kind',
  'file_name',
  'encoding',
  'status',
  'rows_total',
  'rows_stored',
  'rows_duplicate',
  'rows_rejected',
  'started_at',
  'finished_at',
  'started_by',
  'failure',
] as const;

type Selected = Pick<Selectable<IngestImportTable>, (typeof COLUMNS)[number]> & { errors_listed: number };

const toRecord = (r: Selected): ImportRecord => ({
  id: r.id,
  source: r.source_id,
  kind: r.kind,
  fileName: r.file_name,
  encoding: r.encoding,
  status: r.status,
  rowsTotal: r.rows_total,
  rowsStored: r.rows_stored,
  rowsDuplicate: r.rows_duplicate,
  rowsRejected: r.rows_rejected,
  errorsListed: r.errors_listed,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  startedBy: r.started_by,
  failure: r.failure,
});

const base = (db: Db) =>
  db
    .selectFrom('ingest_import')
    .select(COLUMNS)
    .select((eb) => eb.fn<number>('jsonb_array_length', [eb.ref('errors')]).as('errors_listed'));

/** Past and running imports, newest first. */
export const listImports = async (
  db: Db,
  query: { page: number; pageSize: number; source?: string; kind?: string },
): Promise<{ items: ImportRecord[]; total: number }> => {
  let q = base(db);
  let count = db.selectFrom('ingest_import').select((eb) => eb.fn.countAll<number>().as('n'));
  if (query.source) {
    q = q.where('source_id', '=', query.source);
    count = count.where('source_id', '=', query.source);
  }
  if (query.kind) {
    q = q.where('kind', '=', query.kind);
    count = count.where('kind', '=', query.kind);
  }
  const [rows, total] = await Promise.all([
    q
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toRecord), total: Number(total.n) };
};

/** One import's progress and summary; throws `ingest.import_not_found`. */
export const getImport = async (db: Db, id: string): Promise<ImportRecord> => {
  const row = await base(db).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('ingest.import_not_found', `no import ${id}`);
  return toRecord(row);
};

/** The rejected rows kept for the report. */
export const getImportErrors = async (db: Db, id: string): Promise<{ record: ImportRecord; errors: RowError[] }> => {
  const record = await getImport(db, id);
  const row = await db.selectFrom('ingest_import').select('errors').where('id', '=', id).executeTakeFirstOrThrow();
  // Batches written side by side may append their errors out of order.
  return { record, errors: (row.errors as RowError[]).sort((a, b) => a.row - b.row) };
};
