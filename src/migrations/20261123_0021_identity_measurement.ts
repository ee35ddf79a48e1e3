import { type Kysely, sql } from 'kysely';

/**
 * Identity link rate and duplicate rate as measured (issue #4): measuring re-runs identity resolution over
 * every customer (dry) and counts every event and order, which takes a minute at a million customers, so
 * readers get the latest measurement and a job takes new ones (hourly, and after what changes them). The
 * rows are also the history of both rates.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    create table identity_measurement (
      measured_at timestamptz primary key,
      seconds double precision not null check (seconds >= 0),
      metrics jsonb not null
    )`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
