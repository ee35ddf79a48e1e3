import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import type { Actor } from '../auth/index.ts';
import { cliActor } from '../auth/index.ts';
import { awardPoints } from './award-points.ts';
import { createBulkGrant, decideBulkGrant, getGrant, runBulkGrant } from './bulk-grants.ts';
import { withIssuanceAlerts } from './issuance-guard.ts';
import { DEFAULT_LOYALTY_SETTINGS } from './loyalty-settings.ts';
import { reconcile } from './reconcile.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

const user = (id: string): Actor => ({ type: 'user', id, label: id, role: 'admin', permissions: [], ip: null, userAgent: null });

describe('guards and bulk grants', () => {
  const db = useTestDb();
  const clock = fixedClock('2026-05-05T03:00:00Z');
  const ctx = testCtx(clock);

  it('needs a second person to approve a grant above the threshold', async () => {
    const ids = await makeCustomers(db().db, 30);
    const grant = await db().tx((trx) =>
      createBulkGrant(trx, clock, ctx.settings, user('usr_a'), { title: 'Spring', reason: 'campaign', pointsEach: 500, customerIds: ids }),
    );
    expect(grant).toMatchObject({ status: 'pending_approval', totalPoints: 15_000, targetCount: 30 });
    await expect(runBulkGrant(db().db, ctx, grant.id)).rejects.toMatchObject({ code: 'loyalty.grant_state' });
    await expect(db().tx((trx) => decideBulkGrant(trx, clock, user('usr_a'), grant.id, true))).rejects.toMatchObject({ code: 'loyalty.same_approver' });
    await db().tx((trx) => decideBulkGrant(trx, clock, user('usr_b'), grant.id, true));
    const done = await runBulkGrant(db().db, ctx, grant.id, { batchSize: 7 });
    expect(done).toMatchObject({ status: 'done', granted: 30 });
    // Running it again grants nobody twice.
    expect(await runBulkGrant(db().db, ctx, grant.id)).toMatchObject({ granted: 30 });
    const issued = await db().db.selectFrom('loyalty_movement').select(db().db.fn.countAll<number>().as('n')).where('ref_id', '=', grant.id).executeTakeFirst();
    expect(Number(issued?.n)).toBe(30);
    const audit = await db().db.selectFrom('audit_log').select('action').where('subject_id', '=', grant.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['loyalty.grant_create', 'loyalty.grant_approve']);
  });

  it('approves small grants at once', async () => {
    const ids = await makeCustomers(db().db, 2);
    const grant = await db().tx((trx) =>
      createBulkGrant(trx, clock, ctx.settings, user('usr_a'), { title: 'Thanks', reason: 'service', pointsEach: 100, customerIds: ids }),
    );
    expect(grant.status).toBe('approved');
    await expect(
      db().tx((trx) => createBulkGrant(trx, clock, ctx.settings, user('usr_a'), { title: 'x', reason: 'x', pointsEach: 100, customerIds: ['cus_nobody'] })),
    ).rejects.toMatchObject({ code: 'customers.not_found' });
  });

  it('refuses issuance past the daily budget with an alert, warns before, and resets the next day', async () => {
    const budgetCtx = testCtx(clock, { guards: { ...DEFAULT_LOYALTY_SETTINGS.guards, dailyIssuanceBudget: 1000, budgetWarnRatio: 0.8 } });
    clock.set('2026-06-01T03:00:00Z');
    const [c] = await makeCustomers(db().db, 1);
    const award = (points: number, key: string) =>
      withIssuanceAlerts(db().db, clock, () =>
        db().tx((trx) => awardPoints(trx, budgetCtx, { customerId: c as string, points, key, reason: 'x', actor: 't' })),
      );
    await award(850, 'a');
    await expect(award(200, 'b')).rejects.toMatchObject({ code: 'loyalty.daily_budget_exceeded' });
    await award(150, 'c');
    const alerts = await db().db.selectFrom('loyalty_alert').select('kind').where('at', '>=', new Date('2026-06-01T00:00:00Z')).orderBy('at').execute();
    expect(alerts.map((a) => a.kind)).toEqual(['budget_warning', 'budget_exceeded']);
    clock.set('2026-06-02T03:00:00Z');
    await award(200, 'b');
    expect((await reconcile(db().db)).ok).toBe(true);
  });

  it('survives a SIGKILL in the middle of a bulk grant: reconcile is clean and resuming completes it without double-granting', async () => {
    const ids = await makeCustomers(db().db, 400);
    const grant = await db().tx((trx) =>
      createBulkGrant(trx, clock, ctx.settings, cliActor('test'), { title: 'Crash', reason: 'campaign', pointsEach: 10, customerIds: ids }),
    );
    expect(grant.status).toBe('approved');
    const child = spawn('node', ['bin/guanxi.js', 'loyalty', 'grant', '--resume', grant.id, '--batch-size', '10'], {
      env: { ...process.env, DATABASE_URL: db().url, GUANXI_LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const killed = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        // Kill it once a few batches are in, while it is still going.
        if ((out.match(/granted \d+\/400/g) ?? []).length >= 3 && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    await killed;
    const mid = await getGrant(db().db, grant.id);
    expect(mid.status).toBe('running');
    expect(mid.granted).toBeGreaterThanOrEqual(30);
    expect(mid.granted).toBeLessThan(400);
    expect(mid.granted % 10).toBe(0); // whole batches only: each is one transaction
    const afterCrash = await reconcile(db().db);
    expect(afterCrash.problems).toEqual([]);
    expect(afterCrash.ok).toBe(true);

    const resumed = await runBulkGrant(db().db, ctx, grant.id, { batchSize: 50 });
    expect(resumed).toMatchObject({ status: 'done', granted: 400 });
    const perCustomer = await db()
      .db.selectFrom('loyalty_movement')
      .select(['customer_id', db().db.fn.countAll<number>().as('n')])
      .where('ref_id', '=', grant.id)
      .groupBy('customer_id')
      .execute();
    expect(perCustomer).toHaveLength(400);
    expect(perCustomer.every((r) => Number(r.n) === 1)).toBe(true);
    expect((await reconcile(db().db)).ok).toBe(true);
  }, 120_000);
});
