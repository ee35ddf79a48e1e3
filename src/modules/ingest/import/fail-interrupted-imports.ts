import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { INTERRUPTED, stoppedText } from './import-failure.shared.ts';

export { INTERRUPTED };

/** The failure text of an import that `e` stopped (its code only: see stoppedText). */
export const stoppedBy = (e: unknown): string => stoppedText(String((e as { code?: unknown } | null)?.code ?? ''));

/** The advisory-lock key an import holds for as long as its process works on it. */
export const importLockKey = (id: string): string => `ingest_import:${id}`;

/**
 * Holds the import's lock on `conn` (a session lock: it lasts as long as that connection, so it is released
 * when the process dies however it dies) while `fn` runs.
 */
export const holdingImportLock = async <T>(conn: Db, id: string, fn: () => Promise<T>): Promise<T> => {
  await sql`select pg_advisory_lock(hashtextextended(${importLockKey(id)}, 0))`.execute(conn);
  try {
    return await fn();
  } finally {
    await sql`select pg_advisory_unlock(hashtextextended(${importLockKey(id)}, 0))`.execute(conn).catch(() => {});
  }
};

/**
 * Marks failed every import still `running` whose process is gone: its lock is free. (A live import
 * holds it, so one running on another node or in a CLI is left alone.) Returns the ids marked.
 */
export const failInterruptedImports = async (db: Db | Trx, at: Date): Promise<string[]> => {
  const { rows } = await sql<{ id: string }>`
    update ingest_import set status = 'failed', finished_at = ${at}, failure = ${INTERRUPTED}
    where status = 'running' and pg_try_advisory_xact_lock(hashtextextended('ingest_import:' || id, 0))
    returning id`.execute(db);
  return rows.map((r) => r.id);
};
