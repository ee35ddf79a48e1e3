import { sql } from 'kysely';
import type { Db, Trx } from './db.ts';
import { newId } from './ids.ts';

export type DomainEvent<P = Record<string, unknown>> = {
  id: string;
  topic: string;
  customerId: string | null;
  payload: P;
  createdAt: Date;
};

/** A consumer reacts to topics; its effects run in the same transaction that records the delivery. */
export type Subscriber = {
  consumer: string;
  topics: string[];
  handle: (trx: Trx, event: DomainEvent) => Promise<void>;
};

export const DISPATCH_TASK = 'outbox:dispatch';

/**
 * Records a domain event in the caller's transaction and wakes the dispatcher. If the transaction
 * rolls back, the event never existed.
 */
export const publish = async (trx: Trx, event: { topic: string; customerId?: string | null; payload: Record<string, unknown> }): Promise<string> => {
  const id = newId('obx');
  await trx
    .insertInto('outbox_event')
    .values({ id, topic: event.topic, customer_id: event.customerId ?? null, payload: JSON.stringify(event.payload) })
    .execute();
  // One pending dispatch job at a time (job_key), created only if this transaction commits.
  await sql`select graphile_worker.add_job(${DISPATCH_TASK}, '{}'::json, job_key := ${DISPATCH_TASK})`.execute(trx);
  return id;
};

/** Delivers up to `batchSize` of one subscriber's pending events, each in its own transaction. */
const deliverBatch = async (db: Db, sub: Subscriber, batchSize: number): Promise<{ delivered: number; more: boolean }> => {
  const pending = await db
    .selectFrom('outbox_event as e')
    .selectAll('e')
    .where('e.topic', 'in', sub.topics)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('outbox_delivery as d').select('d.event_id').whereRef('d.event_id', '=', 'e.id').where('d.consumer', '=', sub.consumer))),
    )
    .orderBy('e.id')
    .limit(batchSize)
    .execute();
  let delivered = 0;
  for (const row of pending) {
    const done = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('outbox_delivery')
        .values({ event_id: row.id, consumer: sub.consumer })
        .onConflict((oc) => oc.doNothing())
        .returning('event_id')
        .executeTakeFirst();
      if (!claimed) return false;
      await sub.handle(trx, {
        id: row.id,
        topic: row.topic,
        customerId: row.customer_id,
        payload: row.payload as Record<string, unknown>,
        createdAt: row.created_at,
      });
      return true;
    });
    if (done) delivered++;
  }
  return { delivered, more: pending.length === batchSize };
};

/**
 * Delivers pending events to each subscriber at most once per (event, consumer): the delivery row and the
 * handler's effects commit together, so a crash or a concurrent dispatcher cannot apply an event twice.
 * Subscribers take turns, a batch each, so one with a long backlog (a re-resolution's thousands of merges
 * for a slow consumer) does not hold up the others, and one whose handler fails stops alone: the others
 * are served, then the failure is thrown (the job retries it). Returns how many deliveries were made.
 */
export const dispatchOutbox = async (db: Db, subscribers: Subscriber[], batchSize = 200): Promise<number> => {
  let delivered = 0;
  let failure: unknown;
  let active = subscribers;
  while (active.length > 0) {
    const next: Subscriber[] = [];
    for (const sub of active) {
      try {
        const batch = await deliverBatch(db, sub, batchSize);
        delivered += batch.delivered;
        if (batch.more) next.push(sub);
      } catch (e) {
        // This subscriber stops here (its event stays pending, to be retried); the others go on.
        failure ??= e;
      }
    }
    active = next;
  }
  // Thrown once the others are served, so the job fails and retries the failed delivery later.
  if (failure !== undefined) throw failure;
  return delivered;
};

/** Removes events older than `olderThan` that every subscriber of their topic has received. */
export const purgeDeliveredEvents = async (db: Db, subscribers: Subscriber[], olderThan: Date): Promise<number> => {
  const consumersByTopic = new Map<string, string[]>();
  for (const s of subscribers) for (const t of s.topics) consumersByTopic.set(t, [...(consumersByTopic.get(t) ?? []), s.consumer]);
  const topics = [...consumersByTopic.keys()];
  let deleted = 0;
  for (const [topic, consumers] of consumersByTopic) {
    const res = await sql`
      delete from outbox_event e
      where e.topic = ${topic} and e.created_at < ${olderThan}
        and (select count(*) from outbox_delivery d where d.event_id = e.id and d.consumer = any(${consumers})) = ${consumers.length}`.execute(db);
    deleted += Number(res.numAffectedRows ?? 0);
  }
  // Events nobody subscribes to are kept only for the retention period.
  const orphan = await sql`
    delete from outbox_event e where e.created_at < ${olderThan} and not (e.topic = any(${topics}))`.execute(db);
  return deleted + Number(orphan.numAffectedRows ?? 0);
};
