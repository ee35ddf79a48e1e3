import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import type { TrackedMessage } from './tracked-message.ts';

/**
 * The messages of one request: one source, received at one time. `rawBatch` is the JSON text (UTF-8) of
 * the request's event array; messages with a `rawIndex` are stored as that element's text, as sent.
 */
export type MessageBatch = { sourceId: string; receivedAt: Date; messages: TrackedMessage[]; rawBatch?: Buffer };
export type IngestResult = { received: number; stored: number; duplicates: number };

/**
 * A request's messages as the insert reads them (see prepareBatch): what waits for a transaction holds no
 * parsed event, only this text, the message ids (to count what was stored) and the raw bytes.
 */
export type PreparedBatch = { sourceId: string; receivedAt: Date; messageIds: string[]; rows: string; rawBatch: Buffer | null };

export const RESOLVE_TASK = 'ingest:resolve';

/** As JSON.stringify writes a Date (null when invalid, which the insert then refuses). */
const isoTime = (d: Date): string | null => (Number.isNaN(d.getTime()) ? null : d.toISOString());

/**
 * One request's rows for the insert, as one JSON array: for each message its position (`z`), scalar
 * columns and either the element of the raw batch it is stored as (`k`, 1-based) or its payload (`p`).
 * Every row has every key, in one order, so JSON.stringify takes its fast path. Built as soon as the
 * request is validated, so the request's parsed body need not stay in memory while it waits.
 */
export const prepareBatch = (batch: MessageBatch): PreparedBatch => {
  const raw = batch.rawBatch;
  let usesRaw = false;
  const rows = batch.messages.map((m, z) => {
    const asSent = raw !== undefined && m.rawIndex !== undefined;
    if (asSent) usesRaw = true;
    return {
      z,
      m: m.messageId,
      t: m.type,
      n: m.name,
      u: m.userId,
      a: m.anonymousId,
      o: isoTime(m.occurredAt),
      x: m.path,
      i: m.linkedIds.length > 0 || m.personTraits.length > 0 ? { linkedIds: m.linkedIds, personTraits: m.personTraits } : null,
      k: asSent ? (m.rawIndex as number) + 1 : null,
      p: asSent ? null : { properties: m.properties, traits: m.traits, context: m.context },
    };
  });
  return {
    sourceId: batch.sourceId,
    receivedAt: batch.receivedAt,
    messageIds: batch.messages.map((m) => m.messageId),
    rows: JSON.stringify(rows),
    rawBatch: usesRaw ? (raw as Buffer) : null,
  };
};

const claimKey = (sourceId: string, messageId: string) => `${sourceId}\u0000${messageId}`;

/**
 * Enqueues the resolver. One job key: however many requests commit, at most one resolver job waits (and
 * one runs; its queue runs them one at a time). `preserve_run_at` keeps a waiting job's time, so a steady
 * stream of requests cannot postpone it forever. `unlessWaiting`: nothing is done while a job waits.
 */
const addResolverJob = async (db: Db, unlessWaiting: boolean): Promise<void> => {
  const guard = unlessWaiting ? sql`where not exists (select 1 from graphile_worker.jobs where key = ${RESOLVE_TASK} and locked_at is null)` : sql``;
  await sql`select graphile_worker.add_job(${RESOLVE_TASK}, '{}'::json, queue_name := ${RESOLVE_TASK}, job_key := ${RESOLVE_TASK}, job_key_mode := 'preserve_run_at')
    ${guard}`.execute(db);
};

/** Enqueues the resolver outside any transaction (a sweep, a job that stopped before the inbox was empty). */
export const enqueueResolverNow = (db: Db): Promise<void> => addResolverJob(db, false);

/**
 * Makes sure a resolver job will run after messages were committed to the inbox: enqueues one unless one
 * is already waiting (not yet started), which will then see them. Called after the commit, not inside the
 * transaction: add_job locks the job's row and sends a NOTIFY (which serialises commits cluster-wide), so
 * in every ingest transaction it made concurrent requests commit one after another. Checked after the
 * commit there is no race (a waiting job starts after the rows are visible); if the process dies between
 * the commit and this call, the minutely sweep (ingest.jobs.ts) enqueues the resolver.
 */
