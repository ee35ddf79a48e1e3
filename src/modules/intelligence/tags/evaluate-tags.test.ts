import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/clock.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { cliActor, systemActor } from '../../auth/index.ts';
import { countMatches } from './compile-tag.ts';
import { evaluateTag } from './evaluate-tags.ts';
import { addManualTag, removeManualTag } from './manual-tags.ts';
import { createTag, updateTag } from './save-tag.ts';
import { parseTagDefinition } from './tag-definition.ts';
import { DAY, holders, insertCustomer, insertEvent, insertOrder, tableExists } from './test-fixtures.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

describe('tags: rule compile and set-based evaluation', () => {
  const t = useTestDb();
  const clock = fixedClock(NOW);
  const person = cliActor('test');
  const job = systemActor('job tags:evaluate');
  let big: string; // spends a lot, in Shanghai
  let small: string; // one small order, in Beijing
  let quiet: string; // never ordered, no city
  let mergedRecord: string; // merged into `quiet`; carries its events

  beforeAll(async () => {
    const db = t().db;
    big = await insertCustomer(db, { attributes: { city: '上海', age: 34 } });
    small = await insertCustomer(db, { attributes: { city: '北京', age: 22 } });
    quiet = await insertCustomer(db, { createdAt: ago(10) });
    mergedRecord = await insertCustomer(db, { rootId: quiet });
    for (let i = 0; i < 5; i++) await insertOrder(db, big, { at: ago(10 + i * 30), skus: ['BT-1', 'FD-1'], priceFen: 60_000 });
    await insertOrder(db, small, { at: ago(400), skus: ['FD-1'], priceFen: 5_000 });
    for (let i = 0; i < 3; i++) await insertEvent(db, mergedRecord, { name: 'Page Viewed', at: ago(i + 1) });
    await insertEvent(db, mergedRecord, { name: 'Page Viewed', at: ago(20) });
  });

  const rule = (conditions: unknown[], match = 'all') => ({ match, conditions });
  const create = (name: string, kind: 'rule' | 'behavioural' | 'manual', definition: { rule?: unknown; behaviour?: unknown } = {}) =>
    t()
      .db.transaction()
      .execute((trx) => createTag(trx, clock, person, { name, colour: 'gold', kind, ...definition }));

  it('adds matching customers and removes those who stop matching, recording both with who, when and why', async () => {
    const db = t().db;
    const tag = await create('high spend', 'rule', {
      rule: rule([
        { field: 'stats.total_spent_fen', op: '>=', value: 500_000 },
        { field: 'stats.order_count', op: '>=', value: 5 },
      ]),
    });
    const first = await evaluateTag(db, clock, job, tag.id);
    expect(first).toMatchObject({ added: 1, removed: 0, total: 1 });
    expect(await holders(db, tag.id)).toEqual([big]);
    const assignment = await db.selectFrom('customer_tag').selectAll().where('tag_id', '=', tag.id).executeTakeFirstOrThrow();
    expect(assignment.assigned_by).toBe('job tags:evaluate');
    expect(assignment.evidence).toEqual({
      values: [
        { field: 'stats.total_spent_fen', value: 600_000 },
        { field: 'stats.order_count', value: 5 },
      ],
    });

    // Evaluating again changes nothing and writes no history.
    expect(await evaluateTag(db, clock, job, tag.id)).toMatchObject({ added: 0, removed: 0, total: 1 });

    // `small` now spends enough; a stricter rule drops `big`.
    for (let i = 0; i < 5; i++) await insertOrder(db, small, { at: ago(5 + i), skus: ['EL-1'], priceFen: 200_000 });
    await db
      .transaction()
      .execute((trx) => updateTag(trx, clock, person, tag.id, { rule: rule([{ field: 'stats.total_spent_fen', op: '>=', value: 700_000 }]) }));
    clock.advance(60_000);
    expect(await evaluateTag(db, clock, job, tag.id)).toMatchObject({ added: 1, removed: 1, total: 1 });
    expect(await holders(db, tag.id)).toEqual([small]);

    const history = await db.selectFrom('tag_history').selectAll().where('tag_id', '=', tag.id).orderBy('id').execute();
    expect(history.map((h) => [h.customer_id, h.action, h.actor_type, h.actor_label])).toEqual([
      [big, 'add', 'rule', 'job tags:evaluate'],
      [small, 'add', 'rule', 'job tags:evaluate'],
      [big, 'remove', 'rule', 'job tags:evaluate'],
    ]);
    expect(history[2]?.reason).toBe('no longer matches: stats.total_spent_fen >= 700000');
    expect(history[2]?.at).toEqual(clock.now());
    expect(history[1]?.reason).toBe('matches: stats.total_spent_fen >= 700000');
  });

  it('compiles attributes, any/all, set tests and event counts over merged records', async () => {
    const db = t().db;
    const count = (r: unknown) => countMatches(db, parseTagDefinition('rule', { rule: r }, new Set()) as never, NOW);
    expect(await count(rule([{ field: 'customer.attribute', key: 'city', op: 'in', value: ['上海', '北京'] }]))).toBe(2);
    expect(await count(rule([{ field: 'customer.attribute', key: 'city', op: 'is_not_set' }]))).toBe(1);
    expect(await count(rule([{ field: 'customer.attribute_number', key: 'age', op: 'between', value: [30, 40] }]))).toBe(1);
    expect(
      await count(
        rule(
          [
            { field: 'customer.attribute', key: 'city', op: '=', value: '北京' },
            { field: 'customer.signup_days', op: '<=', value: 30 },
          ],
          'any',
        ),
      ),
    ).toBe(2);
    // Three page views in the last 7 days, on a record merged into `quiet`: the tag goes on the root.
    const tag = await create('browsing', 'rule', { rule: rule([{ field: 'events.count', event: 'Page Viewed', days: 7, op: '>=', value: 3 }]) });
    await evaluateTag(db, clock, job, tag.id);
    expect(await holders(db, tag.id)).toEqual([quiet]);
    expect(await count(rule([{ field: 'events.count', event: 'Page Viewed', days: 7, op: '>=', value: 4 }]))).toBe(0);
    expect(await count(rule([{ field: 'stats.days_since_last_order', op: 'is_not_set' }]))).toBe(1);
  });

  it('binds values: SQL in a value or an event name is only ever compared as text', async () => {
    const db = t().db;
    const attack = "x' or '1'='1'; drop table customer_tag; --";
    const evil = await insertCustomer(db, { attributes: { city: attack } });
    const before = await db
      .selectFrom('customer')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const tag = await create('injection', 'rule', {
      rule: rule(
        [
          { field: 'customer.attribute', key: 'city', op: '=', value: attack },
          { field: 'customer.attribute', key: 'city', op: 'in', value: ["') or true --", attack] },
          { field: 'customer.attribute', key: 'city', op: 'contains', value: "%' or 1=1 --" },
          { field: 'events.count', event: "x'); delete from customer; --", days: 30, op: '=', value: 0 },
        ],
        'all',
      ),
    });
    // Only the customer whose city literally is that text matches; the contains test adds nobody.
    expect(await evaluateTag(db, clock, job, tag.id)).toMatchObject({ total: 0 });
    await db.transaction().execute((trx) =>
      updateTag(trx, clock, person, tag.id, {
        rule: rule([
          { field: 'customer.attribute', key: 'city', op: '=', value: attack },
          { field: 'events.count', event: "x'); delete from customer; --", days: 30, op: '=', value: 0 },
        ]),
      }),
    );
    expect(await evaluateTag(db, clock, job, tag.id)).toMatchObject({ added: 1, total: 1 });
    expect(await holders(db, tag.id)).toEqual([evil]);
    expect(await tableExists(db, 'customer_tag')).toBe(true);
    const after = await db
      .selectFrom('customer')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    // An attribute key can only be a plain name.
    expect(() => parseTagDefinition('rule', { rule: rule([{ field: 'customer.attribute', key: "city' --", op: '=', value: 'a' }]) }, new Set())).toThrow(
      expect.objectContaining({ code: 'tags.invalid_definition', fields: [expect.objectContaining({ path: 'rule.conditions[0].key' })] }),
    );
  });

  it('names the field of every invalid condition', () => {
    const fieldsOf = (r: unknown) => {
      try {
        parseTagDefinition('rule', { rule: r }, new Set());
      } catch (e) {
        return (e as { fields: { path: string }[] }).fields.map((f) => f.path);
      }
      return [];
    };
    expect(
      fieldsOf(
        rule([
          { field: 'stats.order_count', op: '>=', value: 1 },
          { field: 'stats.order_count', op: '>=', value: 'many' },
        ]),
      ),
    ).toEqual(['rule.conditions[1].value']);
    expect(fieldsOf(rule([{ field: 'stats.order_count', op: 'contains', value: 'x' }]))).toEqual(['rule.conditions[0].op']);
    expect(fieldsOf(rule([{ field: 'no.such_field', op: '=', value: 1 }]))).toEqual(['rule.conditions[0].field']);
    expect(fieldsOf(rule([{ field: 'events.count', op: '>=', value: 1 }]))).toEqual(['rule.conditions[0].event', 'rule.conditions[0].days']);
    expect(fieldsOf(rule([{ field: 'stats.order_count', op: 'between', value: [5, 1] }]))).toEqual(['rule.conditions[0].value']);
    expect(fieldsOf(rule([]))).toEqual(['rule.conditions']);
    // Segmentation fields are refused while their tables do not exist.
    expect(fieldsOf(rule([{ field: 'tier.current', op: '=', value: 'strategic' }]))).toEqual(['rule.conditions[0].field']);
  });

  it('tests RFM scores and the tier from the segmentation tables', async () => {
    const db = t().db;
    await sql`
      insert into tier_customer (customer_id, scheme_id, tier, since, reason, reason_detail, spend_fen, run_id)
      values (${big}, 'annual_review', 'strategic', now(), 'test', '{}', 0, 'r1'), (${small}, 'annual_review', 'potential', now(), 'test', '{}', 0, 'r1')`.execute(
      db,
    );
    await sql`
      insert into rfm_score (customer_id, run_id, recency_days, frequency, monetary_fen, r, f, m)
      values (${big}, 'r1', 10, 5, 600000, 1, 1, 1), (${small}, 'r1', 5, 6, 1005000, 1, 1, 2)`.execute(db);
    const tag = await create('strategic tier', 'rule', { rule: rule([{ field: 'tier.current', op: '=', value: 'strategic' }]) });
    await evaluateTag(db, clock, job, tag.id);
    expect(await holders(db, tag.id)).toEqual([big]);
    const champions = await create('RFM champions', 'rule', {
      rule: rule([
        { field: 'rfm.r', op: '=', value: 1 },
        { field: 'rfm.m', op: '<=', value: 1 },
      ]),
    });
    await evaluateTag(db, clock, job, champions.id);
    expect(await holders(db, champions.id)).toEqual([big]);
  });

  it('behavioural tags: interaction frequency in a window and the preferred category', async () => {
    const db = t().db;
    clock.set(NOW);
    const active = await create('active this week', 'behavioural', { behaviour: { type: 'frequency', source: 'all', windowDays: 7, minCount: 1 } });
    await evaluateTag(db, clock, job, active.id);
    // `quiet` viewed pages 3 times this week (merged record); `small` ordered 5, 6 and 7 days ago; `big` 10+ days ago.
    expect(await holders(db, active.id)).toEqual([small, quiet]);
    const evidence = await db.selectFrom('customer_tag').select(['customer_id', 'evidence']).where('tag_id', '=', active.id).orderBy('customer_id').execute();
    expect(evidence.map((e) => e.evidence)).toEqual([
      { count: 3, windowDays: 7 },
      { count: 3, windowDays: 7 },
    ]);

    const silent = await create('silent this month', 'behavioural', {
      behaviour: { type: 'frequency', source: 'orders', windowDays: 30, minCount: 0, maxCount: 0 },
    });
    await evaluateTag(db, clock, job, silent.id);
    const silentHolders = await holders(db, silent.id);
    expect(silentHolders).toContain(quiet);
    expect(silentHolders).not.toContain(big);
    expect(silentHolders).not.toContain(small);

    const beauty = await create('prefers beauty', 'behavioural', {
      behaviour: { type: 'preference', source: 'orders', category: 'BT', windowDays: 365, minCount: 2 },
    });
    await evaluateTag(db, clock, job, beauty.id);
    // `big` bought BT and FD equally often (5 each): the tie goes to the first category by name, BT.
    expect(await holders(db, beauty.id)).toEqual([big]);
    await insertEvent(db, quiet, { name: 'Product Viewed', at: ago(1), properties: { category: 'shoes' } });
    const shoes = await create('likes shoes', 'behavioural', { behaviour: { type: 'preference', source: 'events', category: 'shoes', windowDays: 30 } });
    await evaluateTag(db, clock, job, shoes.id);
    expect(await holders(db, shoes.id)).toEqual([quiet]);

    // Time passes: the week's page views fall out of the window and the tag comes off.
    clock.advance(8 * DAY);
    expect(await evaluateTag(db, clock, job, active.id)).toMatchObject({ removed: 2 });
    expect(await holders(db, active.id)).toEqual([]);
    clock.set(NOW);
  });

  it('manual tags: added and removed by people, with history and audit; evaluated tags are refused', async () => {
    const db = t().db;
    const vip = await create('VIP', 'manual');
    const res = await db
      .transaction()
      .execute((trx) => addManualTag(trx, clock, person, { customerId: mergedRecord, tagId: vip.id, reason: 'complaint follow-up' }));
    expect(res).toEqual({ customerId: quiet, added: true });
    expect((await db.transaction().execute((trx) => addManualTag(trx, clock, person, { customerId: quiet, tagId: vip.id }))).added).toBe(false);
    await db.transaction().execute((trx) => removeManualTag(trx, clock, person, { customerId: quiet, tagId: vip.id, reason: 'resolved' }));
    const history = await db.selectFrom('tag_history').selectAll().where('tag_id', '=', vip.id).orderBy('id').execute();
    expect(history.map((h) => [h.customer_id, h.action, h.actor_type, h.actor_label, h.reason])).toEqual([
      [quiet, 'add', 'cli', 'test', 'complaint follow-up'],
      [quiet, 'remove', 'cli', 'test', 'resolved'],
    ]);
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'subject_id', 'details'])
      .where('action', 'like', 'customer.tag_%')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'customer.tag_add', subject_id: quiet, details: { tagId: vip.id } },
      { action: 'customer.tag_remove', subject_id: quiet, details: { tagId: vip.id } },
    ]);
    const ruleTag = await create('rule only', 'rule', { rule: rule([{ field: 'stats.order_count', op: '>', value: 0 }]) });
    await expect(db.transaction().execute((trx) => addManualTag(trx, clock, person, { customerId: quiet, tagId: ruleTag.id }))).rejects.toMatchObject({
      code: 'tags.not_manual',
    });
    await expect(evaluateTag(db, clock, job, vip.id)).rejects.toMatchObject({ code: 'tags.not_manual' });
  });
});
