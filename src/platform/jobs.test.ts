import { describe, expect, it } from 'vitest';
import { useTestDb } from '../test/test-db.ts';
import { startWorker } from './jobs.ts';
import { createLogger } from './logger.ts';
import { DISPATCH_TASK, dispatchOutbox, publish, type Subscriber } from './outbox.ts';

describe('job worker', () => {
  const db = useTestDb();

  it('runs the dispatch job that publish() enqueued, delivering the event once', async () => {
    const received: string[] = [];
    const subscriber: Subscriber = {
      consumer: 'test.worker',
      topics: ['order.placed'],
      handle: async (_trx, event) => {
        received.push(event.payload.orderId as string);
      },
    };
    const worker = await startWorker({
      pool: db().pool,
      concurrency: 1,
      logger: createLogger('silent'),
      jobs: { tasks: { [DISPATCH_TASK]: async () => void (await dispatchOutbox(db().db, [subscriber])) }, crontab: [] },
    });
    try {
      await db().tx(async (trx) => {
        await publish(trx, { topic: 'order.placed', customerId: 'cus_x', payload: { orderId: 'ord_1' } });
        await publish(trx, { topic: 'order.placed', customerId: 'cus_x', payload: { orderId: 'ord_2' } });
      });
      await expect.poll(() => received.length, { timeout: 20_000, interval: 100 }).toBe(2);
      expect(received.sort()).toEqual(['ord_1', 'ord_2']);
    } finally {
      await worker.stop();
    }
  });
});
