import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor, createApiKey } from '../../auth/index.ts';
import { ensureSource } from '../sources.ts';
import { resolveInbox } from './resolve-inbox.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const BATCHES = 20;
const BATCH_SIZE = 50;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** `guanxi start` as its own process on the test database. */
const startServer = async (databaseUrl: string, port: number, worker: boolean): Promise<{ child: ChildProcess; output: () => string }> => {
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/guanxi.js'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      GUANXI_PORT: String(port),
      GUANXI_HOST: '127.0.0.1',
      GUANXI_WORKER_ENABLED: String(worker),
      GUANXI_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => {
    output += String(d);
  });
  child.stderr?.on('data', (d) => {
    output += String(d);
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return { child, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not answer /api/health within 60 s:\n${output}`);
};

const killHard = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe('durability of accepted events', () => {
  const db = useTestDb();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) await killHard(c);
  });

  it('keeps every acknowledged event when the server is killed with SIGKILL', { timeout: 180_000 }, async () => {
    const secret = await db().tx(async (trx) => {
      const created = await createApiKey(trx, systemClock, cliActor('test'), 'durable', { sourceId: 'durable' });
      await ensureSource(trx, { id: 'durable', kind: 'http' }, systemClock.now());
      return created.secret;
    });
    const port = await freePort();
    // The first server runs the resolver job too, so the kill may land in the middle of a resolution.
    const first = await startServer(db().url, port, true);
    children.push(first.child);

    const batches = Array.from({ length: BATCHES }, (_, b) =>
      Array.from({ length: BATCH_SIZE }, (_, i) => ({
        type: 'track',
        userId: `dur-${(b * BATCH_SIZE + i) % 97}`,
        event: 'Durable',
        messageId: randomUUID(),
        properties: { batch: b, i },
      })),
    );
    const send = (batch: unknown[]) =>
      fetch(`http://127.0.0.1:${port}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${secret}:`).toString('base64')}` },
        body: JSON.stringify({ batch }),
      });
    // Four senders at a time; each answer is awaited and must be 2xx.
    for (let b = 0; b < BATCHES; b += 4) {
      const answers = await Promise.all(batches.slice(b, b + 4).map(send));
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    }
    await killHard(first.child);
    expect(first.child.signalCode).toBe('SIGKILL');

    // Every acknowledged event is there: resolved, or still in the inbox (never both).
    const { rows: stored } = await sql<{ events: number; pending: number; distinct: number }>`
      select (select count(*)::int from customer_event where source_id = 'durable') as events,
             (select count(*)::int from ingest_inbox where source_id = 'durable') as pending,
             (select count(distinct message_id)::int from (
               select message_id from customer_event where source_id = 'durable'
               union all select message_id from ingest_inbox where source_id = 'durable') m) as distinct`.execute(db().db);
    expect((stored[0]?.events ?? 0) + (stored[0]?.pending ?? 0)).toBe(BATCHES * BATCH_SIZE);
    expect(stored[0]?.distinct).toBe(BATCHES * BATCH_SIZE);

    const second = await startServer(db().url, port, false);
    children.push(second.child);
    const count = async () => {
      await resolveInbox(db().db, systemClock);
      return Number((await sql<{ n: number }>`select count(*)::int as n from customer_event where source_id = 'durable'`.execute(db().db)).rows[0]?.n);
    };
    expect(await count()).toBe(BATCHES * BATCH_SIZE);
    // The restarted server still knows every message: a re-sent batch is not stored again.
    expect((await send(batches[0] as unknown[])).status).toBe(200);
    expect(await count()).toBe(BATCHES * BATCH_SIZE);
    await killHard(second.child);
  });
});
