import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { type Config, loadConfig } from '../src/platform/config.ts';
import { type OpenDatabase, openDatabase } from '../src/platform/database.ts';
import { assertIdentifier, ensureDatabase, withDatabase } from '../src/platform/db.ts';
import type { Logger } from '../src/platform/logger.ts';

export const BENCH_DATABASE = 'guanxi_bench';
const DEFAULT_BENCH_PG_PORT = '54340';
const benchPort = (): string => process.env.GUANXI_BENCH_PG_PORT ?? DEFAULT_BENCH_PG_PORT;
/** One cluster per port, so two benches on different ports never share (or wipe) a data directory. */
export const benchDataDir = (): string => (benchPort() === DEFAULT_BENCH_PG_PORT ? '.guanxi/bench-pg' : `.guanxi/bench-pg-${benchPort()}`);

export type BenchDatabase = OpenDatabase & { config: Config; serverVersion: string };

const pidIsAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Wipes the bench's own embedded cluster, refusing while a server still runs on it. */
const wipeEmbeddedCluster = (dataDir: string) => {
  const pgDir = path.resolve(dataDir, 'pg');
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && pidIsAlive(pid)) {
      throw new Error(`a PostgreSQL server (pid ${pid}) still runs on ${pgDir}; stop it before benchmarking`);
    }
  }
  rmSync(pgDir, { recursive: true, force: true });
};

const recreateDatabase = async (adminUrl: string, name: string) => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Identifiers cannot be bound parameters; the name is a constant checked against a strict pattern.
    await client.query(`drop database if exists ${assertIdentifier(name)} with (force)`);
    await client.query(`create database ${assertIdentifier(name)}`);
  } finally {
    await client.end();
  }
};

/**
 * The bench's own database, never the application's: with DATABASE_URL set, a database `guanxi_bench` on that
 * server; otherwise an embedded PostgreSQL on GUANXI_BENCH_PG_PORT (default 54340) under `.guanxi/bench-pg`
 * (`.guanxi/bench-pg-<port>` for another port).
 * `fresh` starts from an empty, newly migrated database.
 */
export const openBenchDatabase = async (options: { fresh: boolean; logger: Logger }): Promise<BenchDatabase> => {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) await (options.fresh ? recreateDatabase(adminUrl, BENCH_DATABASE) : ensureDatabase(adminUrl, BENCH_DATABASE));
  if (!adminUrl && options.fresh) wipeEmbeddedCluster(benchDataDir());
  const config = loadConfig({
    ...process.env,
    GUANXI_LOG_LEVEL: process.env.GUANXI_LOG_LEVEL ?? 'warn',
    GUANXI_DATA_DIR: benchDataDir(),
    GUANXI_PG_PORT: benchPort(),
    DATABASE_URL: adminUrl ? withDatabase(adminUrl, BENCH_DATABASE) : undefined,
    GUANXI_WORKER_ENABLED: 'false',
  });
  const database = await openDatabase(config, options.logger);
  const { rows } = await database.pool.query<{ server_version: string }>('show server_version');
  return { ...database, config, serverVersion: rows[0]?.server_version ?? 'unknown' };
};
