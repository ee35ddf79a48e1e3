import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { dispatchOutbox } from '../../../platform/outbox.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor, systemActor } from '../../auth/index.ts';
import { DEFAULT_IDENTITY_RULES, mergeCustomers, undoMerge } from '../../identity/index.ts';
import { evaluateTag } from './evaluate-tags.ts';
import { followMerge, followUnmerge, tagsSubscribers } from './follow-merges.ts';
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

describe('tags follow a re-resolution’s worth of merges, delivered in batches', () => {
  const t = useTestDb();
  const clock = fixedClock(NOW);
  const person = cliActor('test');

  it('300 merges, a chain A→B→C and a merge undone in the same batch end with the right tags', { timeout: 120_000 }, async () => {
    const db = t().db;
    const { vip, care, repeat } = await t().tx(async (trx) => ({
      vip: (await createTag(trx, clock, person, { name: 'VIP', colour: 'gold', kind: 'manual' })).id,
      care: (await createTag(trx, clock, person, { name: '关怀', colour: 'purple', kind: 'manual' })).id,
      repeat: (
        await createTag(trx, clock, person, {
          name: '复购',
          colour: 'green',
          kind: 'rule',
          rule: { match: 'all', conditions: [{ field: 'stats.order_count', op: '>=', value: 2 }] },
        })
      ).id,
    }));
    const N = 300;
    const losers: string[] = [];
    const winners: string[] = [];
    for (let i = 0; i < N; i++) {
      losers.push(await insertCustomer(db));
      winners.push(await insertCustomer(db));
    }
    const order = (customerId: string, days: number) => insertOrder(db, customerId, { at: new Date(NOW.getTime() - days * DAY), skus: ['BT-1'] });
    // Losers i%3=0 have two orders (复购 before the merge); i%3=1 one, as their winner has: 复购 only once merged.
    for (let i = 0; i < N; i++) {
      if (i % 3 === 0) for (const d of [1, 2]) await order(losers[i] as string, d);
      if (i % 3 === 1) for (const id of [losers[i], winners[i]]) await order(id as string, 3);
    }
    const [a, b, c, x, y] = [await insertCustomer(db), await insertCustomer(db), await insertCustomer(db), await insertCustomer(db), await insertCustomer(db)];
    for (const d of [1, 2]) await order(x, d);
    await t().tx(async (trx) => {
      for (let i = 0; i < N; i++) {
        await addManualTag(trx, clock, person, { customerId: losers[i] as string, tagId: vip, reason: `vip ${i}` });
        if (i % 5 === 0) await addManualTag(trx, clock, person, { customerId: losers[i] as string, tagId: care });
        if (i % 2 === 0) await addManualTag(trx, clock, person, { customerId: winners[i] as string, tagId: care, reason: 'own' });
      }
      await addManualTag(trx, clock, person, { customerId: a, tagId: vip });
      await addManualTag(trx, clock, person, { customerId: b, tagId: care });
      await addManualTag(trx, clock, person, { customerId: b, tagId: vip, reason: 'b own' });
      await addManualTag(trx, clock, person, { customerId: x, tagId: vip, reason: 'x own' });
    });
    await evaluateTag(db, clock, systemActor('job'), repeat);
    expect(await holders(db, repeat)).toEqual([...losers.filter((_, i) => i % 3 === 0), x].sort());
    await dispatchOutbox(db, tagsSubscribers({ clock })); // nothing pending yet

    clock.advance(60_000);
    const mergeIds: string[] = [];
    const merge = (winnerId: string, loserId: string) =>
      t()
        .tx((trx) => mergeCustomers(trx, clock, person, DEFAULT_IDENTITY_RULES, { winnerId, loserId }))
        .then((m) => m.id);
    for (let i = 0; i < N; i++) mergeIds.push(await merge(winners[i] as string, losers[i] as string));
    const aIntoB = await merge(b, a);
    await merge(c, b);
    const undone = await merge(y, x);
    await t().tx((trx) => undoMerge(trx, clock, person, DEFAULT_IDENTITY_RULES, undone));

    expect(await dispatchOutbox(db, tagsSubscribers({ clock }))).toBe(N + 4);
    // Batches: every delivery of one batch is recorded by one transaction (one delivered_at each).
    const batches = await db.selectFrom('outbox_delivery').select('delivered_at').where('consumer', '=', 'tags').distinct().execute();
    expect(batches.length).toBeLessThanOrEqual(Math.ceil((N + 4) / 200));

    const onMerged = await db
      .selectFrom('customer_tag')
      .select('customer_id')
      .where('customer_id', 'in', [...losers, a, b])
      .execute();
    expect(onMerged).toEqual([]);
    expect(await holders(db, vip)).toEqual([...winners, c, x].sort());
    expect(await holders(db, care)).toEqual([...winners.filter((_, i) => i % 2 === 0 || i % 5 === 0), c].sort());
    expect(await holders(db, repeat)).toEqual([...winners.filter((_, i) => i % 3 !== 2), x].sort());
    // Each winner's history names its own merge, though one statement re-tested them all.
    const added = await db
      .selectFrom('tag_history')
      .select(['customer_id', 'actor_label', 'reason'])
      .where('tag_id', '=', repeat)
      .where('action', '=', 'add')
      .where('at', '>', NOW)
      .execute();
    const byCustomer = new Map(added.map((h) => [h.customer_id, h]));
    for (let i = 0; i < N; i += 3) {
      expect(byCustomer.get(winners[i] as string)).toMatchObject({
        actor_label: `merge ${mergeIds[i]}`,
        reason: expect.stringMatching(new RegExp(`^after merge ${mergeIds[i]}: matches: `)),
      });
    }
    // The merge undone in the same batch left x's tags alone: nothing taken away, nothing given back.
    expect(await db.selectFrom('tag_history').select('id').where('customer_id', '=', x).where('at', '>', NOW).execute()).toEqual([]);
    const vipOnWinner = (await listCustomerTags(db, winners[7] as string)).find((tag) => tag.tagId === vip);
    expect(vipOnWinner).toMatchObject({ reason: `from merge ${mergeIds[7]}: vip 7`, evidence: { mergeId: mergeIds[7], fromCustomerId: losers[7] } });
    expect((await listCustomerTags(db, x)).find((tag) => tag.tagId === vip)?.reason).toBe('x own');
    // A and B both held VIP: C has it from the first merge of the chain, as one event after another gives.
    expect((await listCustomerTags(db, c)).find((tag) => tag.tagId === vip)?.reason).toBe(`from merge ${aIntoB}`);
    // A full evaluation finds nothing left to change.
    expect(await evaluateTag(db, clock, systemActor('job'), repeat)).toMatchObject({ added: 0, removed: 0 });
  });
});

