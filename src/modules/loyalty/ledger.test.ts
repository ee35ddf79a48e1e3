import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { awardPoints } from './award-points.ts';
import { readBalances } from './ledger.repository.ts';
import { DEFAULT_LOYALTY_SETTINGS } from './loyalty-settings.ts';
import { reconcile } from './reconcile.ts';
import { redeemPoints } from './redeem-points.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

describe('points ledger', () => {
  const db = useTestDb();
  const clock = fixedClock('2026-03-10T02:00:00Z');
  const ctx = testCtx(clock);
  const award = (customerId: string, points: number, key: string) =>
    db().tx((trx) => awardPoints(trx, ctx, { customerId, points, key, reason: 'test', actor: 'test' }));
  const redeem = (customerId: string, points: number, key: string) =>
    db().tx((trx) => redeemPoints(trx, ctx, { customerId, points, key, reason: 'test', actor: 'test' }));

  it('writes balanced double entries and derives the balance from them', async () => {
    const [c] = await makeCustomers(db().db, 1);
    await award(c as string, 500, 'a1');
    await redeem(c as string, 120, 'r1');
    expect(await readBalances(db().db, c as string)).toEqual({ member: 380, pending: 0, debt: 0 });
    const entries = await db()
      .db.selectFrom('loyalty_entry')
      .select(['account', 'delta'])
      .where('customer_id', '=', c as string)
      .orderBy('movement_id')
      .orderBy('line')
      .execute();
    expect(entries).toEqual([
      { account: 'issued', delta: -500 },
      { account: 'member', delta: 500 },
      { account: 'member', delta: -120 },
      { account: 'redeemed', delta: 120 },
    ]);
    const report = await reconcile(db().db);
    expect(report.ok).toBe(true);
    expect(report.totals).toMatchObject({ issued: 500, redeemed: 120, outstanding: 380 });
  });

  it('moves points once for the same key, even delivered 5 times concurrently', async () => {
    const [c] = await makeCustomers(db().db, 1);
    const results = await Promise.all(Array.from({ length: 5 }, () => award(c as string, 300, 'purchase:ord_1')));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.movement.id)).size).toBe(1);
    expect((await readBalances(db().db, c as string)).member).toBe(300);
    await expect(award(c as string, 301, 'purchase:ord_1')).rejects.toMatchObject({ code: 'loyalty.idempotency_conflict' });
  });

  it('never overdraws an account under concurrent redemptions', async () => {
    const [c] = await makeCustomers(db().db, 1);
    await award(c as string, 1000, 'seed');
    const attempts = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => redeem(c as string, 100, `r${i}`)));
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(10);
    for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toMatchObject({ code: 'loyalty.insufficient_points' });
    expect((await readBalances(db().db, c as string)).member).toBe(0);
    expect((await reconcile(db().db)).ok).toBe(true);
  });

  it('refuses an operation above the per-operation limit', async () => {
    const [c] = await makeCustomers(db().db, 1);
    await expect(award(c as string, DEFAULT_LOYALTY_SETTINGS.guards.maxPointsPerOperation + 1, 'big')).rejects.toMatchObject({
      code: 'loyalty.over_operation_limit',
    });
    await expect(award(c as string, 0, 'zero')).rejects.toMatchObject({ code: 'request.invalid' });
  });

  it('refuses updates and deletes of ledger rows and direct balance writes', async () => {
    const [c] = await makeCustomers(db().db, 1);
    await award(c as string, 50, 'k');
    await expect(sql`update loyalty_entry set delta = 5000 where customer_id = ${c}`.execute(db().db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from loyalty_movement where customer_id = ${c}`.execute(db().db)).rejects.toThrow(/append-only/);
    await expect(sql`update loyalty_account set balance = 2000000 where customer_id = ${c}`.execute(db().db)).rejects.toThrow(/only through loyalty_entry/);
    await expect(sql`truncate loyalty_entry`.execute(db().db)).rejects.toThrow(/append-only/);
    // A movement whose lines do not balance is refused.
    await expect(
      db().tx(async (trx) => {
        await sql`insert into loyalty_movement (customer_id, id, kind, idempotency_key, points, reason, actor, created_at)
                  values (${c}, 'lmv_x', 'grant', 'bad', 10, 'x', 'x', now())`.execute(trx);
        await sql`insert into loyalty_entry (customer_id, movement_id, line, account, delta, created_at) values (${c}, 'lmv_x', 1, 'member', 10, now())`.execute(
          trx,
        );
      }),
    ).rejects.toThrow(/does not balance/);
  });

  it('names the account whose balance or entries were tampered with', async () => {
    const [honest, tampered, edited] = await makeCustomers(db().db, 3);
    await award(honest as string, 100, 'k');
    await award(tampered as string, 100, 'k');
    await award(edited as string, 100, 'k');
    expect((await reconcile(db().db)).ok).toBe(true);
    // Someone with superuser rights bypasses the triggers (as a buggy script or an attacker would).
    await db().tx(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update loyalty_account set balance = 2000000 where customer_id = ${tampered} and kind = 'member'`.execute(trx);
      await sql`update loyalty_entry set delta = 900 where customer_id = ${edited} and account = 'member'`.execute(trx);
    });
    const report = await reconcile(db().db);
    expect(report.ok).toBe(false);
    const named = new Set(report.problems.map((p) => p.customerId));
    expect(named).toEqual(new Set([tampered, edited]));
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'balance_drift', customerId: tampered, expected: 100, actual: 2_000_000 }));
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'unbalanced_movement', customerId: edited }));
    expect(report.liabilityFromLedger).not.toBe(report.liabilityFromBalances);
  });

  it('lets the whole ledger go only together with its customer (erasure, demo reset)', async () => {
    const [c] = await makeCustomers(db().db, 1, new Date('2026-01-01T00:00:00Z'), 'demo');
    await award(c as string, 70, 'k');
    await redeem(c as string, 20, 'r');
    await sql`delete from customer where id = ${c}`.execute(db().db);
    const left = await sql<{
      n: number;
    }>`select (select count(*) from loyalty_entry where customer_id = ${c}) + (select count(*) from loyalty_account where customer_id = ${c}) as n`.execute(
      db().db,
    );
    expect(Number(left.rows[0]?.n)).toBe(0);
  });
});