export const ensureResolverQueued = (db: Db): Promise<void> => addResolverJob(db, true);

/**
 * Accepts tracked messages into the inbox, in the caller's transaction (the edge answers 2xx only after it
 * commits, so an answered event is durable); one call may carry the batches of several requests and
 * sources (group commit), each answered on its own. One statement stores every message the inbox does not
 * hold yet; after the commit the caller calls `ensureResolverQueued` when `stored > 0`. Identity
 * resolution happens later, in `resolveInbox`, off the request path.
 *
 * Deduplication by (source, messageId) happens twice: here against the inbox (a message re-sent
 * concurrently waits on the other transaction's row, then stores nothing), and when the resolver claims
 * the message in ingest_message (a message re-sent after it was resolved is dropped there). The request
 * path thus never probes ingest_message, which grows with every event ever received. `stored` counts
 * what entered the inbox.
 */
export const acceptMessages = async (trx: Trx, batches: PreparedBatch[]): Promise<IngestResult[]> => {
  const results = batches.map((b) => ({ received: b.messageIds.length, stored: 0, duplicates: b.messageIds.length }));
  const total = results.reduce((n, r) => n + r.received, 0);
  if (total === 0) return results;

  // Each request's rows are one JSON document, split by PostgreSQL (json_to_recordset); an event stored as
  // sent is the element of its request's raw event array (json_array_elements, in C), sent as the bytes
  // received. Inserted in one order everywhere (source, message id), so two transactions sharing messages
  // cannot deadlock on them; of a message sent twice in this statement the first (request, position) is
  // stored, the other meets the conflict. Event ids have newId's shape: the time received, then entropy
  // counting up from a random start in the order the events were sent (`z`), so a request's events list
  // in their order.
  let offset = 0;
  const values = batches.map((b, n) => {
    const ms = b.receivedAt.getTime();
    const prefix = `evt_${ms.toString(16).padStart(12, '0')}`;
    const row = sql`(${n}::int, ${b.sourceId}::text, ${prefix}::text, ${isoTime(b.receivedAt)}::timestamptz, ${offset}::bigint, ${b.rows}::json, ${b.rawBatch}::json)`;
    offset += b.messageIds.length;
    return row;
  });
  // 62 random bits: the count cannot overflow the 16 hex digits.
  const entropy = String(randomBytes(8).readBigUInt64BE() >> 2n);
  const { rows: stored } = await sql<{ source_id: string; message_id: string }>`
    insert into ingest_inbox (source_id, message_id, event_id, type, name, user_id, anonymous_id, payload, occurred_at, received_at, path, identity)
    select v.s, r.m, v.e || lpad(to_hex(${entropy}::bigint + v.z0 + r.z), 16, '0'), r.t, r.n, r.u, r.a, coalesce(r.p, r.value), r.o, v.at, r.x, r.i
    from (values ${sql.join(values)}) as v(b, s, e, at, z0, rows, events)
    cross join lateral (
      select r.*, e.value
      from json_to_recordset(v.rows) as r(z int, m text, t text, n text, u text, a text, o timestamptz, x text, i json, k bigint, p json)
      left join json_array_elements(v.events) with ordinality as e(value, k) on e.k = r.k
    ) r
    order by v.s collate "C", r.m collate "C", v.b, r.z
    on conflict do nothing
    returning source_id, message_id`.execute(trx);
  if (batches.length === 1) {
    const r = results[0] as IngestResult;
    r.stored = stored.length;
    r.duplicates = r.received - r.stored;
    return results;
  }
  // Several requests: each stored message is counted for the first request that sent it.
  const first = new Map<string, number>();
  batches.forEach((b, n) => {
    for (const id of b.messageIds) {
      const k = claimKey(b.sourceId, id);
      if (!first.has(k)) first.set(k, n);
    }
  });
  for (const s of stored) {
    const result = results[first.get(claimKey(s.source_id, s.message_id)) ?? -1];
    if (result) {
      result.stored++;
      result.duplicates--;
    }
  }
  return results;
};
