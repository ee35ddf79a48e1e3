import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import type { TrackedMessage } from './tracked-message.ts';

/**
 * The messages of one request: one source, received at one time. `rawBatch` is the JSON text of the
 * request's event array; messages with a `rawIndex` are stored as that element's text, as sent.
 */
export type MessageBatch = { sourceId: string; receivedAt: Date; messages: TrackedMessage[]; rawBatch?: string };
export type IngestResult = { received: number; stored: number; duplicates: number };

export const RESOLVE_TASK = 'ingest:resolve';

const claimKey = (sourceId: string, messageId: string) => `${sourceId}\u0000${messageId}`;

/** As JSON.stringify writes a Date (null when invalid, which the insert then refuses). */
const isoTime = (d: Date): string | null => (Number.isNaN(d.getTime()) ? null : d.toISOString());

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
  const fresh = new Map<string, { batch: number; message: TrackedMessage; position: number }>();
  batches.forEach((b, batch) => {
    for (const message of b.messages) {
      const k = claimKey(b.sourceId, message.messageId);
      if (!fresh.has(k)) fresh.set(k, { batch, message, position: fresh.size });
    }
  });
  const results = batches.map((b) => ({ received: b.messages.length, stored: 0, duplicates: b.messages.length }));
  if (fresh.size === 0) return results;

  // One JSON document describes the rows; an event stored as sent is taken from its request's event array,
  // which PostgreSQL splits (one parse, in C), instead of being serialised again here. Inserted in one
  // order everywhere (`q`, sorted keys), so two transactions sharing messages cannot deadlock on them.
  // Event ids have newId's shape, minted in SQL: the time received, then entropy counting up from a random
  // start in the order the events were sent (`z`), so a request's events list in their order.
  const keys = [...fresh.keys()].sort();
  const rows: unknown[] = [];
  const raw = new Map<number, string>();
  // Times as text: JSON.stringify of Date objects takes a slow path (toJSON), several times slower.
  const receivedAt = batches.map((b) => isoTime(b.receivedAt));
  keys.forEach((k, q) => {
    const { batch, message: m, position } = fresh.get(k) as { batch: number; message: TrackedMessage; position: number };
    const b = batches[batch] as MessageBatch;
    const identity = m.linkedIds.length > 0 || m.personTraits.length > 0 ? { linkedIds: m.linkedIds, personTraits: m.personTraits } : null;
    const row = {
      q,
      z: position,
      s: b.sourceId,
      m: m.messageId,
      t: m.type,
      n: m.name,
      u: m.userId,
      a: m.anonymousId,
      o: isoTime(m.occurredAt),
      at: receivedAt[batch],
      x: m.path,
      i: identity,
    };
    if (m.rawIndex !== undefined && b.rawBatch !== undefined) {
      raw.set(batch, b.rawBatch);
      rows.push({ ...row, b: batch, k: m.rawIndex + 1 });
    } else {
      rows.push({ ...row, p: { properties: m.properties, traits: m.traits, context: m.context } });
    }
  });
  const sent =
    raw.size === 0
      ? sql`(select null::int as b, null::bigint as k, null::json as value where false)`
      : sql`(select r.b, e.k, e.value
          from (values ${sql.join([...raw].map(([b, text]) => sql`(${b}::int, ${text}::json)`))}) as r(b, events)
          cross join lateral json_array_elements(r.events) with ordinality as e(value, k))`;
  // 62 random bits: the count cannot overflow the 16 hex digits.
  const entropy = String(randomBytes(8).readBigUInt64BE() >> 2n);
  const { rows: stored } = await sql<{ source_id: string; message_id: string }>`
    insert into ingest_inbox (source_id, message_id, event_id, type, name, user_id, anonymous_id, payload, occurred_at, received_at, path, identity)
    select r.s, r.m, 'evt_' || lpad(to_hex((extract(epoch from r.at - timestamptz '1970-01-01 00:00:00+00') * 1000)::bigint), 12, '0') || lpad(to_hex(${entropy}::bigint + r.z), 16, '0'),
      r.t, r.n, r.u, r.a, coalesce(r.p, e.value), r.o, r.at, r.x, r.i
    from json_to_recordset(${JSON.stringify(rows)}::json) as r(
      q int, z int, s text, m text, t text, n text, u text, a text, o timestamptz, at timestamptz, x text, i json, p json, b int, k bigint)
    left join ${sent} e on e.b = r.b and e.k = r.k
    order by r.q
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
