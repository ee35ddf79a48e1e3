import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { loadIdentityRules, type ResolveInput, resolveIdentities } from '../../identity/index.ts';
import type { EventType } from '../ingest.tables.ts';
import { recordRejections } from '../sources.ts';
import { planIdentity } from './identity-inputs.ts';
import { payloadObjectB } from './inbox-payload.ts';
import type { TrackedMessage } from './tracked-message.ts';

export const DEFAULT_RESOLVE_BATCH = 2_000;

type InboxRow = {
  /** The row's place in the queue; locked, so it stays until this transaction ends. */
  seq: number;
  source_id: string;
  type: EventType;
  name: string | null;
  user_id: string | null;
  anonymous_id: string | null;
  occurred_at: Date;
  received_at: Date;
  path: string;
  identity: { linkedIds: TrackedMessage['linkedIds']; personTraits: TrackedMessage['personTraits'] } | null;
};

const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Resolves one batch of the inbox, oldest first, in one transaction: the customers of its events are
 * resolved in one `resolveIdentities` call (linking, creating and merging as the identity rules say;
 * unusable identifier traits become rejections), then one statement moves the rows into customer_event,
 * claiming each in ingest_message (so a message is stored once, however often it was accepted: one
 * re-sent after it was resolved is dropped here). Rows another resolver holds are skipped. Returns how
 * many inbox rows it took.
 */
export const resolveInboxBatch = async (trx: Trx, clock: Clock, limit = DEFAULT_RESOLVE_BATCH): Promise<number> => {
  // Only what identity needs comes to Node; ids, times and payloads go from the inbox to customer_event in SQL.
  const { rows } = await sql<InboxRow>`
    select seq, source_id, type, name, user_id, anonymous_id, occurred_at, received_at, path, identity
    from ingest_inbox order by seq limit ${limit} for update skip locked`.execute(trx);
  if (rows.length === 0) return 0;

  const rules = await loadIdentityRules(trx);
  const bySource = new Map<string, number[]>();
  rows.forEach((r, n) => {
    const indexes = bySource.get(r.source_id);
    if (indexes) indexes.push(n);
    else bySource.set(r.source_id, [n]);
  });
  const inputs: ResolveInput[] = [];
  const inputOf: number[] = [];
  const rejected: Parameters<typeof recordRejections>[1] = [];
  for (const [sourceId, indexes] of bySource) {
    const messages: TrackedMessage[] = indexes.map((n) => {
      const r = rows[n] as InboxRow;
      return {
        path: r.path,
        messageId: '',
        type: r.type,
        name: r.name,
        userId: r.user_id,
        anonymousId: r.anonymous_id,
        linkedIds: r.identity?.linkedIds ?? [],
        personTraits: r.identity?.personTraits ?? [],
        properties: {},
        traits: {},
        context: {},
        occurredAt: r.occurred_at,
      };
    });
    const plan = planIdentity(messages, { sourceId, phoneRegion: rules.phoneRegion });
    indexes.forEach((n, i) => {
      inputOf[n] = inputs.length + (plan.inputOf[i] as number);
    });
    inputs.push(...plan.inputs);
    const at = rows[indexes[0] as number]?.received_at ?? clock.now();
    for (const r of plan.rejected) rejected.push({ sourceId, type: r.type, name: r.name, field: r.path, reason: r.message, at });
  }
  const { resolutions } = await resolveIdentities(trx, clock, rules, inputs, 'tracking');

  // Each row's customer, keyed by seq: read by key (a jsonb object lookup) rather than joined, as the
  // planner cannot estimate the rows of data-modifying CTEs (it nested-looped such joins, 2000 × 2000).
  const owner: Record<string, string> = {};
  rows.forEach((r, n) => {
    owner[r.seq] = resolutions[inputOf[n] as number]?.customerId ?? '';
  });
  // One statement: the rows leave the inbox, each is claimed in ingest_message, and the claimed ones
  // (the set of what the claim returned, also read by key) become events.
  await sql`
    with moved as (
      delete from ingest_inbox i
      where i.seq between ${rows[0]?.seq}::bigint and ${rows.at(-1)?.seq}::bigint and i.seq = any(${rows.map((r) => r.seq)}::bigint[])
      returning i.seq, i.event_id, i.source_id, i.message_id, i.type, i.name, i.user_id, i.anonymous_id, i.occurred_at, i.received_at, i.payload::jsonb as j
    ), owned as (
      select m.*, ${JSON.stringify(owner)}::jsonb ->> m.seq::text as customer_id from moved m
    ), claimed as (
      insert into ingest_message (source_id, message_id, customer_id, event_id, received_at)
      select o.source_id, o.message_id, o.customer_id, o.event_id, o.received_at from owned o
      on conflict do nothing
      returning source_id, message_id
    ), claims as (
      select coalesce(jsonb_object_agg(c.source_id || chr(1) || c.message_id, true), '{}'::jsonb) as k from claimed c
    )
    insert into customer_event (customer_id, id, source_id, message_id, type, name, user_id, anonymous_id, properties, traits, context, occurred_at, received_at)
    select o.customer_id, o.event_id, o.source_id, o.message_id, o.type, o.name, o.user_id, o.anonymous_id,
      ${payloadObjectB(sql.ref('o.j'), 'properties')}, ${payloadObjectB(sql.ref('o.j'), 'traits')}, ${payloadObjectB(sql.ref('o.j'), 'context')},
      o.occurred_at, o.received_at
    from owned o, claims
    where claims.k ? (o.source_id || chr(1) || o.message_id)`.execute(trx);
  await recordRejections(trx, rejected);
  return rows.length;
};

/** Batches resolved at once, each in its own transaction and connection (see resolveInbox). */
export const DEFAULT_RESOLVE_LANES = 2;

/**
 * Resolves the inbox batch by batch, each in its own transaction, until it is empty or `maxMillis` have
 * passed (a job then enqueues itself again). `lanes` batches run at once (rows are taken with SKIP LOCKED,
 * so they never share an event): one batch's SQL runs while another's identities are planned here, and
 * PostgreSQL can use more than one core. Concurrent batches are concurrent identity writers, as imports
 * are: identifiers that need writing are locked in sorted order, and a deadlock (e.g. two batches
 * updating the same golden records) retries the batch; nothing of it was committed. Returns the number
 * of events resolved.
 */
export const resolveInbox = async (
  db: Db,
  clock: Clock,
  options: { batchSize?: number; maxMillis?: number; lanes?: number } = {},
): Promise<{ resolved: number; more: boolean }> => {
  const limit = options.batchSize ?? DEFAULT_RESOLVE_BATCH;
  const deadline = performance.now() + (options.maxMillis ?? Number.POSITIVE_INFINITY);
  let resolved = 0;
  let more = false;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed) {
      let n = 0;
      for (let attempt = 1; ; attempt++) {
        try {
          n = await db.transaction().execute((trx) => resolveInboxBatch(trx, clock, limit));
          break;
        } catch (e) {
          if (attempt >= 5 || !RETRYABLE.has(String((e as { code?: unknown }).code))) {
            failed = true;
            throw e;
          }
        }
      }
      resolved += n;
      // Fewer than asked: the inbox is empty, or the other lanes hold the rest.
      if (n < limit) return;
      if (performance.now() > deadline) {
        more = true;
        return;
      }
    }
  };
  const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, options.lanes ?? DEFAULT_RESOLVE_LANES) }, lane));
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failure) throw failure.reason;
  return { resolved, more };
};
