import { describe, expect, it } from 'vitest';
import { useTestDb } from '../test/test-db.ts';
import { dispatchOutbox, publish, purgeDeliveredEvents, type Subscriber } from './outbox.ts';

describe('transactional outbox', () => {
  const db = useTestDb();
  const seen: string[] = [];
  let failNext = false;
  const counter: Subscriber = {
    consumer: 'test.counter',
    topics: ['thing.happened'],
    handle: async (trx, event) => {
      if (failNext) {
        failNext = false;
        throw new Error('transient failure');
      }
      seen.push(event.payload.n as string);
      // An effect in the same transaction as the delivery record.
      await trx
        .insertInto('outbox_event')
        .values({ id: `evt_effect_${event.id}`, topic: 'effect', customer_id: null, payload: '{}' })
        .execute();
    },
  };

  it('delivers only events whose transaction committed', async () => {
    await db().tx((trx) => publish(trx, { topic: 'thing.happened', payload: { n: 'a' } }));
    await expect(
      db().tx(async (trx) => {
        await publish(trx, { topic: 'thing.happened', payload: { n: 'rolled-back' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await dispatchOutbox(db().db, [counter]);
    expect(seen).toEqual(['a']);
    const jobs = await db()
      .db.selectFrom('graphile_worker.jobs' as never)
      .select('task_identifier' as never)
      .execute();
    expect(jobs.length).toBe(1);
  });

  it('delivers each event once, even with concurrent dispatchers', async () => {
    seen.length = 0;
    await db().tx(async (trx) => {
      for (let i = 0; i < 50; i++) await publish(trx, { topic: 'thing.happened', payload: { n: `b${i}` } });
    });
    const counts = await Promise.all([dispatchOutbox(db().db, [counter], 7), dispatchOutbox(db().db, [counter], 7), dispatchOutbox(db().db, [counter], 7)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(50);
    expect(new Set(seen).size).toBe(50);
    expect(seen).toHaveLength(50);
  });

  it('retries an event whose handler failed, without a trace of the failed attempt', async () => {
    seen.length = 0;
    await db().tx((trx) => publish(trx, { topic: 'thing.happened', payload: { n: 'c' } }));
    failNext = true;
    await expect(dispatchOutbox(db().db, [counter])).rejects.toThrow('transient');
    expect(seen).toEqual([]);
    await dispatchOutbox(db().db, [counter]);
    expect(seen).toEqual(['c']);
  });

  it('lets subscribers take turns, so a long backlog of one does not hold up another', async () => {
    const order: string[] = [];
    const slow: Subscriber = { consumer: 'test.slow', topics: ['turn.taken'], handle: async (_trx, e) => void order.push(`slow ${e.payload.n}`) };
    const quick: Subscriber = { consumer: 'test.quick', topics: ['turn.taken'], handle: async (_trx, e) => void order.push(`quick ${e.payload.n}`) };
    await db().tx(async (trx) => {
      for (let i = 0; i < 5; i++) await publish(trx, { topic: 'turn.taken', payload: { n: i } });
    });
    expect(await dispatchOutbox(db().db, [slow, quick], 2)).toBe(10);
    // Batches of two, in turn: the second subscriber starts before the first has worked through its backlog.
    expect(order).toEqual(['slow 0', 'slow 1', 'quick 0', 'quick 1', 'slow 2', 'slow 3', 'quick 2', 'quick 3', 'slow 4', 'quick 4']);
  });

  it('serves the other subscribers when one handler fails, then reports the failure', async () => {
    const got: number[] = [];
    const broken: Subscriber = {
      consumer: 'test.broken',
      topics: ['fail.some'],
      handle: async () => {
        throw new Error('broken consumer');
      },
    };
    const fine: Subscriber = { consumer: 'test.fine', topics: ['fail.some'], handle: async (_trx, e) => void got.push(e.payload.n as number) };
    await db().tx(async (trx) => {
      for (let i = 0; i < 3; i++) await publish(trx, { topic: 'fail.some', payload: { n: i } });
    });
    await expect(dispatchOutbox(db().db, [broken, fine])).rejects.toThrow('broken consumer');
    expect(got).toEqual([0, 1, 2]);
    // The broken consumer's events are still pending for it (nothing was recorded as delivered).
    const deliveries = await db().db.selectFrom('outbox_delivery').select('consumer').where('consumer', '=', 'test.broken').execute();
    expect(deliveries).toEqual([]);
  });

  it('purges old events once every subscriber has them', async () => {
    const future = new Date(Date.now() + 86_400_000);
    await db().tx((trx) => publish(trx, { topic: 'thing.happened', payload: { n: 'pending' } }));
    const other: Subscriber = { ...counter, consumer: 'test.other' };
    await dispatchOutbox(db().db, [counter]);
    // `other` has received nothing yet, so nothing of its topic may go.
    await purgeDeliveredEvents(db().db, [counter, other], future);
    const left = await db().db.selectFrom('outbox_event').select('topic').where('topic', '=', 'thing.happened').execute();
    expect(left.length).toBe(53);
    await dispatchOutbox(db().db, [other]);
    await purgeDeliveredEvents(db().db, [counter, other], future);
    expect(await db().db.selectFrom('outbox_event').select('id').execute()).toEqual([]);
  });
});
