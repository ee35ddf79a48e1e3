import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../http/deps.ts';
import { fixedClock } from '../../platform/clock.ts';
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logger.ts';
import { dispatchOutbox } from '../../platform/outbox.ts';
import { writeSetting } from '../../platform/settings.ts';
import { useTestDb } from '../../test/test-db.ts';
import { cliActor } from '../auth/index.ts';
import { DEFAULT_IDENTITY_RULES, mergeCustomers, undoMerge } from '../identity/index.ts';
import { awardPoints } from './award-points.ts';
import { readBalances } from './ledger.repository.ts';
import { loyaltySubscribers } from './loyalty.subscribers.ts';
import { DEFAULT_LOYALTY_SETTINGS, LOYALTY_SETTINGS_KEY } from './loyalty-settings.ts';
import { addGrowth, enrolMember, findMember } from './members.ts';
import { syncOrderPoints } from './order-points.ts';
import { reconcile } from './reconcile.ts';
import { redeemPoints } from './redeem-points.ts';
import { makeCustomers, makeOrder, makeRefund, testCtx } from './test-fixtures.ts';

describe('points and tier follow identity merges', () => {
  const db = useTestDb();
  const clock = fixedClock('2026-03-10T02:00:00Z');
  const ctx = testCtx(clock);
  const deps = (): AppDeps => ({ db: db().db, clock, config: loadConfig({ NODE_ENV: 'test', GUANXI_LOG_LEVEL: 'silent' }), logger: createLogger('silent') });
  const dispatch = () => dispatchOutbox(db().db, loyaltySubscribers(deps()));
  const actor = cliActor('test');

  /** Two members: A with 300 points (a March lot) and growth 1,500; B with 500 points (an older lot) and growth 900. */
  const twoMembers = async () => {
    const [a, b] = (await makeCustomers(db().db, 2)) as [string, string];
    clock.set('2026-01-05T02:00:00Z');
    await db().tx(async (trx) => {
      await enrolMember(trx, clock, ctx.settings, b, 'api');
      await addGrowth(trx, clock, ctx.settings, { customerId: b, kind: 'spend', points: 900, key: 'spend:b1' });
      await awardPoints(trx, ctx, { customerId: b, points: 500, key: 'b1', reason: 'test', actor: 'test' });
    });
    clock.set('2026-03-10T02:00:00Z');
    await db().tx(async (trx) => {
      await enrolMember(trx, clock, ctx.settings, a, 'api');
      await addGrowth(trx, clock, ctx.settings, { customerId: a, kind: 'spend', points: 1_500, key: 'spend:a1' });
      await awardPoints(trx, ctx, { customerId: a, points: 300, key: 'a1', reason: 'test', actor: 'test' });
    });
    return { a, b };
  };
  const lotsOf = (customerId: string) =>
    db()
      .db.selectFrom('loyalty_lot')
      .select(['remaining', 'expires_at'])
      .where('customer_id', '=', customerId)
      .where('remaining', '>', 0)
      .orderBy('expires_at')
      .execute();

  it('merging two members gives the winner the sum, with the lots and their expiry dates, and upgrades its tier at once', async () => {
    const { a, b } = await twoMembers();
    const before = { a: await findMember(db().db, a), b: await findMember(db().db, b) };
    expect(before.a?.tier).toBe('explorer');
    const merge = await db().tx((trx) => mergeCustomers(trx, clock, actor, DEFAULT_IDENTITY_RULES, { winnerId: a, loserId: b }));
    expect(await dispatch()).toBe(1);

    expect(await readBalances(db().db, a)).toEqual({ member: 800, pending: 0, debt: 0 });
    expect(await readBalances(db().db, b)).toEqual({ member: 0, pending: 0, debt: 0 });
    expect((await lotsOf(a)).map((l) => [Number(l.remaining), l.expires_at?.toISOString()])).toEqual([
      [500, '2028-01-05T02:00:00.000Z'],
      [300, '2028-03-10T02:00:00.000Z'],
    ]);
    const winner = await findMember(db().db, a);
    expect(winner).toMatchObject({ growth: 2_400, tier: 'partner', memberNo: before.a?.memberNo });
    expect((await findMember(db().db, b))?.memberNo).toBe(before.b?.memberNo);
    const change = await db().db.selectFrom('loyalty_tier_change').selectAll().where('customer_id', '=', a).where('reason', '=', 'upgrade').execute();
    expect(change).toHaveLength(1);
    const report = await reconcile(db().db);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.totals).toMatchObject({ issued: 800, outstanding: 800 });
    expect(merge.id).toBeTruthy();
  });

  it('an unmerge gives both their own balances, lots and growth back', async () => {
    const { a, b } = await twoMembers();
    const merge = await db().tx((trx) => mergeCustomers(trx, clock, actor, DEFAULT_IDENTITY_RULES, { winnerId: a, loserId: b }));
    await dispatch();
    clock.advance(86_400_000);
    await db().tx((trx) => undoMerge(trx, clock, actor, DEFAULT_IDENTITY_RULES, merge.id));
    expect(await dispatch()).toBe(1);

    expect(await readBalances(db().db, a)).toEqual({ member: 300, pending: 0, debt: 0 });
    expect(await readBalances(db().db, b)).toEqual({ member: 500, pending: 0, debt: 0 });
    expect((await lotsOf(b)).map((l) => [Number(l.remaining), l.expires_at?.toISOString()])).toEqual([[500, '2028-01-05T02:00:00.000Z']]);
    expect((await lotsOf(a)).map((l) => Number(l.remaining))).toEqual([300]);
    expect((await findMember(db().db, a))?.growth).toBe(1_500);
    expect((await findMember(db().db, b))?.growth).toBe(900);
    // Spendable again on its own account.
    await db().tx((trx) => redeemPoints(trx, ctx, { customerId: b, points: 500, key: 'r-b', reason: 'test', actor: 'test' }));
    expect((await reconcile(db().db)).ok).toBe(true);
  });

  it('an event delivered twice moves the points once', async () => {
    const { a, b } = await twoMembers();
    const merge = await db().tx((trx) => mergeCustomers(trx, clock, actor, DEFAULT_IDENTITY_RULES, { winnerId: a, loserId: b }));
    // The same event recorded a second time (a producer retry) and handed to the consumer directly once more.
    const [event] = await db().db.selectFrom('outbox_event').selectAll().where('topic', '=', 'customer.merged').execute();
    await db()
      .db.insertInto('outbox_event')
      .values({ id: `${event?.id}x`, topic: 'customer.merged', customer_id: a, payload: JSON.stringify(event?.payload) })
      .execute();
    expect(await dispatch()).toBe(2);
    const [sub] = loyaltySubscribers(deps());
    await db().tx((trx) =>
      (sub as NonNullable<typeof sub>).handle(trx, {
        id: 'obx_again',
        topic: 'customer.merged',
        customerId: a,
        payload: { winnerId: a, loserId: b, mergeId: merge.id },
        createdAt: clock.now(),
      }),
    );
    expect(await readBalances(db().db, a)).toEqual({ member: 800, pending: 0, debt: 0 });
    const transfers = await db()
      .db.selectFrom('loyalty_movement')
      .select('customer_id')
      .where('kind', '=', 'transfer')
      .where('ref_id', '=', merge.id)
      .execute();
    expect(transfers).toHaveLength(2);
    expect((await findMember(db().db, a))?.growth).toBe(2_400);
    expect((await reconcile(db().db)).ok).toBe(true);
  });

  it('a merge undone before its event is delivered (parked, retried after the unmerge) moves nothing', async () => {
    const { a, b } = await twoMembers();
    const merge = await db().tx((trx) => mergeCustomers(trx, clock, actor, DEFAULT_IDENTITY_RULES, { winnerId: a, loserId: b }));
    await db().tx((trx) => undoMerge(trx, clock, actor, DEFAULT_IDENTITY_RULES, merge.id));
    // The unmerge's event first (nothing to give back), then the merge's, late.
    const [sub] = loyaltySubscribers(deps());
    const deliver = (topic: string) =>
      db().tx((trx) =>
        (sub as NonNullable<typeof sub>).handle(trx, {
          id: `obx_${topic}`,
          topic,
          customerId: a,
          payload: { winnerId: a, loserId: b, mergeId: merge.id },
          createdAt: clock.now(),
        }),
      );
    await deliver('customer.unmerged');
    await deliver('customer.merged');
    expect(await readBalances(db().db, a)).toEqual({ member: 300, pending: 0, debt: 0 });
    expect(await readBalances(db().db, b)).toEqual({ member: 500, pending: 0, debt: 0 });
    expect((await findMember(db().db, a))?.growth).toBe(1_500);
    expect((await reconcile(db().db)).ok).toBe(true);
  });

  it('an event for a customer erased before delivery, or with a broken payload, is consumed without blocking the ones after it', async () => {
    const [a] = (await makeCustomers(db().db, 1)) as [string];
    await db()
      .db.insertInto('outbox_event')
      .values([
        {
          id: 'obx_00000000000000gone',
          topic: 'customer.merged',
          customer_id: a,
          payload: JSON.stringify({ winnerId: a, loserId: 'cus_erased', mergeId: 'mrg_gone' }),
        },
        { id: 'obx_00000000000000junk', topic: 'customer.merged', customer_id: a, payload: JSON.stringify({ winnerId: a }) },
      ])
      .execute();
    await dispatch();
    const delivered = await db()
      .db.selectFrom('outbox_delivery')
      .select('event_id')
      .where('event_id', 'in', ['obx_00000000000000gone', 'obx_00000000000000junk'])
      .execute();
    expect(delivered).toHaveLength(2);
    expect(await readBalances(db().db, a)).toEqual({ member: 0, pending: 0, debt: 0 });
  });

  it('points spent while merged: the loser still gets them back and the winner carries a recorded debt (or the programme forgives it)', async () => {
    const { a, b } = await twoMembers();
    const merge = await db().tx((trx) => mergeCustomers(trx, clock, actor, DEFAULT_IDENTITY_RULES, { winnerId: a, loserId: b }));
    await dispatch();
    await db().tx((trx) => redeemPoints(trx, ctx, { customerId: a, points: 700, key: 'spent-merged', reason: 'test', actor: 'test' }));
    await db().tx((trx) => undoMerge(trx, clock, actor, DEFAULT_IDENTITY_RULES, merge.id));
    await dispatch();
    expect(await readBalances(db().db, b)).toEqual({ member: 500, pending: 0, debt: 0 });
    expect(await readBalances(db().db, a)).toEqual({ member: 0, pending: 0, debt: -400 });
    const row = await db().db.selectFrom('loyalty_merge_transfer').select('undo_details').where('merge_id', '=', merge.id).executeTakeFirstOrThrow();
    expect(row.undo_details).toMatchObject({ memberPoints: 500, winnerDebt: 400, forgiven: 0 });
    expect((await reconcile(db().db)).ok).toBe(true);
    // The winner's next earnings repay the debt first.
    await db().tx((trx) => awardPoints(trx, ctx, { customerId: a, points: 1_000, key: 'after', reason: 'test', actor: 'test' }));
    expect(await readBalances(db().db, a)).toEqual({ member: 600, pending: 0, debt: 0 });

    // Forgive policy: the programme absorbs the shortfall as an adjustment.
    await db().tx((trx) => writeSetting(trx, LOYALTY_SETTINGS_KEY, { ...DEFAULT_LOYALTY_SETTINGS, debtPolicy: 'forgive' }, null, clock.now()));
    const { a: c, b: d } = await twoMembers();
    const m2 = await db().tx((trx) => mergeCustomers(trx, clock, actor, DEFAULT_IDENTITY_RULES, { winnerId: c, loserId: d }));
    await dispatch();
    await db().tx((trx) => redeemPoints(trx, ctx, { customerId: c, points: 800, key: 'spent-all', reason: 'test', actor: 'test' }));
    await db().tx((trx) => undoMerge(trx, clock, actor, DEFAULT_IDENTITY_RULES, m2.id));
    await dispatch();
    expect(await readBalances(db().db, d)).toEqual({ member: 500, pending: 0, debt: 0 });
    expect(await readBalances(db().db, c)).toEqual({ member: 0, pending: 0, debt: 0 });
    const report = await reconcile(db().db);
    expect(report.ok).toBe(true);
    expect(report.totals.adjusted).toBe(-500);
  });

  it('the loser’s pending points move too, and come back', async () => {
    const [a, b] = (await makeCustomers(db().db, 2)) as [string, string];
    await db().tx(async (trx) => {
      await awardPoints(trx, ctx, { customerId: b, points: 200, key: 'p', reason: 'test', actor: 'test', pendingUntil: new Date('2026-04-01T00:00:00Z') });
    });
    const merge = await db().tx((trx) => mergeCustomers(trx, clock, actor, DEFAULT_IDENTITY_RULES, { winnerId: a, loserId: b }));
    await dispatch();
    expect(await readBalances(db().db, a)).toEqual({ member: 0, pending: 200, debt: 0 });
    // Neither was a member: nobody is enrolled by the merge.
    expect(await findMember(db().db, a)).toBeUndefined();
    await db().tx((trx) => undoMerge(trx, clock, actor, DEFAULT_IDENTITY_RULES, merge.id));
    await dispatch();
    expect(await readBalances(db().db, b)).toEqual({ member: 0, pending: 200, debt: 0 });
    expect(await readBalances(db().db, a)).toEqual({ member: 0, pending: 0, debt: 0 });
    expect((await reconcile(db().db)).ok).toBe(true);
  });

  it('an order of the loser released while merged lands on the winner and goes back to the loser on unmerge', async () => {
    const [a, b] = (await makeCustomers(db().db, 2)) as [string, string];
    await makeOrder(db().db, b, 30_000, new Date('2026-03-09T02:00:00Z'));
    await syncOrderPoints(db().db, ctx);
    expect(await readBalances(db().db, b)).toEqual({ member: 0, pending: 300, debt: 0 });
    const merge = await db().tx((trx) => mergeCustomers(trx, clock, actor, DEFAULT_IDENTITY_RULES, { winnerId: a, loserId: b }));
    await dispatch();
    expect((await findMember(db().db, a))?.growth).toBe(310);
    clock.set('2026-03-20T02:00:00Z');
    await syncOrderPoints(db().db, ctx);
    expect(await readBalances(db().db, a)).toEqual({ member: 300, pending: 0, debt: 0 });
    await db().tx((trx) => undoMerge(trx, clock, actor, DEFAULT_IDENTITY_RULES, merge.id));
    await dispatch();
    expect(await readBalances(db().db, b)).toEqual({ member: 300, pending: 0, debt: 0 });
    expect(await readBalances(db().db, a)).toEqual({ member: 0, pending: 0, debt: 0 });
    expect((await findMember(db().db, a))?.growth).toBe(0);
    // A later refund of that order takes the points back from the loser's own account.
    await makeRefund(
      db().db,
      b,
      (await db().db.selectFrom('customer_order').select('id').where('customer_id', '=', b).executeTakeFirstOrThrow()).id,
      10_000,
      clock.now(),
    );
    await syncOrderPoints(db().db, ctx);
    expect(await readBalances(db().db, b)).toEqual({ member: 200, pending: 0, debt: 0 });
    expect((await reconcile(db().db)).ok).toBe(true);
  });
});
