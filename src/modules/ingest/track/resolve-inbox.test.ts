import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { ensureSource } from '../sources.ts';
import { acceptMessages, prepareBatch } from './accept-messages.ts';
import { resolveInbox } from './resolve-inbox.ts';
import type { TrackedMessage } from './tracked-message.ts';

/** Visitor `v`'s n-th event; every third one is an identify that links the visitor to user `u-v` and an email. */
const event = (v: number, n: number): TrackedMessage => {
  const identify = n % 3 === 2;
  const traits = { email: `v${v}@example.cn`, name: `访客${v}` };
  return {
    path: `body.batch[${n}]`,
    messageId: `m-${v}-${n}`,
    type: identify ? 'identify' : 'page',
    name: identify ? null : '/',
    userId: identify ? `u-${v}` : null,
    anonymousId: `anon-${v}`,
    linkedIds: [],
    properties: { n },
    traits: identify ? traits : {},
    context: {},
    personTraits: identify ? [{ path: `body.batch[${n}].traits`, traits }] : [],
    occurredAt: new Date(Date.UTC(2026, 5, 1, 0, n)),
  };
};

describe('resolveInbox', () => {
  const db = useTestDb();

  it('resolves a backlog in concurrent batches into one customer per visitor, each event once', async () => {
    await db().tx((trx) => ensureSource(trx, { id: 'lanes', kind: 'http' }, new Date()));
    const visitors = 12;
    const perVisitor = 6;
    // Interleaved, so every visitor's events are spread over batches that run at the same time.
    const messages = Array.from({ length: perVisitor }, (_, n) => Array.from({ length: visitors }, (_, v) => event(v, n))).flat();
    await db().tx((trx) => acceptMessages(trx, [prepareBatch({ sourceId: 'lanes', receivedAt: new Date(), messages })]));

    const { resolved, more } = await resolveInbox(db().db, systemClock, { batchSize: 7, lanes: 3 });
    expect({ resolved, more }).toEqual({ resolved: visitors * perVisitor, more: false });

    const { rows } = await sql<{ anonymous_id: string; events: number; customers: number; emails: string[] }>`
      select e.anonymous_id, count(*)::int as events, count(distinct c.root_id)::int as customers, array_agg(distinct r.email) as emails
      from customer_event e join customer c on c.id = e.customer_id join customer r on r.id = c.root_id
      where e.source_id = 'lanes' group by e.anonymous_id order by e.anonymous_id`.execute(db().db);
    expect(rows).toHaveLength(visitors);
    for (const r of rows) {
      const v = Number(r.anonymous_id.slice(5));
      expect(r).toEqual({ anonymous_id: `anon-${v}`, events: perVisitor, customers: 1, emails: [`v${v}@example.cn`] });
    }
    expect(await db().db.selectFrom('ingest_inbox').select('message_id').execute()).toEqual([]);
  });
});
