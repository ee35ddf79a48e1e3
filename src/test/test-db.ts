import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDb, type DbHandle, type Trx, withDatabase } from '../platform/db.ts';
import { cloneDatabase, dropDatabase } from './databases.ts';

export type TestDb = DbHandle & { url: string; name: string; tx: <T>(fn: (trx: Trx) => Promise<T>) => Promise<T> };

/** A fresh, migrated database for this test file, dropped afterwards. Use the returned getter inside tests. */
export const useTestDb = (): (() => TestDb) => {
  let current: TestDb | undefined;
  const adminUrl = inject('pgAdminUrl');
  const template = inject('pgTemplate');
  const name = `gx_t_${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    await cloneDatabase(adminUrl, template, name);
    const url = withDatabase(adminUrl, name);
    const handle = createDb(url, 10);
    current = { ...handle, url, name, tx: (fn) => handle.db.transaction().execute(fn) };
  });
  afterAll(async () => {
    await current?.close();
    await dropDatabase(adminUrl, name);
  });
  return () => {
    if (!current) throw new Error('useTestDb(): the database is ready only inside tests and hooks');
    return current;
  };
};
