import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db.ts';
import { type Identifier, identifierLockKey } from './normalize-identifier.ts';

/** Taken shared by every identity writer, and exclusively by one that would lock more identifiers than its budget. */
const ALL_IDENTIFIERS_LOCK = 7_361_011;

let budget: number | undefined;

/**
 * Identifier locks one transaction may hold: a fifth of PostgreSQL's lock table, which all sessions share
 * and which holds max_locks_per_transaction × (max_connections + max_prepared_transactions) locks (6,400 by
 * default, so 1,280): an import's two lanes and the tracking resolver's two at full budget leave a fifth for
 * everything else. Read from the server once per process.
 */
export const identifierLockBudget = async (db: Db | Trx): Promise<number> => {
  if (budget === undefined) {
    const { rows } = await sql<{ slots: number }>`
      select current_setting('max_locks_per_transaction')::int
        * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int) as slots`.execute(db);
    budget = Math.max(64, Math.floor((rows[0]?.slots ?? 6_400) / 5));
  }
  return budget;
};

/**
 * Locks, until the transaction ends, the identifiers a batch will write, so that concurrent batches cannot
 * both create or link the same one: one advisory lock per identifier, taken in sorted order in one
 * statement (concurrent batches cannot deadlock), under a shared lock on all identifiers. A batch with more
 * identifiers than the budget takes that one lock exclusively instead: it then waits for, and holds off,
 * every other identity writer, but cannot exhaust the lock table — 20,000 identifier locks in one
 * transaction (a batch of 5,000 imported customers with four identifiers each) failed with "out of shared
 * memory" on a PostgreSQL with default settings.
 */
export const lockIdentifiers = async (trx: Trx, identifiers: Identifier[]): Promise<'each' | 'all'> => {
  if (identifiers.length === 0) return 'each';
  if (identifiers.length > (await identifierLockBudget(trx))) {
    await lockAllIdentifiers(trx);
    return 'all';
  }
  const keys = identifiers.map(identifierLockKey).sort();
  await sql`select pg_advisory_xact_lock_shared(${ALL_IDENTIFIERS_LOCK}::bigint)`.execute(trx);
  await sql`select pg_advisory_xact_lock(hashtextextended(k, 0)) from unnest(${keys}::text[]) as k order by k`.execute(trx);
  return 'each';
};

/** Locks all identifiers until the transaction ends: no other identity writer runs meanwhile. */
export const lockAllIdentifiers = async (trx: Trx): Promise<void> => {
  await sql`select pg_advisory_xact_lock(${ALL_IDENTIFIERS_LOCK}::bigint)`.execute(trx);
};
