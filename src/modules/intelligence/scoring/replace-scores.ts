import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Trx } from '../../../platform/db.ts';

/** The per-customer score tables a run replaces as a whole (latest run only, ADR 0011). */
export type ScoreTable = 'clv_score' | 'churn_score';

type IndexRow = { name: string; def: string; constraint: string | null };
type ConstraintRow = { name: string; def: string };

/**
 * Replaces every row of a score table by build-and-swap, in the caller's transaction: `fill` writes the
 * new rows into an empty copy that has no indexes and no foreign keys (set-based `insert … select` or
 * COPY: no per-row index or foreign-key work); the copy then gets the live table's indexes (one sorted
 * build each) and constraints (one join validates the foreign key) and takes the table's place under its
 * name. Readers see the old scores until the commit; a failed run leaves them in place.
 *
 * The index and constraint definitions are read from the catalog, so the table keeps whatever its
 * migrations gave it. Only DDL text from the catalog and constant names are spliced; no data is.
 */
export const replaceScores = async (trx: Trx, table: ScoreTable, fill: (next: ScoreTable | `${ScoreTable}_next`) => Promise<void>): Promise<void> => {
  const next = `${table}_next` as const;
  const live = sql.table(table);
  const fresh = sql.table(next);
  // The definitions come from the live table before anything changes.
  const { rows: indexes } = await sql<IndexRow>`
    select i.relname as name, pg_get_indexdef(i.oid) as def, c.conname as constraint
    from pg_index x join pg_class i on i.oid = x.indexrelid
    left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = x.indrelid
    where x.indrelid = ${table}::regclass
    order by i.relname`.execute(trx);
  const { rows: foreignKeys } = await sql<ConstraintRow>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = ${table}::regclass and contype = 'f' order by conname`.execute(trx);

  await sql`drop table if exists ${fresh}`.execute(trx);
  // Columns, defaults, NOT NULL and CHECK constraints; no indexes, no foreign keys yet.
  await sql`create table ${fresh} (like ${live} including defaults including constraints including storage)`.execute(trx);
  await fill(next);

  for (const index of indexes) {
    const temp = sql.id(`${index.name}_next`);
    if (index.constraint) {
      // Primary key / unique constraint: its definition (e.g. "PRIMARY KEY (customer_id)") builds the index.
      const { rows } = await sql<{ def: string }>`
        select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = ${table}::regclass and conname = ${index.constraint}`.execute(trx);
      await sql`alter table ${fresh} add constraint ${temp} ${sql.raw((rows[0] as { def: string }).def)}`.execute(trx);
    } else {
      // "CREATE [UNIQUE] INDEX name ON public.table USING btree (…)": the same method and keys on the copy.
      const using = index.def.indexOf(' USING ');
      const unique = /^CREATE UNIQUE INDEX /.test(index.def);
      await sql`create ${sql.raw(unique ? 'unique ' : '')}index ${temp} on ${fresh}${sql.raw(index.def.slice(using))}`.execute(trx);
    }
  }
  for (const fk of foreignKeys) {
    await sql`alter table ${fresh} add constraint ${sql.id(`${fk.name}_next`)} ${sql.raw(fk.def)}`.execute(trx);
  }

  await sql`drop table ${live}`.execute(trx);
  await sql`alter table ${fresh} rename to ${sql.id(table)}`.execute(trx);
  for (const index of indexes) {
    if (index.constraint) await sql`alter table ${live} rename constraint ${sql.id(`${index.name}_next`)} to ${sql.id(index.constraint)}`.execute(trx);
    else await sql`alter index ${sql.id(`${index.name}_next`)} rename to ${sql.id(index.name)}`.execute(trx);
  }
  for (const fk of foreignKeys) {
    await sql`alter table ${live} rename constraint ${sql.id(`${fk.name}_next`)} to ${sql.id(fk.name)}`.execute(trx);
  }
  await sql`analyze ${live}`.execute(trx);
};

// COPY text format: backslash escapes for the characters that delimit fields and rows; \N is null.
const COPY_ESCAPE = /[\\\t\n\r]/g;
const copyText = (v: string | number | null): string =>
  v === null
    ? '\\N'
    : typeof v === 'number'
      ? String(v)
      : v.replace(COPY_ESCAPE, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/**
 * Writes rows with one COPY on the transaction's connection (pg's `client.query` accepts pg-copy-streams'
 * stream in place of SQL text, which Kysely's driver passes through). Numbers must be finite.
 */
export const copyRows = async (trx: Trx, table: string, columns: readonly string[], rows: readonly (readonly (string | number | null)[])[]): Promise<void> => {
  if (rows.length === 0) return;
  // Identifiers are constants of this module (table and column names), quoted as identifiers.
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const stream = copyFrom(`copy ${quote(table)} (${columns.map(quote).join(', ')}) from stdin`);
  const lines = function* () {
    const chunk: string[] = [];
    for (const row of rows) {
      chunk.push(`${row.map(copyText).join('\t')}\n`);
      if (chunk.length === 1000) yield chunk.splice(0).join('');
    }
    if (chunk.length > 0) yield chunk.join('');
  };
  await trx.getExecutor().provideConnection(async (c) => {
    try {
      await c.executeQuery({ sql: stream as unknown as string, parameters: [], query: { kind: 'RawNode' } as never, queryId: { queryId: 'copy' } });
    } catch (e) {
      // Ends the COPY the server is waiting in (CopyFail), so the connection stays usable.
      stream.destroy(e as Error);
      throw e;
    }
    await pipeline(Readable.from(lines()), stream);
  });
};
