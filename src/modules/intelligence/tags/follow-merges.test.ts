import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { dispatchOutbox } from '../../../platform/outbox.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor, systemActor } from '../../auth/index.ts';
import { DEFAULT_IDENTITY_RULES, mergeCustomers, undoMerge } from '../../identity/index.ts';
import { evaluateTag } from './evaluate-tags.ts';
import { tagsSubscribers } from './follow-merges.ts';
import { addManualTag, listTaggedCustomers } from './manual-tags.ts';
import { createTag } from './save-tag.ts';
import { listCustomerTags, listTagDefinitions } from './tags.repository.ts';
import { DAY, holders, insertCustomer, insertOrder } from './test-fixtures.ts';

const NOW = new Date('2026-06-01T00:00:00Z');

describe('tags follow customer merges and unmerges', () => {
  const t = useTestDb();
  const clock = fixedClock(NOW);
  const person = cliActor('test');
  const subs = tagsSubscribers({ clock });
  let winner: string;
  let loser: string;
  let vip: string; // manual, on the loser only
  let care: string; // manual, on both
  let repeat: string; // rule: at least 2 orders (only the loser has orders)

  const dispatch = () => dispatchOutbox(t().db, subs);
  const tagsOf = async (customerId: string) => (await listCustomerTags(t().db, customerId)).map((c) => c.name).sort();

  beforeAll(async () => {
    const db = t().db;
    winner = await insertCustomer(db, { name: '王芳' });
    loser = await insertCustomer(db, { name: '王芳 (微信)' });
    for (let i = 0; i < 3; i++) await insertOrder(db, loser, { at: new Date(NOW.getTime() - (i + 1) * DAY), skus: ['BT-1'] });
    await t().tx(async (trx) => {
      vip = (await createTag(trx, clock, person, { name: 'VIP', colour: 'gold', kind: 'manual' })).id;
      care = (await createTag(trx, clock, person, { name: '关怀', colour: 'purple', kind: 'manual' })).id;
      repeat = (
        await createTag(trx, clock, person, {
          name: '复购',
          colour: 'green',
          kind: 'rule',
          rule: { match: 'all', conditions: [{ field: 'stats.order_count', op: '>=', value: 2 }] },
        })
      ).id;
      await addManualTag(trx, clock, person, { customerId: loser, tagId: vip, reason: 'likes tea' });
      await addManualTag(trx, clock, person, { customerId: loser, tagId: care });
      await addManualTag(trx, clock, person, { customerId: winner, tagId: care, reason: 'own' });
    });
    await evaluateTag(db, clock, systemActor('job'), repeat);
  });

  it('moves the loser’s manual tags to the winner ("from merge …"), re-tests rule tags, and counts the customer once', async () => {
    expect(await tagsOf(loser)).toEqual(['VIP', '关怀', '复购'].sort());
    const merge = await t().tx((trx) => mergeCustomers(trx, clock, person, DEFAULT_IDENTITY_RULES, { winnerId: winner, loserId: loser }));
    clock.advance(60_000);
    expect(await dispatch()).toBe(1);
    expect(await dispatch()).toBe(0); // delivered once

    expect(await tagsOf(winner)).toEqual(['VIP', '关怀', '复购'].sort());
    expect(await holders(t().db, vip)).toEqual([winner]);
    expect(await holders(t().db, care)).toEqual([winner]);
    expect(await holders(t().db, repeat)).toEqual([winner]);
    const onWinner = await listCustomerTags(t().db, winner);
    expect(onWinner.find((c) => c.tagId === vip)).toMatchObject({
      reason: `from merge ${merge.id}: likes tea`,
      evidence: { mergeId: merge.id, fromCustomerId: loser },
    });
    expect(onWinner.find((c) => c.tagId === care)?.reason).toBe('own'); // the winner's own assignment stays as it was

    const history = await t().db.selectFrom('tag_history').selectAll().where('at', '>', NOW).orderBy('id').execute();
    expect(history.map((h) => [h.customer_id === winner ? 'winner' : 'loser', h.tag_id, h.action, h.reason])).toEqual(
      expect.arrayContaining([
        ['loser', vip, 'remove', `merged into ${winner} (merge ${merge.id})`],
        ['winner', vip, 'add', `from merge ${merge.id}: likes tea`],
        ['loser', repeat, 'remove', `merged into ${winner} (merge ${merge.id})`],
        ['winner', repeat, 'add', expect.stringMatching(new RegExp(`^after merge ${merge.id}: matches: `))],
      ]),
    );
    expect(history).toHaveLength(5); // + the loser's 关怀 removal; the winner already held it

    const counts = Object.fromEntries((await listTagDefinitions(t().db)).map((d) => [d.name, d.customers]));
    expect(counts).toEqual({ VIP: 1, 关怀: 1, 复购: 1 });
    const listed = await listTaggedCustomers(t().db, clock, person, { tagId: care, page: 1, pageSize: 10 });
    expect(listed.items.map((c) => c.id)).toEqual([winner]);
  });

  it('gives the loser its tags back on unmerge and takes the merged ones off the winner', async () => {
    const merge = await t().db.selectFrom('identity_merge').select('id').where('loser_id', '=', loser).executeTakeFirstOrThrow();
    clock.advance(60_000);
    await t().tx((trx) => undoMerge(trx, clock, person, DEFAULT_IDENTITY_RULES, merge.id));
    expect(await dispatch()).toBe(1);

    expect(await tagsOf(winner)).toEqual(['关怀']);
    expect(await tagsOf(loser)).toEqual(['VIP', '关怀', '复购'].sort());
    const back = (await listCustomerTags(t().db, loser)).find((c) => c.tagId === vip);
    expect(back).toMatchObject({ reason: 'likes tea', assignedBy: person.label });
    const last = await t()
      .db.selectFrom('tag_history')
      .select(['customer_id', 'tag_id', 'action', 'reason'])
      .where('actor_label', '=', `unmerge ${merge.id}`)
      .orderBy('id')
      .execute();
    expect(last).toEqual(
      expect.arrayContaining([
        { customer_id: winner, tag_id: vip, action: 'remove', reason: `merge ${merge.id} undone` },
        { customer_id: loser, tag_id: vip, action: 'add', reason: `merge ${merge.id} undone` },
        { customer_id: winner, tag_id: repeat, action: 'remove', reason: expect.stringMatching(/^after unmerge .*: no longer matches: /) },
        { customer_id: loser, tag_id: repeat, action: 'add', reason: expect.stringMatching(/^after unmerge .*: matches: /) },
      ]),
    );
  });
});
