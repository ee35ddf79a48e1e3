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

  it('stores a message re-sent after it was resolved once, and empties the inbox of it', async () => {
    await db().tx((trx) => ensureSource(trx, { id: 'resend', kind: 'http' }, new Date()));
    const messages = [event(100, 0), event(100, 2)];
    for (let i = 0; i < 2; i++) {
      await db().tx((trx) => acceptMessages(trx, [prepareBatch({ sourceId: 'resend', receivedAt: new Date(), messages })]));
      expect(await resolveInbox(db().db, systemClock)).toEqual({ resolved: 2, more: false });
    }
    const stored = await db()
      .db.selectFrom('customer_event')
      .select(['message_id', 'customer_id', 'properties'])
      .where('source_id', '=', 'resend')
      .orderBy('message_id')
      .execute();
    expect(stored.map((e) => [e.message_id, e.properties])).toEqual([
      ['m-100-0', { n: 0 }],
      ['m-100-2', { n: 2 }],
    ]);
    const claims = await db()
      .db.selectFrom('ingest_message')
      .select(['message_id', 'customer_id'])
      .where('source_id', '=', 'resend')
      .orderBy('message_id')
      .execute();
    expect(claims).toEqual(stored.map((e) => ({ message_id: e.message_id, customer_id: e.customer_id })));
    expect(await db().db.selectFrom('ingest_inbox').select('message_id').where('source_id', '=', 'resend').execute()).toEqual([]);
  });

  it('refuses to delete a customer that still has events, and deletes it once they are gone', async () => {
    await db().tx((trx) => ensureSource(trx, { id: 'guard', kind: 'http' }, new Date()));
    await db().tx((trx) => acceptMessages(trx, [prepareBatch({ sourceId: 'guard', receivedAt: new Date(), messages: [event(200, 0)] })]));
    await resolveInbox(db().db, systemClock);
    const { customer_id } = await db().db.selectFrom('customer_event').select('customer_id').where('source_id', '=', 'guard').executeTakeFirstOrThrow();
    const remove = () =>
      db().tx(async (trx) => {
        await trx.deleteFrom('customer_stats').where('customer_id', '=', customer_id).execute();
        await trx.deleteFrom('customer_identifier').where('customer_id', '=', customer_id).execute();
        await trx.deleteFrom('customer').where('id', '=', customer_id).execute();
      });
    await expect(remove()).rejects.toMatchObject({ code: '23503', message: expect.stringContaining('customer_event') });
    expect(await db().db.selectFrom('customer').select('id').where('id', '=', customer_id).execute()).toHaveLength(1);
    await db().db.deleteFrom('customer_event').where('customer_id', '=', customer_id).execute();
    await remove();
    expect(await db().db.selectFrom('customer').select('id').where('id', '=', customer_id).execute()).toEqual([]);
  });
});
