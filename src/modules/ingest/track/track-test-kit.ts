import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { systemClock } from '../../../platform/clock.ts';
import type { TestApp } from '../../../test/test-app.ts';
import { cliActor, createApiKey } from '../../auth/index.ts';
import { ensureSource } from '../sources.ts';
import { resolveInbox } from './resolve-inbox.ts';

/** A write key for a new source, as the console would create it. */
export const makeWriteKey = async (t: TestApp, source: string) =>
  t.db.tx(async (trx) => {
    const { apiKey, secret } = await createApiKey(trx, systemClock, cliActor('test'), source, { sourceId: source });
    await ensureSource(trx, { id: source, kind: 'http' }, systemClock.now());
    return { apiKey, secret, basic: `Basic ${Buffer.from(`${secret}:`).toString('base64')}` };
  });

/** POSTs JSON (or raw bytes) through app.inject. */
export const post = (t: TestApp, url: string, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body),
  });

export const gzipJson = (v: unknown): Buffer => gzipSync(Buffer.from(JSON.stringify(v)));

/**
 * Resolves every event waiting in the inbox, as the `ingest:resolve` job would (tests run no worker).
 * The helpers below call it first, so they read what the worker will have written.
 */
export const settle = async (t: TestApp): Promise<number> => (await resolveInbox(t.db.db, systemClock)).resolved;

export const countPending = async (t: TestApp, source: string): Promise<number> =>
  Number((await sql<{ n: number }>`select count(*)::int as n from ingest_inbox where source_id = ${source}`.execute(t.db.db)).rows[0]?.n);

const count = async (t: TestApp, table: 'customer_event' | 'ingest_message', source: string): Promise<number> => {
  await settle(t);
  return Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where source_id = ${source}`.execute(t.db.db)).rows[0]?.n);
};

export const countEvents = (t: TestApp, source: string): Promise<number> => count(t, 'customer_event', source);

export const countMessages = (t: TestApp, source: string): Promise<number> => count(t, 'ingest_message', source);

export const events = async (t: TestApp, source: string) => {
  await settle(t);
  return t.db.db.selectFrom('customer_event').selectAll().where('source_id', '=', source).orderBy('occurred_at').orderBy('id').execute();
};

export const rejections = (t: TestApp, source: string) =>
  t.db.db.selectFrom('ingest_rejection').selectAll().where('source_id', '=', source).orderBy('id').execute();

/** The root customer holding an identifier, if any. */
export const ownerOf = async (t: TestApp, type: string, value: string): Promise<string | undefined> => {
  await settle(t);
  const { rows } = await sql<{ root_id: string }>`
    select c.root_id from customer_identifier i join customer c on c.id = i.customer_id where i.type = ${type} and i.value = ${value}`.execute(t.db.db);
  return rows[0]?.root_id;
};

/** The 360° timeline of a root customer: every event of every record merged into it. */
export const timeline = async (t: TestApp, root: string) => {
  await settle(t);
  const { rows } = await sql<{ type: string; name: string | null; user_id: string | null; anonymous_id: string | null }>`
    select e.type, e.name, e.user_id, e.anonymous_id from customer_event e join customer c on c.id = e.customer_id
    where c.root_id = ${root} order by e.occurred_at, e.id`.execute(t.db.db);
  return rows;
};
