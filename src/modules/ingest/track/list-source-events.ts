import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import { recordAudit } from '../../audit/index.ts';
import { type Actor, actorCan } from '../../auth/index.ts';
import type { EventType } from '../ingest.tables.ts';
import { assertSourceExists } from './list-sources.ts';
import { maskPii } from './mask-pii.ts';

export type SourceEvent = {
  id: string;
  messageId: string;
  type: EventType;
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** The customer the event belongs to now (after any merge). */
  customerId: string;
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
 * The live debugger's page of a source's accepted events, newest first. Email and phone values in their
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
  const { rows } = await sql<{
    id: string;
    message_id: string;
    type: EventType;
    name: string | null;
    user_id: string | null;
    anonymous_id: string | null;
    root_id: string;
    occurred_at: Date;
    received_at: Date;
    properties: unknown;
    traits: unknown;
    context: unknown;
  }>`
    select e.id, e.message_id, e.type, e.name, e.user_id, e.anonymous_id, c.root_id, e.occurred_at, e.received_at, e.properties, e.traits, e.context
    from customer_event e join customer c on c.id = e.customer_id
    where e.source_id = ${input.sourceId}
      ${before === undefined ? sql`` : before.id === undefined ? sql`and e.received_at < ${before.receivedAt}` : sql`and (e.received_at, e.id) < (${before.receivedAt}, ${before.id})`}
    order by e.received_at desc, e.id desc
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
