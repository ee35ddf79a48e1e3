import { describe, expect, it } from 'vitest';
import { useTestDb } from '../test/test-db.ts';
import { dispatchOutbox, listParkedEvents, publish, purgeDeliveredEvents, retryParkedEvent, type Subscriber } from './outbox.ts';

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
    const counts = await Promise.all([
      dispatchOutbox(db().db, [counter], { batchSize: 7 }),
      dispatchOutbox(db().db, [counter], { batchSize: 7 }),
      dispatchOutbox(db().db, [counter], { batchSize: 7 }),
    ]);
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
    expect(await dispatchOutbox(db().db, [slow, quick], { batchSize: 2 })).toBe(10);
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

describe('outbox: batch handlers and parked events', () => {
  const db = useTestDb();
  const publishMany = (topic: string, ns: number[]) =>
    db().tx(async (trx) => {
      for (const n of ns) await publish(trx, { topic, payload: { n } });
    });
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  it('hands a batch handler whole batches, each event once, in order, even with concurrent dispatchers', async () => {
    const batches: number[][] = [];
    const batcher: Subscriber = {
      consumer: 'test.batcher',
      topics: ['batch.item'],
      handle: async () => {
        throw new Error('one at a time is only the fallback');
      },
      handleBatch: async (_trx, events) => void batches.push(events.map((e) => e.payload.n as number)),
    };
    await publishMany('batch.item', range(0, 45));
    const counts = await Promise.all([1, 2, 3].map(() => dispatchOutbox(db().db, [batcher], { batchSize: 10 })));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(45);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(range(0, 45));
    for (const b of batches) expect(b).toEqual([...b].sort((x, y) => x - y));
    expect(batches.length).toBeLessThan(15); // batches, not one event each
  });

  it('parks an event that keeps failing after N attempts across runs, and delivers the events after it', async () => {
    const got: number[] = [];
    const picky: Subscriber = {
      consumer: 'test.picky',
      topics: ['park.me'],
      handle: async (_trx, e) => {
        if (e.payload.n === 1) throw new Error('cannot handle item 1');
        got.push(e.payload.n as number);
      },
    };
    await publishMany('park.me', [0, 1, 2, 3]);
    for (let attempt = 1; attempt < 3; attempt++) {
      await expect(dispatchOutbox(db().db, [picky], { maxAttempts: 3 })).rejects.toThrow('cannot handle item 1');
      expect(got).toEqual([0]); // stuck behind item 1 for now
      expect((await listParkedEvents(db().db, { page: 1, pageSize: 10 })).total).toBe(0);
    }
    const parked: string[] = [];
    // The third failure parks it: the run succeeds and the later events are delivered.
    expect(await dispatchOutbox(db().db, [picky], { maxAttempts: 3, onParked: (p) => parked.push(`${p.consumer} ${p.attempts} ${p.error}`) })).toBe(2);
    expect(got).toEqual([0, 2, 3]);
    expect(parked).toEqual(['test.picky 3 cannot handle item 1']);
    const list = await listParkedEvents(db().db, { page: 1, pageSize: 10 });
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ consumer: 'test.picky', topic: 'park.me', attempts: 3, lastError: 'cannot handle item 1' });
    expect(list.items[0]?.parkedAt).toBeInstanceOf(Date);
    // Parked: later runs leave it alone and do not fail.
    expect(await dispatchOutbox(db().db, [picky], { maxAttempts: 3 })).toBe(0);
    // Kept by the purge although old and (for the other consumers) done.
    await purgeDeliveredEvents(db().db, [picky], new Date(Date.now() + 86_400_000));
    const left = await db().db.selectFrom('outbox_event').select('id').where('topic', '=', 'park.me').execute();
    expect(left.map((r) => r.id)).toEqual([list.items[0]?.eventId]);
  });

  it('retries a parked event once un-parked, and delivers it when the handler is fixed', async () => {
    const got: number[] = [];
    let fixed = false;
    const picky: Subscriber = {
      consumer: 'test.picky',
      topics: ['park.me'],
      handle: async (_trx, e) => {
        if (!fixed) throw new Error('still broken');
        got.push(e.payload.n as number);
      },
    };
    const [parked] = (await listParkedEvents(db().db, { page: 1, pageSize: 10 })).items;
    if (!parked) throw new Error('the previous test parks one event');
    await expect(db().tx((trx) => retryParkedEvent(trx, { eventId: parked.eventId, consumer: 'test.other' }))).rejects.toMatchObject({
      code: 'request.not_found',
    });
    await db().tx((trx) => retryParkedEvent(trx, { eventId: parked.eventId, consumer: 'test.picky' }));
    expect((await listParkedEvents(db().db, { page: 1, pageSize: 10 })).total).toBe(0);
    // Retried with a fresh count: fails (not parked yet), then delivered once fixed.
    await expect(dispatchOutbox(db().db, [picky], { maxAttempts: 3 })).rejects.toThrow('still broken');
    fixed = true;
    expect(await dispatchOutbox(db().db, [picky], { maxAttempts: 3 })).toBe(1);
    expect(got).toEqual([1]);
    expect(await db().db.selectFrom('outbox_failure').selectAll().execute()).toEqual([]);
    await expect(db().tx((trx) => retryParkedEvent(trx, { eventId: parked.eventId, consumer: 'test.picky' }))).rejects.toMatchObject({
      code: 'request.not_found',
    });
  });

  it('falls back to one event at a time when a batch fails, so only the bad event is parked', async () => {
    const handled: number[] = [];
    const batchCalls: number[] = [];
    const handleOne = (n: number) => {
      if (n === 13) throw new Error('bad item');
      handled.push(n);
    };
    const batcher: Subscriber = {
      consumer: 'test.fallback',
      topics: ['batch.bad'],
      handle: async (_trx, e) => handleOne(e.payload.n as number),
      handleBatch: async (_trx, events) => {
        batchCalls.push(events.length);
        // Kept only if the whole batch succeeds, as its transaction is.
        const mine: number[] = [];
        for (const e of events) {
          if (e.payload.n === 13) throw new Error('bad item');
          mine.push(e.payload.n as number);
        }
        handled.push(...mine);
      },
    };
    await publishMany('batch.bad', range(0, 30));
    await expect(dispatchOutbox(db().db, [batcher], { batchSize: 10, maxAttempts: 2 })).rejects.toThrow('bad item');
    expect(handled).toEqual(range(0, 13)); // 0–9 in a batch, then 10–12 one by one, stopped at 13
    expect(await dispatchOutbox(db().db, [batcher], { batchSize: 10, maxAttempts: 2 })).toBe(16);
    expect(handled).toEqual([...range(0, 13), ...range(14, 30)]);
    const parked = (await listParkedEvents(db().db, { page: 1, pageSize: 10 })).items;
    expect(parked.map((p) => [p.consumer, p.attempts, p.lastError])).toEqual([['test.fallback', 2, 'bad item']]);
    // After the parked event, the rest went back to batches.
    expect(batchCalls.at(-1)).toBeGreaterThan(1);
  });
});
