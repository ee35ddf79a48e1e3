import type { Db, Trx } from '../../../platform/db.ts';
import { acceptMessages, ensureResolverQueued, type IngestResult, type MessageBatch, type PreparedBatch, prepareBatch } from './accept-messages.ts';

type Job = { batch: PreparedBatch; resolve: (r: IngestResult) => void; reject: (e: unknown) => void };

export type IngestBatcher = { submit: (batch: MessageBatch) => Promise<IngestResult> };

// Deadlocks between concurrent transactions sharing messages are retried; nothing was committed.
const RETRYABLE = new Set(['40P01', '40001']);
const inTransaction = async <T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (e) {
      if (attempt >= 4 || !RETRYABLE.has(String((e as { code?: unknown }).code))) throw e;
    }
  }
};

/**
 * Group commit for tracked messages. At most `maxInFlight` ingest transactions run at once; requests that
 * arrive meanwhile wait and are then stored together in one transaction (up to `maxMessages`), each
 * answered when it commits. A request is never split across transactions, and a lone request starts at
 * once, so nothing waits at low load; under load, per-transaction work (round trips, the commit's WAL
 * flush, making sure a resolver job is queued: `ensureResolverQueued`, after the commit, before the
 * answers) is shared. If a shared transaction fails, its requests are retried one by one, so that one
 * request's problem cannot fail another's.
 */
export const createIngestBatcher = (db: Db, options: { maxInFlight: number; maxMessages: number; onEnqueueError?: (e: unknown) => void }): IngestBatcher => {
  const queue: Job[] = [];
  let inFlight = 0;

  const run = async (jobs: Job[]): Promise<void> => {
    try {
      const results = await inTransaction(db, (trx) =>
        acceptMessages(
          trx,
          jobs.map((j) => j.batch),
        ),
      );
      // Committed: the events are durable whatever happens next. A failed enqueue is left to the sweep.
      if (results.some((r) => r.stored > 0)) await ensureResolverQueued(db).catch(options.onEnqueueError ?? (() => {}));
      jobs.forEach((j, i) => {
        j.resolve(results[i] as IngestResult);
      });
    } catch (e) {
      if (jobs.length === 1) {
        jobs[0]?.reject(e);
        return;
      }
      for (const job of jobs) await run([job]);
    }
  };

  const pump = () => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const jobs: Job[] = [queue.shift() as Job];
      let size = jobs[0]?.batch.messageIds.length ?? 0;
      while (queue.length > 0 && size + (queue[0]?.batch.messageIds.length ?? 0) <= options.maxMessages) {
        const next = queue.shift() as Job;
        size += next.batch.messageIds.length;
        jobs.push(next);
      }
      inFlight++;
      run(jobs).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  return {
    submit: (batch) =>
      new Promise<IngestResult>((resolve, reject) => {
        queue.push({ batch: prepareBatch(batch), resolve, reject });
        pump();
      }),
  };
};
