import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../http/app.ts';
import { systemClock } from '../../../platform/clock.ts';
import { loadConfig } from '../../../platform/config.ts';
import { createLogger } from '../../../platform/logger.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor } from '../../auth/index.ts';
import { ensureSource } from '../sources.ts';
import { failInterruptedImports, INTERRUPTED, importLockKey } from './fail-interrupted-imports.ts';
import { insertImport } from './import.repository.ts';
import { importFile } from './run-import.ts';

const startedAt = new Date('2026-11-01T00:00:00Z');

describe('imports left running by a process that died', () => {
  const db = useTestDb();
  const running = async (id: string) =>
    db().tx(async (trx) => {
      await ensureSource(trx, { id: 'pos', kind: 'file' }, startedAt);
      await insertImport(trx, { id, sourceId: 'pos', kind: 'orders', fileName: 'a.csv', encoding: 'utf-8', startedAt, startedBy: 'test' });
    });
  const statusOf = (id: string) =>
    db().db.selectFrom('ingest_import').select(['status', 'failure', 'finished_at']).where('id', '=', id).executeTakeFirstOrThrow();

  it('are marked failed with the reason; one whose process still holds its lock is left running', async () => {
    await running('imp_crashed');
    await running('imp_alive');
    // A live import: its connection holds the import's lock.
    await db()
      .db.connection()
      .execute(async (conn) => {
        await sql`select pg_advisory_lock(hashtextextended(${importLockKey('imp_alive')}, 0))`.execute(conn);
        const failed = await failInterruptedImports(db().db, new Date('2026-11-01T01:00:00Z'));
        expect(failed).toEqual(['imp_crashed']);
        await sql`select pg_advisory_unlock_all()`.execute(conn);
      });
    expect(await statusOf('imp_crashed')).toEqual({ status: 'failed', failure: INTERRUPTED, finished_at: new Date('2026-11-01T01:00:00Z') });
    expect((await statusOf('imp_alive')).status).toBe('running');
  });

  it('are marked failed when the server starts, and a re-import completes the file', async () => {
    await running('imp_before_restart');
    const config = loadConfig({ NODE_ENV: 'test', GUANXI_LOG_LEVEL: 'silent' });
    const app = await buildApp({ db: db().db, clock: systemClock, config, logger: createLogger('silent') }, { serveConsole: false });
    await app.ready();
    await app.close();
    expect(await statusOf('imp_before_restart')).toMatchObject({ status: 'failed', failure: INTERRUPTED });

    const file = 'order_no,phone,order_date,amount\nR1,13800138000,2026-01-01 10:00,10\n';
    const bytes = (async function* () {
      yield Buffer.from(file);
    })();
    const summary = await importFile(db().db, systemClock, cliActor('test'), { kind: 'orders', source: 'pos', fileName: 'a.csv', bytes });
    expect(summary).toMatchObject({ status: 'done', rowsStored: 1 });
    // A finished import released its lock: the check leaves it alone.
    expect(await failInterruptedImports(db().db, new Date())).toEqual([]);
  });
});