describe('a merge event delivered after the merge was undone', () => {
  const t = useTestDb();
  const clock = fixedClock(NOW);
  const person = cliActor('test');

  it('changes nothing (a parked merge retried after its unmerge)', async () => {
    const db = t().db;
    const winner = await insertCustomer(db);
    const loser = await insertCustomer(db);
    const vip = await t().tx(async (trx) => {
      const id = (await createTag(trx, clock, person, { name: 'VIP', colour: 'gold', kind: 'manual' })).id;
      await addManualTag(trx, clock, person, { customerId: loser, tagId: id, reason: 'likes tea' });
      return id;
    });
    const merge = await t().tx((trx) => mergeCustomers(trx, clock, person, DEFAULT_IDENTITY_RULES, { winnerId: winner, loserId: loser }));
    await t().tx((trx) => undoMerge(trx, clock, person, DEFAULT_IDENTITY_RULES, merge.id));
    // Only the unmerge reaches the tags consumer now; the merge comes afterwards.
    await t().tx((trx) => followUnmerge(trx, clock, { winnerId: winner, loserId: loser, mergeId: merge.id }));
    await t().tx((trx) => followMerge(trx, clock, { winnerId: winner, loserId: loser, mergeId: merge.id }));
    expect(await holders(db, vip)).toEqual([loser]);
    expect((await listCustomerTags(db, loser))[0]).toMatchObject({ tagId: vip, reason: 'likes tea' });
  });
});
