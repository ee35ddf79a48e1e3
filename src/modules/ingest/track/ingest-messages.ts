import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Trx } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import { loadIdentityRules, type ResolveInput, resolveIdentities } from '../../identity/index.ts';
import { recordRejections } from '../sources.ts';
import { planIdentity } from './identity-inputs.ts';
import type { TrackedMessage } from './tracked-message.ts';

/** The messages of one request: one source, received at one time. */
export type MessageBatch = { sourceId: string; receivedAt: Date; messages: TrackedMessage[] };
export type IngestResult = { received: number; stored: number; duplicates: number };

const claimKey = (sourceId: string, messageId: string) => `${sourceId}\u0000${messageId}`;

/**
 * Stores tracked messages, in the caller's transaction (the edge answers 2xx only after it commits); one
 * call may carry the batches of several requests and sources (group commit), each answered on its own.
 * 1. dedupe: messages whose (source, messageId) is already stored, or repeated among the batches, are
 *    dropped before any other work, so retried batches cost one index look-up per message.
 * 2. identity: the new messages are resolved to customers in one `resolveIdentities` call (linking,
 *    creating and merging as the identity rules say); unusable identifier traits become rejections.
 * 3. one statement claims each message in `ingest_message` (ON CONFLICT DO NOTHING) and inserts the events
 *    of the claims it won. A concurrent transaction carrying the same message waits on the other's claim
 *    and, once that commits, stores nothing for it: a message is stored once however often, and however
 *    concurrently, it is re-sent. (Both may then have counted the same trait observation.)
 */
export const ingestMessages = async (trx: Trx, clock: Clock, batches: MessageBatch[]): Promise<IngestResult[]> => {
  const fresh = new Map<string, { batch: number; message: TrackedMessage }>();
  batches.forEach((b, batch) => {
    for (const message of b.messages) {
      const k = claimKey(b.sourceId, message.messageId);
      if (!fresh.has(k)) fresh.set(k, { batch, message });
    }
  });
  const candidates = [...fresh.values()];
  if (candidates.length > 0) {
    const { rows: known } = await sql<{ source_id: string; message_id: string }>`
      select m.source_id, m.message_id
      from unnest(${candidates.map((c) => batches[c.batch]?.sourceId)}::text[], ${candidates.map((c) => c.message.messageId)}::text[]) as k(s, id)
      join ingest_message m on m.source_id = k.s and m.message_id = k.id`.execute(trx);
    for (const r of known) fresh.delete(claimKey(r.source_id, r.message_id));
  }
  const results = batches.map((b) => ({ received: b.messages.length, stored: 0, duplicates: b.messages.length }));
  if (fresh.size === 0) return results;

  // Claimed in one order everywhere, so two transactions sharing messages cannot deadlock on their claims.
  const rowsIn = [...fresh.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const rules = await loadIdentityRules(trx);
  const inputs: ResolveInput[] = [];
  const inputOf: number[] = [];
  const rejected: Parameters<typeof recordRejections>[1] = [];
  batches.forEach((b, batch) => {
    const mine = rowsIn.map((r, n) => ({ r, n })).filter(({ r }) => r.batch === batch);
    if (mine.length === 0) return;
    const plan = planIdentity(
      mine.map(({ r }) => r.message),
      { sourceId: b.sourceId, phoneRegion: rules.phoneRegion },
    );
    mine.forEach(({ n }, i) => {
      inputOf[n] = inputs.length + (plan.inputOf[i] as number);
    });
    inputs.push(...plan.inputs);
    for (const r of plan.rejected) rejected.push({ sourceId: b.sourceId, type: r.type, name: r.name, field: r.path, reason: r.message, at: b.receivedAt });
  });
  const { resolutions } = await resolveIdentities(trx, clock, rules, inputs, 'tracking');

  const rows = rowsIn.map(({ batch, message: m }, n) => {
    const b = batches[batch] as MessageBatch;
    return {
      customer_id: resolutions[inputOf[n] as number]?.customerId,
      id: newId('evt', b.receivedAt),
      source_id: b.sourceId,
      message_id: m.messageId,
      type: m.type,
      name: m.name,
      user_id: m.userId,
      anonymous_id: m.anonymousId,
      properties: m.properties,
      traits: m.traits,
      context: m.context,
      occurred_at: m.occurredAt,
      received_at: b.receivedAt,
    };
  });
  const { rows: stored } = await sql<{ source_id: string; message_id: string }>`
    with r as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(
        customer_id text, id text, source_id text, message_id text, type text, name text, user_id text, anonymous_id text,
        properties jsonb, traits jsonb, context jsonb, occurred_at timestamptz, received_at timestamptz)
    ), claimed as (
      insert into ingest_message (source_id, message_id, customer_id, event_id, received_at)
      select source_id, message_id, customer_id, id, received_at from r
      on conflict do nothing
      returning source_id, message_id
    )
    insert into customer_event (customer_id, id, source_id, message_id, type, name, user_id, anonymous_id, properties, traits, context, occurred_at, received_at)
    select r.customer_id, r.id, r.source_id, r.message_id, r.type, r.name, r.user_id, r.anonymous_id, r.properties, r.traits, r.context, r.occurred_at, r.received_at
    from r join claimed using (source_id, message_id)
    returning source_id, message_id`.execute(trx);
  for (const s of stored) {
    const batch = fresh.get(claimKey(s.source_id, s.message_id))?.batch;
    const result = batch === undefined ? undefined : results[batch];
    if (result) {
      result.stored++;
      result.duplicates--;
    }
  }
  await recordRejections(trx, rejected);
  return results;
};
