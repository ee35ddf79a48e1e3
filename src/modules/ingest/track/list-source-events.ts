import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import { recordAudit } from '../../audit/index.ts';
import { type Actor, actorCan } from '../../auth/index.ts';
import type { EventType } from '../ingest.tables.ts';
import { payloadObject } from './inbox-payload.ts';
import { assertSourceExists } from './list-sources.ts';
import { maskPii } from './mask-pii.ts';

export type SourceEvent = {
  id: string;
  messageId: string;
  type: EventType;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** The customer the event belongs to now (after any merge); null while it waits for identity resolution. */
  customerId: string | null;
  /** Accepted and stored, but its identity not resolved yet (it is in the inbox). */
  pending: boolean;
  occurredAt: Date;
  receivedAt: Date;
  properties: unknown;
  traits: unknown;
  context: unknown;
};

/** Events before a cursor `<receivedAt ISO>,<event id>` (or just a time), newest first. */
export type EventCursor = { receivedAt: Date; id?: string };

export const parseEventCursor = (text: string): EventCursor | undefined => {
  const [at, id] = text.split(',', 2);
  const d = new Date(at ?? '');
  if (Number.isNaN(d.getTime())) return undefined;
  return id ? { receivedAt: d, id } : { receivedAt: d };
};

export const formatEventCursor = (e: { receivedAt: Date; id: string }): string => `${e.receivedAt.toISOString()},${e.id}`;

/**
 * The live debugger's page of a source's accepted events, newest first, those still waiting for identity
 * resolution included (marked pending). Email and phone values in their
 * data are masked unless the reader holds `customers:read_pii`; reading them unmasked is audited.
 */
export const listSourceEvents = async (
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { sourceId: string; limit: number; before?: EventCursor },
): Promise<{ items: SourceEvent[]; nextBefore: string | null; masked: boolean }> => {
  await assertSourceExists(db, input.sourceId);
  const before = input.before;
  const cursor = (alias: string) => {
    if (before === undefined) return sql``;
    const at = sql.ref(`${alias}.received_at`);
    return before.id === undefined
      ? sql`and ${at} < ${before.receivedAt}`
      : sql`and (${at}, ${sql.ref(`${alias}.${alias === 'i' ? 'event_id' : 'id'}`)}) < (${before.receivedAt}, ${before.id})`;
  };
  // Resolved events and those still in the inbox, in one snapshot (an event is in exactly one of them).
  const { rows } = await sql<{
    id: string;
    message_id: string;
    type: EventType;
    name: string | null;
    user_id: string | null;
    anonymous_id: string | null;
    root_id: string | null;
    occurred_at: Date;
    received_at: Date;
    properties: unknown;
    traits: unknown;
    context: unknown;
  }>`
    select * from (
      (select e.id, e.message_id, e.type, e.name, e.user_id, e.anonymous_id, c.root_id, e.occurred_at, e.received_at, e.properties, e.traits, e.context
      from customer_event e join customer c on c.id = e.customer_id
      where e.source_id = ${input.sourceId} ${cursor('e')}
      order by e.received_at desc, e.id desc
      limit ${input.limit})
      union all
      (select i.event_id, i.message_id, i.type, i.name, i.user_id, i.anonymous_id, null, i.occurred_at, i.received_at,
        ${payloadObject(sql.ref('i.payload'), 'properties')}, ${payloadObject(sql.ref('i.payload'), 'traits')}, ${payloadObject(sql.ref('i.payload'), 'context')}
      from ingest_inbox i
      where i.source_id = ${input.sourceId} ${cursor('i')}
      order by i.received_at desc, i.event_id desc
      limit ${input.limit})
    ) x
    order by received_at desc, id desc
    limit ${input.limit}`.execute(db);

  const reveal = actorCan(actor, 'customers:read_pii');
  let piiShown = false;
  const items = rows.map((r): SourceEvent => {
    const data = maskPii({ properties: r.properties, traits: r.traits, context: r.context }, reveal);
    if (data.found && reveal) piiShown = true;
    const v = data.value as { properties: unknown; traits: unknown; context: unknown };
    return {
      id: r.id,
      messageId: r.message_id,
      type: r.type,
      name: r.name,
      userId: r.user_id,
      anonymousId: r.anonymous_id,
      customerId: r.root_id,
      pending: r.root_id === null,
      occurredAt: r.occurred_at,
      receivedAt: r.received_at,
      properties: v.properties,
      traits: v.traits,
      context: v.context,
    };
  });
  if (piiShown) {
    await db.transaction().execute((trx) =>
      recordAudit(trx, clock, actor, {
        action: 'ingest.read_events',
        subjectType: 'ingest_source',
        subjectId: input.sourceId,
        details: { events: items.length },
      }),
    );
  }
  const last = items.at(-1);
  return { items, nextBefore: last && items.length === input.limit ? formatEventCursor(last) : null, masked: !reveal };
};
