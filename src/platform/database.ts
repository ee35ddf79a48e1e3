import path from 'node:path';
import type { Config } from './config.ts';
import { createDb, type DbHandle, ensureDatabase, withDatabase } from './db.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import type { Logger } from './logger.ts';
import { migrateToLatest } from './migrate.ts';

export type OpenDatabase = DbHandle & { url: string; embedded: boolean; shutdown: () => Promise<void> };

const EMBEDDED_DB = 'guanxi';

/**
 * The database Guanxi runs on: `DATABASE_URL` when set, else the embedded PostgreSQL under the data dir
 * (started here, stopped by `shutdown`). Migrations run every time; they are idempotent.
 */
export const openDatabase = async (config: Config, logger: Logger, options: { migrate?: boolean } = {}): Promise<OpenDatabase> => {
  let url: string;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (config.databaseUrl) {
    url = config.databaseUrl;
  } else {
    const dir = path.join(config.dataDir, 'pg');
    logger.info({ component: 'db', dir, port: config.embeddedPgPort }, 'starting embedded PostgreSQL');
    const pg = await startEmbeddedPostgres({ dir, port: config.embeddedPgPort, onLog: (l) => logger.debug({ component: 'postgres' }, l) });
    stopEmbedded = pg.stop;
    await ensureDatabase(pg.adminUrl, EMBEDDED_DB);
    url = withDatabase(pg.adminUrl, EMBEDDED_DB);
  }
  const handle = createDb(url, config.dbPoolSize);
  try {
    if (options.migrate ?? true) {
      const { applied } = await migrateToLatest(handle.db as never, handle.pool);
      if (applied.length > 0) logger.info({ component: 'db', applied }, 'migrations applied');
    }
  } catch (e) {
    await handle.close();
    await stopEmbedded?.();
    throw e;
  }
  return {
    ...handle,
    url,
    embedded: Boolean(stopEmbedded),
    shutdown: async () => {
      await handle.close();
      await stopEmbedded?.();
    },
  };
};
