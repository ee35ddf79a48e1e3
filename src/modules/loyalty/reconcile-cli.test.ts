import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { awardPoints } from './award-points.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

const exec = promisify(execFile);

describe('guanxi loyalty reconcile', () => {
  const db = useTestDb();
  const guanxi = (args: string[]) =>
    exec('node', ['bin/guanxi.js', ...args], { env: { ...process.env, DATABASE_URL: db().url, GUANXI_LOG_LEVEL: 'silent' } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('passes on a clean ledger and names the tampered account with exit code 65', async () => {
    const ctx = testCtx(fixedClock('2026-08-01T00:00:00Z'));
    const [a, b] = await makeCustomers(db().db, 2);
    for (const id of [a, b] as string[]) await db().tx((trx) => awardPoints(trx, ctx, { customerId: id, points: 250, key: 'k', reason: 'x', actor: 't' }));
    const clean = await guanxi(['loyalty', 'reconcile']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('issued 500 − redeemed 0 − expired 0 − reversed 0 − adjusted 0 = 500');
    expect(clean.stdout).toContain('ledger reconciled');

    await db().tx(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update loyalty_account set balance = 2000000 where customer_id = ${b} and kind = 'member'`.execute(trx);
    });
    const broken = await guanxi(['loyalty', 'reconcile']);
    expect(broken.code).toBe(65);
    expect(broken.stdout).toContain(`balance_drift: customer ${b} account member: expected 250, found 2000000`);
    expect(broken.stdout).not.toContain(`customer ${a}`);
    expect(broken.stderr).toContain('loyalty.reconcile_failed');
    const alerts = await db().db.selectFrom('loyalty_alert').select('kind').execute();
    expect(alerts.map((x) => x.kind)).toContain('reconcile_failed');
  }, 120_000);
});
