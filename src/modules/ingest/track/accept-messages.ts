import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import type { TrackedMessage } from './tracked-message.ts';

/** The messages of one request: one source, received at one time. */
export type MessageBatch = { sourceId: string; receivedAt: Date; messages: TrackedMessage[] };
export type IngestResult = { received: number; stored: number; duplicates: number };

export const RESOLVE_TASK = 'ingest:resolve';

const claimKey = (sourceId: string, messageId: string) => `${sourceId}\u0000${messageId}`;

/**
 * Enqueues the resolver in the caller's transaction. One job key: however many requests commit, at most
 * one resolver job waits (and one runs; its queue runs them one at a time). `preserve_run_at` keeps a
 * waiting job's time, so a steady stream of requests cannot postpone it forever.
 */
export const enqueueResolver = async (trx: Trx | Db): Promise<void> => {
  await sql`select graphile_worker.add_job(${RESOLVE_TASK}, '{}'::json, queue_name := ${RESOLVE_TASK}, job_key := ${RESOLVE_TASK}, job_key_mode := 'preserve_run_at')`.execute(
    trx,
  );
};

/** Enqueues the resolver outside any transaction (a sweep, a job that stopped before the inbox was empty). */
export const enqueueResolverNow = (db: Db): Promise<void> => enqueueResolver(db);

/**
 * Accepts tracked messages into the inbox, in the caller's transaction (the edge answers 2xx only after it
 * commits, so an answered event is durable); one call may carry the batches of several requests and
 * sources (group commit), each answered on its own. One statement stores every message the inbox does not
 * hold yet, and the resolver job is enqueued in the same transaction. Identity resolution happens later,
 * in `resolveInbox`, off the request path.
 *
 * Deduplication by (source, messageId) happens twice: here against the inbox (a message re-sent
 * concurrently waits on the other transaction's row, then stores nothing), and when the resolver claims
 * the message in ingest_message (a message re-sent after it was resolved is dropped there). The request
 * path thus never probes ingest_message, which grows with every event ever received. `stored` counts
 * what entered the inbox.
 */
export const acceptMessages = async (trx: Trx, batches: MessageBatch[]): Promise<IngestResult[]> => {
  const fresh = new Map<string, { batch: number; message: TrackedMessage }>();
  batches.forEach((b, batch) => {
    for (const message of b.messages) {
      const k = claimKey(b.sourceId, message.messageId);
      if (!fresh.has(k)) fresh.set(k, { batch, message });
    }
  });
  const results = batches.map((b) => ({ received: b.messages.length, stored: 0, duplicates: b.messages.length }));
  if (fresh.size === 0) return results;

  // Inserted in one order everywhere, so two transactions sharing messages cannot deadlock on them.
  const keys = [...fresh.keys()].sort();
  const parts: string[] = [];
  for (const k of keys) {
    const { batch, message: m } = fresh.get(k) as { batch: number; message: TrackedMessage };
    const b = batches[batch] as MessageBatch;
    const identity = m.linkedIds.length > 0 || m.personTraits.length > 0 ? { linkedIds: m.linkedIds, personTraits: m.personTraits } : null;
    parts.push(
      JSON.stringify({
        s: b.sourceId,
        m: m.messageId,
        e: newId('evt', b.receivedAt),
        t: m.type,
        n: m.name,
        u: m.userId,
        a: m.anonymousId,
        p: m.properties,
        r: m.traits,
        c: m.context,
        o: m.occurredAt,
        at: b.receivedAt,
        x: m.path,
        i: identity,
      }),
    );
  }
  const { rows: stored } = await sql<{ source_id: string; message_id: string }>`
    insert into ingest_inbox (source_id, message_id, event_id, type, name, user_id, anonymous_id, properties, traits, context, occurred_at, received_at, path, identity)
    select r.s, r.m, r.e, r.t, r.n, r.u, r.a, r.p, r.r, r.c, r.o, r.at, r.x, r.i
    from json_to_recordset(${`[${parts.join(',')}]`}::json) as r(
      s text, m text, e text, t text, n text, u text, a text, p json, r json, c json, o timestamptz, at timestamptz, x text, i json)
    on conflict do nothing
    returning source_id, message_id`.execute(trx);
  for (const s of stored) {
    const batch = fresh.get(claimKey(s.source_id, s.message_id))?.batch;
    const result = batch === undefined ? undefined : results[batch];
    if (result) {
      result.stored++;
      result.duplicates--;
    }
  }
  if (stored.length > 0) await enqueueResolver(trx);
  return results;
};
