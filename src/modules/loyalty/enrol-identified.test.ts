import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { useTestDb } from '../../test/test-db.ts';
import { enrolFromIdentifyEvents, isMemberTrait } from './enrol-identified.ts';
import { findMember } from './members.ts';
import { makeCustomers, testCtx } from './test-fixtures.ts';

describe('enrolment from C1 identify events', () => {
  const db = useTestDb();
  const clock = fixedClock('2026-03-10T02:00:00Z');

  /** An identify event stored the way identity resolution stores it. */
  const identify = async (customerId: string, traits: Record<string, unknown>, receivedAt: Date) => {
    const id = newId('evt', receivedAt);
    await sql`
      insert into customer_event (customer_id, id, source_id, message_id, type, traits, occurred_at, received_at)
      values (${customerId}, ${id}, 'demo', ${id}, 'identify', ${JSON.stringify(traits)}::jsonb, ${receivedAt}, ${receivedAt})`.execute(db().db);
  };

  it('reads the member trait the way people write it', () => {
    for (const v of [true, 'true', 'yes', 'Y', '1', 1, 'A-1234']) expect(isMemberTrait(v), String(v)).toBe(true);
    for (const v of [false, 'false', 'No', '0', 0, '', null, undefined]) expect(isMemberTrait(v), String(v)).toBe(false);
  });

  it('enrols customers whose identify traits say member, once, with a member number; others are left alone', async () => {
    const [yes, no, other, twice] = (await makeCustomers(db().db, 4)) as [string, string, string, string];
    const t = new Date('2026-03-10T01:00:00Z');
    await identify(yes, { member: true, email: 'a@example.com' }, t);
    await identify(no, { member: false }, t);
    await identify(other, { plan: 'gold' }, t);
    await identify(twice, { member: 'yes' }, t);
    await identify(twice, { member: 'yes' }, new Date(t.getTime() + 1000));
    const ctx = testCtx(clock);

    const first = await enrolFromIdentifyEvents(db().db, ctx, { batchSize: 2 });
    expect(first).toMatchObject({ enrolled: 2 });
    const m = await findMember(db().db, yes);
    expect(m).toMatchObject({ enrolledVia: 'identify', tier: 'explorer' });
    expect(m?.memberNo).toMatch(/^M\d+$/);
    expect(await findMember(db().db, no)).toBeUndefined();
    expect(await findMember(db().db, other)).toBeUndefined();
    expect((await findMember(db().db, twice))?.memberNo).not.toBe(m?.memberNo);

    // Read again (the lookback re-reads recent events): nobody enrolled twice, one enrolment event each.
    const again = await enrolFromIdentifyEvents(db().db, ctx);
    expect(again.enrolled).toBe(0);
    const events = await db().db.selectFrom('outbox_event').select('customer_id').where('topic', '=', 'loyalty.member_enrolled').execute();
    expect(events.map((e) => e.customer_id).sort()).toEqual([yes, twice].sort());

    // A later event with the trait enrols its customer on the next run.
    await identify(other, { plan: 'gold', member: 1 }, new Date('2026-03-10T01:30:00Z'));
    expect((await enrolFromIdentifyEvents(db().db, ctx)).enrolled).toBe(1);
    expect(await findMember(db().db, other)).toBeDefined();
  });

  it('uses the trait the programme configures, and can be switched off', async () => {
    const [a, b] = (await makeCustomers(db().db, 2)) as [string, string];
    const t = new Date('2026-03-10T01:40:00Z');
    await identify(a, { memberNumber: 'POS-778' }, t);
    await identify(b, { member: true }, t);
    const off = testCtx(clock, { enrolment: { identifyTrait: null } });
    expect(await enrolFromIdentifyEvents(db().db, off)).toMatchObject({ events: 0, enrolled: 0 });
    expect(await findMember(db().db, b)).toBeUndefined();
    const byNumber = testCtx(clock, { enrolment: { identifyTrait: 'memberNumber' } });
    await enrolFromIdentifyEvents(db().db, byNumber);
    expect(await findMember(db().db, a)).toMatchObject({ enrolledVia: 'identify' });
    expect(await findMember(db().db, b)).toBeUndefined();
  });
});
