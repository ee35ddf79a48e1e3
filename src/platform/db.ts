import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from '../modules/database.ts';

// bigint (int8) and numeric come back as strings by default; counts and fen sums fit in a double up to 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;

export type DbHandle = { db: Db; pool: pg.Pool; close: () => Promise<void> };

export const createDb = (connectionString: string, poolSize = 10): DbHandle => {
  const pool = new pg.Pool({ connectionString, max: poolSize, application_name: 'guanxi' });
  // A client losing its connection (server restart, admin kill) must not crash the process; the pool
  // discards it and the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
};

/** Replaces the database name of a PostgreSQL URL. */
export const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** CREATE DATABASE cannot take a bound parameter; names are checked against a strict pattern instead. */
export const assertIdentifier = (name: string): string => {
  if (!IDENT.test(name)) throw new Error(`unsafe database identifier: ${name}`);
  return name;
};

export const ensureDatabase = async (adminUrl: string, database: string): Promise<void> => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await client.query(`create database ${assertIdentifier(database)}`);
  } finally {
    await client.end();
  }
};
