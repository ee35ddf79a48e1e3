import { type Kysely, sql } from 'kysely';

/**
 * The tracking inbox keeps each event's payload in one `json` column (ADR 0008): the event's own JSON
 * text as the SDK sent it (its `properties`, `traits` and `context` fields are read from it), or, for
 * events that were rewritten on the way in (a batch-level context, an alias, cleaned text, PostHog),
 * `{"properties", "traits", "context"}`. The request path then stores what it received instead of
 * serialising it again. Rows waiting in the inbox are converted.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`alter table ingest_inbox add column payload json`.execute(db);
  await sql`update ingest_inbox set payload = json_build_object('properties', properties, 'traits', traits, 'context', context)`.execute(db);
  await sql`alter table ingest_inbox alter column payload set not null, drop column properties, drop column traits, drop column context`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
