import { runOnce } from 'graphile-worker';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import { loadConfig } from '../../platform/config.ts';
import { workerLogger } from '../../platform/jobs.ts';
import { createLogger } from '../../platform/logger.ts';
import { useTestDb } from '../../test/test-db.ts';
import { ingestJobs } from './ingest.jobs.ts';
import { ensureSource } from './sources.ts';
import { createIngestBatcher } from './track/ingest-batcher.ts';
import type { TrackedMessage } from './track/tracked-message.ts';

const message = (id: string, userId: string): TrackedMessage => ({
  path: 'body',
  messageId: id,
  type: 'identify',
  name: null,
  userId,
  anonymousId: `anon-${userId}`,
  linkedIds: [],
  properties: {},
  traits: { email: `${userId}@example.com` },
  context: {},
  personTraits: [{ path: 'body.traits', traits: { email: `${userId}@example.com` } }],
  occurredAt: new Date('2026-06-01T00:00:00Z'),
});

describe('ingest:resolve job', () => {
  const db = useTestDb();

  it('is enqueued once by accepted requests and, run by the worker, resolves the inbox', async () => {
    await db().tx((trx) => ensureSource(trx, { id: 'jobs', kind: 'http' }, new Date()));
    const batcher = createIngestBatcher(db().db, { maxInFlight: 2, maxMessages: 1000 });
    const receivedAt = new Date();
    await Promise.all([
      batcher.submit({ sourceId: 'jobs', receivedAt, messages: [message('j1', 'ann'), message('j2', 'bob')] }),
      batcher.submit({ sourceId: 'jobs', receivedAt, messages: [message('j3', 'ann')] }),
    ]);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'ingest:resolve'`.execute(db().db);
    expect(jobs.rows[0]?.n).toBe(1);

    const logger = createLogger('silent');
    const deps = { db: db().db, clock: systemClock, config: loadConfig({ NODE_ENV: 'test' }), logger };
    await runOnce({ pgPool: db().pool, taskList: ingestJobs(deps).tasks, logger: workerLogger(undefined) });

    expect(await db().db.selectFrom('ingest_inbox').select('message_id').execute()).toEqual([]);
    const events = await sql<{ message_id: string; email: string | null }>`
      select e.message_id, r.email from customer_event e join customer c on c.id = e.customer_id join customer r on r.id = c.root_id
      where e.source_id = 'jobs' order by e.message_id`.execute(db().db);
    expect(events.rows).toEqual([
      { message_id: 'j1', email: 'ann@example.com' },
      { message_id: 'j2', email: 'bob@example.com' },
      { message_id: 'j3', email: 'ann@example.com' },
    ]);
  });
});
