import { runMigrations as runWorkerMigrations } from 'graphile-worker';
import { type Kysely, Migrator } from 'kysely';
import type pg from 'pg';
import { migrations } from '../migrations/index.ts';
import { workerLogger } from './jobs.ts';

export type MigrationReport = { applied: string[] };

/** Applies Guanxi's migrations and graphile-worker's own schema. Safe to run on every start. */
export const migrateToLatest = async (db: Kysely<unknown>, pool: pg.Pool): Promise<MigrationReport> => {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`migration failed${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  await runWorkerMigrations({ pgPool: pool, logger: workerLogger(undefined) });
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
};
