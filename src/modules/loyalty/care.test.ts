import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { cliActor } from '../auth/index.ts';
import { createCocreation, inviteTopMembers, listCocreations, setInvitationStatus } from './cocreation.ts';
import { readBalances } from './ledger.repository.ts';
import { addGrowth, enrolMember } from './members.ts';
import { grantMilestones } from './milestones.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

describe('milestone care and co-creation', () => {
  const db = useTestDb();

  it('grants anniversary and birthday points once per year', async () => {
    const clock = fixedClock('2025-03-02T02:00:00Z');
    const ctx = testCtx(clock);
    const [a, b] = await makeCustomers(db().db, 2);
    await sql`update customer set attributes = '{"birthday":"1990-03-05"}' where id = ${b}`.execute(db().db);
    await db().tx(async (trx) => {
      await enrolMember(trx, clock, ctx.settings, a as string, 'api');
      await enrolMember(trx, clock, ctx.settings, b as string, 'api');
    });
    clock.set('2026-03-02T03:00:00Z');
    expect(await grantMilestones(db().db, ctx)).toEqual({ anniversaries: 2, birthdays: 0, refused: 0 });
    expect(await grantMilestones(db().db, ctx)).toEqual({ anniversaries: 0, birthdays: 0, refused: 0 });
    clock.set('2026-03-05T03:00:00Z');
    expect(await grantMilestones(db().db, ctx)).toEqual({ anniversaries: 0, birthdays: 1, refused: 0 });
    clock.set('2026-03-06T03:00:00Z');
    expect(await grantMilestones(db().db, ctx)).toEqual({ anniversaries: 0, birthdays: 0, refused: 0 });
    expect((await readBalances(db().db, a as string)).member).toBe(ctx.settings.milestones.anniversaryPoints);
    expect((await readBalances(db().db, b as string)).member).toBe(ctx.settings.milestones.anniversaryPoints + ctx.settings.milestones.birthdayPoints);
    clock.set('2027-03-02T03:00:00Z');
    expect((await grantMilestones(db().db, ctx)).anniversaries).toBe(2);
  });

  it('invites the top close friends and tracks sign-ups and participation', async () => {
    const clock = fixedClock('2026-03-02T02:00:00Z');
    const ctx = testCtx(clock);
    const ids = await makeCustomers(db().db, 4);
    await db().tx(async (trx) => {
      for (const [i, id] of ids.entries()) {
        await enrolMember(trx, clock, ctx.settings, id, 'api');
        await addGrowth(trx, clock, ctx.settings, { customerId: id, kind: 'spend', points: 10_000 + i * 1000, key: 'g' });
      }
    });
    const actor = cliActor('test');
    const id = await db().tx((trx) => createCocreation(trx, clock, actor, { title: 'New tea blend test', kind: 'product_test' }));
    expect(await db().tx((trx) => inviteTopMembers(trx, clock, actor, { cocreationId: id, tier: 'close_friend', limit: 3 }))).toBe(3);
    expect(await db().tx((trx) => inviteTopMembers(trx, clock, actor, { cocreationId: id, tier: 'close_friend', limit: 3 }))).toBe(1);
    await db().tx((trx) => setInvitationStatus(trx, clock, { cocreationId: id, customerId: ids[3] as string, status: 'signed_up' }));
    await db().tx((trx) => setInvitationStatus(trx, clock, { cocreationId: id, customerId: ids[2] as string, status: 'participated' }));
    const [c] = await listCocreations(db().db);
    expect(c?.counts).toEqual({ invited: 2, signed_up: 1, participated: 1, declined: 0 });
  });
});
