import { createServer } from 'node:net';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, ensureDatabase, withDatabase } from '../platform/db.ts';
import { startEmbeddedPostgres } from '../platform/embedded-postgres.ts';
import { migrateToLatest } from '../platform/migrate.ts';
import { dropDatabase } from './databases.ts';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

/**
 * One PostgreSQL for the whole run: the server at DATABASE_URL, or an embedded one started here.
 * A template database is migrated once; each test file clones it (CREATE DATABASE … TEMPLATE).
 */
export default async function setup(project: TestProject) {
  let adminUrl: string;
  let stop: (() => Promise<void>) | undefined;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    // A port and a directory of its own per run, so parallel runs (and a running demo) never collide.
    const port = process.env.GUANXI_TEST_PG_PORT ? Number(process.env.GUANXI_TEST_PG_PORT) : await freePort();
    const pg = await startEmbeddedPostgres({ dir: path.resolve('.guanxi', `test-pg-${process.pid}`), port, ephemeral: true });
    adminUrl = pg.adminUrl;
    stop = pg.stop;
  }
  const template = `gx_template_${process.pid}`;
  await dropDatabase(adminUrl, template);
  await ensureDatabase(adminUrl, template);
  const handle = createDb(withDatabase(adminUrl, template), 2);
  await migrateToLatest(handle.db as never, handle.pool);
  await handle.close();

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);

  return async () => {
    await dropDatabase(adminUrl, template);
    await stop?.();
  };
}
