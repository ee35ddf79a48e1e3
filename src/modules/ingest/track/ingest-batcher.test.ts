import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { ensureSource } from '../sources.ts';
import { createIngestBatcher } from './ingest-batcher.ts';
import { resolveInbox } from './resolve-inbox.ts';
import type { TrackedMessage } from './tracked-message.ts';

const message = (id: string, occurredAt = new Date('2026-06-01T00:00:00Z')): TrackedMessage => ({
  path: 'body',
  messageId: id,
  type: 'track',
  name: 'Batched',
  userId: `u-${id}`,
  anonymousId: null,
  linkedIds: [],
  properties: {},
  traits: {},
  context: {},
  personTraits: [],
  occurredAt,
});

describe('ingest group commit', () => {
  const db = useTestDb();

  it('stores requests queued behind a running transaction together, each answered with its own counts', async () => {
    await db().tx((trx) => ensureSource(trx, { id: 'gc', kind: 'http' }, new Date()));
    const batcher = createIngestBatcher(db().db, { maxInFlight: 1, maxMessages: 1000 });
    const receivedAt = new Date();
    const results = await Promise.all([
      batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('a'), message('b')] }),
      batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('c'), message('b')] }),
      batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('c'), message('d'), message('d')] }),
    ]);
    expect(results).toEqual([
      { received: 2, stored: 2, duplicates: 0 },
      { received: 2, stored: 1, duplicates: 1 },
      { received: 3, stored: 1, duplicates: 2 },
    ]);
    // Stored in the inbox, each once, with the resolver enqueued in the same transaction.
    const rows = await db().db.selectFrom('ingest_inbox').select('message_id').where('source_id', '=', 'gc').orderBy('message_id').execute();
    expect(rows.map((r) => r.message_id)).toEqual(['a', 'b', 'c', 'd']);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where key = 'ingest:resolve'`.execute(db().db);
    expect(jobs.rows[0]?.n).toBe(1);
    // The resolver moves them to customer_event, attached to customers; a batch re-sent afterwards enters
    // the inbox again, but the resolver stores nothing of it.
    expect((await resolveInbox(db().db, systemClock)).resolved).toBe(4);
    const events = await db()
      .db.selectFrom('customer_event')
      .select(['message_id', 'customer_id'])
      .where('source_id', '=', 'gc')
      .orderBy('message_id')
      .execute();
    expect(events.map((r) => r.message_id)).toEqual(['a', 'b', 'c', 'd']);
    expect(new Set(events.map((e) => e.customer_id)).size).toBe(4);
    await batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('a'), message('d')] });
    expect((await resolveInbox(db().db, systemClock)).resolved).toBe(2);
    expect(await db().db.selectFrom('ingest_inbox').select('message_id').where('source_id', '=', 'gc').execute()).toEqual([]);
    const again = await db().db.selectFrom('customer_event').select('message_id').where('source_id', '=', 'gc').orderBy('message_id').execute();
    expect(again.map((r) => r.message_id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('queues another resolver job when the waiting one has started, so events committed during its run are resolved', async () => {
    const batcher = createIngestBatcher(db().db, { maxInFlight: 1, maxMessages: 1000 });
    const receivedAt = new Date();
    await batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('s1')] });
    const waiting = sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where key = 'ingest:resolve' and locked_at is null`;
    expect((await waiting.execute(db().db)).rows[0]?.n).toBe(1);
    // Accepted while the job waits: no second job, the waiting one will see them.
    await batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('s2')] });
    expect((await waiting.execute(db().db)).rows[0]?.n).toBe(1);
    // A worker takes the job; what is accepted now needs a job of its own.
    await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'test' where key = 'ingest:resolve'`.execute(db().db);
    expect((await waiting.execute(db().db)).rows[0]?.n).toBe(0);
    await batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('s3')] });
    expect((await waiting.execute(db().db)).rows[0]?.n).toBe(1);
    // Nothing stored (a re-send), nothing queued.
    await sql`delete from graphile_worker._private_jobs where locked_at is null`.execute(db().db);
    expect(await batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('s3')] })).toEqual({ received: 1, stored: 0, duplicates: 1 });
    expect((await waiting.execute(db().db)).rows[0]?.n).toBe(0);
    await sql`delete from graphile_worker._private_jobs`.execute(db().db);
  });

  it("retries a failed shared transaction request by request, so one request's failure is its own", async () => {
    const batcher = createIngestBatcher(db().db, { maxInFlight: 1, maxMessages: 1000 });
    const receivedAt = new Date();
    const outcomes = await Promise.allSettled([
      batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('e')] }),
      // An impossible time makes the insert fail (occurred_at is not null).
      batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('f', new Date(Number.NaN))] }),
      batcher.submit({ sourceId: 'gc', receivedAt, messages: [message('g')] }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const rows = await db().db.selectFrom('ingest_inbox').select('message_id').where('message_id', 'in', ['e', 'f', 'g']).orderBy('message_id').execute();
    expect(rows.map((r) => r.message_id)).toEqual(['e', 'g']);
  });
});
