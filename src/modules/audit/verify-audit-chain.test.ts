import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { cliActor } from '../auth/index.ts';
import { recordAudit } from './record-audit.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

const run = promisify(execFile);

describe('audit chain', () => {
  const db = useTestDb();
  const actor = { ...cliActor('test'), ip: null, userAgent: null };

  const append = (n: number) =>
    db().tx(async (trx) => {
      for (let i = 0; i < n; i++) {
        await recordAudit(trx, systemClock, actor, {
          action: 'customer.update',
          subjectType: 'customer',
          subjectId: `cus_${i}`,
          details: { fields: ['phone'], n: i, nested: { b: 1, a: [1, 'x'] } },
        });
      }
    });

  // The DBA-level tamperer: the append-only trigger must be switched off first.
  const tamper = (statement: ReturnType<typeof sql>) =>
    db().tx(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(trx);
      await statement.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_append_only`.execute(trx);
    });

  it('links each row to the previous one and verifies an intact chain', async () => {
    await append(12);
    const rows = await db().db.selectFrom('audit_log').select(['seq', 'prev_hash', 'hash']).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(await verifyAuditChain(db().db, { pageSize: 5 })).toEqual({ ok: true, checked: 12, problems: [] });
  });

  it('refuses updates and deletes through normal SQL', async () => {
    await expect(sql`update audit_log set action = 'x' where seq = 1`.execute(db().db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(db().db)).rejects.toThrow(/append-only/);
  });

  it('keeps the chain consistent under concurrent writers', async () => {
    await Promise.all(Array.from({ length: 8 }, () => append(5)));
    const report = await verifyAuditChain(db().db);
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(52);
  });

  it('names a row changed directly in the database', async () => {
    await tamper(sql`update audit_log set details = '{"fields":["email"]}' where seq = 7`);
    const report = await verifyAuditChain(db().db, { pageSize: 4 });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ seq: 7, kind: 'modified' })]);
  });

  it('names rows deleted directly in the database, and the CLI exits non-zero naming them', async () => {
    await tamper(sql`delete from audit_log where seq in (20, 21)`);
    const report = await verifyAuditChain(db().db);
    expect(report.problems).toEqual(expect.arrayContaining([expect.objectContaining({ seq: 20, kind: 'deleted', message: expect.stringContaining('20–21') })]));

    const cli = await run('node', ['bin/guanxi.js', 'audit', 'verify'], { env: { ...process.env, DATABASE_URL: db().url } }).then(
      () => ({ code: 0, stdout: '' }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(cli.code).toBe(65);
    expect(cli.stdout).toContain('row 7: modified');
    expect(cli.stdout).toContain('row 20: deleted');
  });
});
