import { sql } from 'kysely';
import type { Db, Trx } from './db.ts';
import { AppError } from './errors.ts';
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
  /**
   * Optional: a whole batch of events (in publication order) in one transaction, with the same effect as
   * `handle` on each in turn. If it fails, the batch is delivered again one event at a time with `handle`,
   * so only the event that fails counts an attempt (and is parked in the end).
   */
  handleBatch?: (trx: Trx, events: DomainEvent[]) => Promise<void>;
};

/** What a consumer that gives up on an event leaves for the admins: never the payload, only the error message. */
export type ParkedEvent = {
  eventId: string;
  consumer: string;
  topic: string;
  eventCreatedAt: Date;
  attempts: number;
  lastError: string;
  firstFailedAt: Date;
  lastFailedAt: Date;
  parkedAt: Date;
};

export type DispatchOptions = {
  /** Events per subscriber turn (and per transaction for a batch handler). */
  batchSize?: number;
  /** Failed attempts (counted across dispatch runs) after which an event is parked for the consumer. */
  maxAttempts?: number;
  /** Told when an event is parked (e.g. to log it: the message is the error's, no payload). */
  onParked?: (parked: { consumer: string; eventId: string; topic: string; attempts: number; error: string }) => void;
};

export const DISPATCH_TASK = 'outbox:dispatch';
export const DEFAULT_MAX_ATTEMPTS = 5;

const enqueueDispatch = (trx: Trx) => sql`select graphile_worker.add_job(${DISPATCH_TASK}, '{}'::json, job_key := ${DISPATCH_TASK})`.execute(trx);

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
  await enqueueDispatch(trx);
  return id;
};

type PendingRow = { id: string; topic: string; customer_id: string | null; payload: unknown; created_at: Date; attempts: number | null };

/**
 * A subscriber's next events: not delivered to it, not parked for it, after `after` (the last one this run
 * went past), oldest first; with the attempts already failed, if any.
 */
const selectPending = (db: Db, sub: Subscriber, after: string | undefined, limit: number): Promise<PendingRow[]> =>
  db
    .selectFrom('outbox_event as e')
    .leftJoin('outbox_failure as f', (join) => join.onRef('f.event_id', '=', 'e.id').on('f.consumer', '=', sub.consumer))
    .select(['e.id', 'e.topic', 'e.customer_id', 'e.payload', 'e.created_at', 'f.attempts'])
    .where('e.topic', 'in', sub.topics)
    .$if(after !== undefined, (qb) => qb.where('e.id', '>', after as string))
    .where('f.parked_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('outbox_delivery as d').select('d.event_id').whereRef('d.event_id', '=', 'e.id').where('d.consumer', '=', sub.consumer))),
    )
    .orderBy('e.id')
    .limit(limit)
    .execute();

const toEvent = (row: PendingRow): DomainEvent => ({
  id: row.id,
  topic: row.topic,
  customerId: row.customer_id,
  payload: row.payload as Record<string, unknown>,
  createdAt: row.created_at,
});

/** Claims the deliveries of these events (in id order, so concurrent claimers cannot deadlock); returns the ids won. */
const claim = async (trx: Trx, consumer: string, ids: string[]): Promise<Set<string>> => {
  const { rows } = await sql<{ event_id: string }>`
    insert into outbox_delivery (event_id, consumer)
    select id, ${consumer}::text from unnest(${ids}::text[]) as id order by id
    on conflict do nothing
    returning event_id`.execute(trx);
  return new Set(rows.map((r) => r.event_id));
};

/** Earlier failed attempts are forgotten once the event is delivered. */
const forgetFailures = async (trx: Trx, consumer: string, rows: PendingRow[]) => {
  const failed = rows.filter((r) => r.attempts !== null).map((r) => r.id);
  if (failed.length > 0) await trx.deleteFrom('outbox_failure').where('consumer', '=', consumer).where('event_id', 'in', failed).execute();
};

const MAX_ERROR_LENGTH = 2000;

/** The error's message only (with its code, when it has one): payloads never go into the failure record. */
const errorMessage = (e: unknown): string => {
  const message = e instanceof Error ? e.message : String(e);
  const code = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
  const text = code && !message.includes(code) ? `[${code}] ${message}` : message;
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
};

/**
 * Counts a failed attempt (in its own transaction: the handler's rolled back) and parks the event for the
 * consumer once it reaches `maxAttempts`. Nothing is counted if the event got delivered meanwhile (a
 * concurrent dispatcher).
 */
