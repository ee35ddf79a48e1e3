import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { addGrowth, enrolMember, evaluateTiers, findMember, listTierChanges } from './members.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

const DAY = 86_400_000;

describe('member tiers', () => {
  const db = useTestDb();

  it('enrols once with a member number, upgrades at once, downgrades only after the grace period', async () => {
    const clock = fixedClock('2026-01-10T00:00:00Z');
    const { settings } = testCtx(clock, { evaluationWindowMonths: 12, graceDays: 30 });
    const [c] = await makeCustomers(db().db, 1);
    const id = c as string;
    const first = await db().tx((trx) => enrolMember(trx, clock, settings, id, 'api'));
    const again = await db().tx((trx) => enrolMember(trx, clock, settings, id, 'api'));
    expect(again.memberNo).toBe(first.memberNo);
    expect(first.tier).toBe('explorer');

    clock.advance(DAY);
    await db().tx((trx) => addGrowth(trx, clock, settings, { customerId: id, kind: 'spend', points: 2_500, key: 'o1' }));
    expect((await findMember(db().db, id))?.tier).toBe('partner');
    // The same growth key twice counts once.
    await db().tx((trx) => addGrowth(trx, clock, settings, { customerId: id, kind: 'spend', points: 2_500, key: 'o1' }));
    expect((await findMember(db().db, id))?.growth).toBe(2_500);

    // Still within the window: evaluation keeps the tier.
    clock.set('2026-12-01T00:00:00Z');
    expect(await evaluateTiers(db().db, clock, settings)).toMatchObject({ graceStarted: 0, downgraded: 0 });
    // The growth leaves the 12-month window: grace starts, the tier holds.
    clock.set('2027-01-15T00:00:00Z');
    expect(await evaluateTiers(db().db, clock, settings)).toMatchObject({ graceStarted: 1, downgraded: 0 });
    expect(await findMember(db().db, id)).toMatchObject({ tier: 'partner', graceUntil: new Date(clock.now().getTime() + 30 * DAY) });
    clock.advance(29 * DAY);
    expect(await evaluateTiers(db().db, clock, settings)).toMatchObject({ downgraded: 0 });
    expect((await findMember(db().db, id))?.tier).toBe('partner');
    clock.advance(1 * DAY);
    expect(await evaluateTiers(db().db, clock, settings)).toMatchObject({ downgraded: 1 });
    expect(await findMember(db().db, id)).toMatchObject({ tier: 'explorer', graceUntil: null });
    expect((await listTierChanges(db().db, id)).map((c) => c.reason)).toEqual(['downgrade', 'grace_started', 'upgrade', 'enrolment']);
    const events = await db().db.selectFrom('outbox_event').select('topic').where('customer_id', '=', id).orderBy('id').execute();
    expect(events.map((e) => e.topic)).toEqual(['loyalty.member_enrolled', 'loyalty.tier_changed', 'loyalty.tier_changed', 'loyalty.tier_changed']);
  });

  it('clears the grace period when the member earns back the tier in time', async () => {
    const clock = fixedClock('2026-01-10T00:00:00Z');
    const { settings } = testCtx(clock);
    const [c] = await makeCustomers(db().db, 1);
    const id = c as string;
    await db().tx((trx) => enrolMember(trx, clock, settings, id, 'order'));
    await db().tx((trx) => addGrowth(trx, clock, settings, { customerId: id, kind: 'referral', points: 2_000, key: 'r1' }));
    clock.set('2027-02-01T00:00:00Z');
    await evaluateTiers(db().db, clock, settings);
    expect((await findMember(db().db, id))?.graceUntil).not.toBeNull();
    clock.advance(10 * DAY);
    await db().tx((trx) => addGrowth(trx, clock, settings, { customerId: id, kind: 'case_share', points: 2_000, key: 'c1' }));
    expect(await findMember(db().db, id)).toMatchObject({ tier: 'partner', graceUntil: null });
    clock.advance(60 * DAY);
    expect(await evaluateTiers(db().db, clock, settings)).toMatchObject({ downgraded: 0 });
  });
});
