import pg from 'pg';
import { assertIdentifier } from '../platform/db.ts';

const withClient = async <T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

export const dropDatabase = (adminUrl: string, name: string) =>
  withClient(adminUrl, (c) => c.query(`drop database if exists ${assertIdentifier(name)} with (force)`));

/** Clones the migrated template; retried because PostgreSQL refuses while another clone is being taken. */
export const cloneDatabase = async (adminUrl: string, template: string, name: string): Promise<void> => {
  for (let attempt = 0; ; attempt++) {
    try {
      await withClient(adminUrl, (c) => c.query(`create database ${assertIdentifier(name)} template ${assertIdentifier(template)}`));
      return;
    } catch (e) {
      if (attempt >= 20 || !String((e as Error).message).includes('being accessed by other users')) throw e;
      await new Promise((r) => setTimeout(r, 100 + attempt * 50));
    }
  }
};