const recordFailure = async (db: Db, consumer: string, eventId: string, error: string, maxAttempts: number) => {
  const { rows } = await sql<{ attempts: number; parked: boolean }>`
    insert into outbox_failure as f (event_id, consumer, attempts, last_error, first_failed_at, last_failed_at, parked_at)
    select ${eventId}::text, ${consumer}::text, 1, ${error}::text, now(), now(), case when 1 >= ${maxAttempts}::int then now() end
    where not exists (select 1 from outbox_delivery d where d.event_id = ${eventId}::text and d.consumer = ${consumer}::text)
    on conflict (event_id, consumer) do update
      set attempts = f.attempts + 1, last_error = excluded.last_error, last_failed_at = excluded.last_failed_at,
          parked_at = case when f.attempts + 1 >= ${maxAttempts}::int then excluded.last_failed_at end
    returning f.attempts, f.parked_at is not null as parked`.execute(db);
  return rows[0];
};

type Turn = { delivered: number; more: boolean; last: string | undefined };

/** One event in its own transaction; a failure is counted, and the event parked after `maxAttempts`. */
const deliverOne = async (db: Db, sub: Subscriber, row: PendingRow, options: Required<Pick<DispatchOptions, 'maxAttempts'>> & DispatchOptions) => {
  try {
    return await db.transaction().execute(async (trx) => {
      if ((await claim(trx, sub.consumer, [row.id])).size === 0) return 'skipped' as const;
      await sub.handle(trx, toEvent(row));
      await forgetFailures(trx, sub.consumer, [row]);
      return 'delivered' as const;
    });
  } catch (e) {
    const error = errorMessage(e);
    // If even the count cannot be written (database gone), the handler's error is the one to report.
    const failure = await recordFailure(db, sub.consumer, row.id, error, options.maxAttempts).catch(() => {
      throw e;
    });
    if (!failure) return 'skipped' as const;
    if (!failure.parked) throw e;
    options.onParked?.({ consumer: sub.consumer, eventId: row.id, topic: row.topic, attempts: failure.attempts, error });
    return 'parked' as const;
  }
};

/**
 * Delivers up to `batchSize` of one subscriber's pending events: all in one transaction with a batch
 * handler, else each in its own. Throws the handler's error when an event failed and is not parked yet
 * (this subscriber stops there for this run).
 */
const deliverBatch = async (
  db: Db,
  sub: Subscriber,
  after: string | undefined,
  options: Required<Pick<DispatchOptions, 'batchSize' | 'maxAttempts'>> & DispatchOptions,
): Promise<Turn> => {
  const pending = await selectPending(db, sub, after, options.batchSize);
  const more = pending.length === options.batchSize;
  const last = pending.at(-1)?.id ?? after;
  const { handleBatch } = sub;
  if (handleBatch && pending.length > 0) {
    try {
      const delivered = await db.transaction().execute(async (trx) => {
        const won = await claim(
          trx,
          sub.consumer,
          pending.map((r) => r.id),
        );
        const rows = pending.filter((r) => won.has(r.id));
        if (rows.length > 0) await handleBatch(trx, rows.map(toEvent));
        await forgetFailures(trx, sub.consumer, rows);
        return rows.length;
      });
      return { delivered, more, last };
    } catch {
      // Nothing of the batch was kept; one at a time below finds the event that fails.
    }
  }
  let delivered = 0;
  for (const row of pending) {
    const outcome = await deliverOne(db, sub, row, options);
    if (outcome === 'delivered') delivered++;
    // The events after a parked one go back to batches, on the subscriber's next turn.
    if (outcome === 'parked' && handleBatch) return { delivered, more: true, last: row.id };
  }
  return { delivered, more, last };
};

/**
 * Delivers pending events to each subscriber at most once per (event, consumer): the delivery row and the
 * handler's effects commit together, so a crash or a concurrent dispatcher cannot apply an event twice.
 * Subscribers take turns, a batch each, so one with a long backlog (a re-resolution's thousands of merges
 * for a slow consumer) does not hold up the others, and one whose handler fails stops alone: the others
 * are served, then the failure is thrown (the job retries it). An event that has failed `maxAttempts`
 * times for a consumer (across runs) is parked for it instead, and the consumer goes on with later events.
 * Returns how many deliveries were made.
 */
export const dispatchOutbox = async (db: Db, subscribers: Subscriber[], options: DispatchOptions = {}): Promise<number> => {
  const opts = { ...options, batchSize: options.batchSize ?? 200, maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS };
  let delivered = 0;
  let failure: unknown;
  // Where each subscriber is in this run, so a long backlog is not re-scanned from the start every turn.
  const position = new Map<string, string | undefined>();
  let active = subscribers;
  while (active.length > 0) {
    const next: Subscriber[] = [];
    for (const sub of active) {
      try {
        const turn = await deliverBatch(db, sub, position.get(sub.consumer), opts);
        delivered += turn.delivered;
        position.set(sub.consumer, turn.last);
        if (turn.more) next.push(sub);
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

/**
 * Removes events older than `olderThan` that every subscriber of their topic has received. An event parked
 * for some consumer is kept (an admin may still retry it).
 */
export const purgeDeliveredEvents = async (db: Db, subscribers: Subscriber[], olderThan: Date): Promise<number> => {
  const consumersByTopic = new Map<string, string[]>();
  for (const s of subscribers) for (const t of s.topics) consumersByTopic.set(t, [...(consumersByTopic.get(t) ?? []), s.consumer]);
  const topics = [...consumersByTopic.keys()];
  const notParked = sql`not exists (select 1 from outbox_failure f where f.event_id = e.id and f.parked_at is not null)`;
  let deleted = 0;
  for (const [topic, consumers] of consumersByTopic) {
    const res = await sql`
      delete from outbox_event e
      where e.topic = ${topic} and e.created_at < ${olderThan} and ${notParked}
        and (select count(*) from outbox_delivery d where d.event_id = e.id and d.consumer = any(${consumers})) = ${consumers.length}`.execute(db);
    deleted += Number(res.numAffectedRows ?? 0);
  }
  // Events nobody subscribes to are kept only for the retention period.
  const orphan = await sql`
    delete from outbox_event e where e.created_at < ${olderThan} and not (e.topic = any(${topics})) and ${notParked}`.execute(db);
  return deleted + Number(orphan.numAffectedRows ?? 0);
};

type ParkedRow = {
  event_id: string;
  consumer: string;
  topic: string;
  created_at: Date;
  attempts: number;
  last_error: string;
  first_failed_at: Date;
  last_failed_at: Date;
  parked_at: Date | null;
};

const parkedQuery = (db: Db | Trx) =>
  db
    .selectFrom('outbox_failure as f')
    .innerJoin('outbox_event as e', 'e.id', 'f.event_id')
    .select(['f.event_id', 'f.consumer', 'e.topic', 'e.created_at', 'f.attempts', 'f.last_error', 'f.first_failed_at', 'f.last_failed_at', 'f.parked_at'])
    .where('f.parked_at', 'is not', null);

const toParked = (r: ParkedRow): ParkedEvent => ({
  eventId: r.event_id,
  consumer: r.consumer,
  topic: r.topic,
  eventCreatedAt: r.created_at,
  attempts: r.attempts,
  lastError: r.last_error,
  firstFailedAt: r.first_failed_at,
  lastFailedAt: r.last_failed_at,
  parkedAt: r.parked_at ?? r.last_failed_at,
});

/** Events parked for some consumer, most recently parked first. */
export const listParkedEvents = async (db: Db | Trx, page: { page: number; pageSize: number }): Promise<{ items: ParkedEvent[]; total: number }> => {
  const [rows, count] = await Promise.all([
    parkedQuery(db)
      .orderBy('f.parked_at', 'desc')
      .orderBy('f.event_id', 'desc')
      .orderBy('f.consumer')
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute(),
    db
      .selectFrom('outbox_failure')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('parked_at', 'is not', null)
      .executeTakeFirst(),
  ]);
  return { items: rows.map(toParked), total: Number(count?.n ?? 0) };
};

/**
 * Un-parks an event for one consumer: its failed attempts are forgotten and the dispatcher is woken, so
 * the next dispatch tries it again (and parks it again after as many failures). Returns what was parked.
 */
export const retryParkedEvent = async (trx: Trx, key: { eventId: string; consumer: string }): Promise<ParkedEvent> => {
  const row = await parkedQuery(trx).where('f.event_id', '=', key.eventId).where('f.consumer', '=', key.consumer).executeTakeFirst();
  const removed = await trx
    .deleteFrom('outbox_failure')
    .where('event_id', '=', key.eventId)
    .where('consumer', '=', key.consumer)
    .where('parked_at', 'is not', null)
    .executeTakeFirst();
  // Checked on the delete too: two admins pressing Retry at once un-park it once.
  if (!row || Number(removed.numDeletedRows) === 0) throw new AppError('request.not_found', `event ${key.eventId} is not parked for consumer ${key.consumer}`);
  await enqueueDispatch(trx);
  return toParked(row);
};
