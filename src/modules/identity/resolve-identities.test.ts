import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../platform/clock.ts';
import { useTestDb } from '../../test/test-db.ts';
import { cliActor } from '../auth/index.ts';
import { identifierLockBudget } from './identifier-locks.ts';
import { DEFAULT_IDENTITY_RULES, type IdentifierType, type IdentityRules } from './identity-rules.ts';
import { mergeCustomers, undoMerge } from './merge-customers.ts';
import { normalizeIdentifier } from './normalize-identifier.ts';
import { type ResolveInput, resolveIdentities } from './resolve-identities.ts';

const clock = fixedClock('2026-06-01T08:00:00Z');
const rules: IdentityRules = DEFAULT_IDENTITY_RULES;

const ids = (pairs: Record<string, string>) =>
  Object.entries(pairs).map(([type, value]) => {
    const n = normalizeIdentifier(type as IdentifierType, value, 'CN');
    if (!n.ok) throw new Error(`${type}: ${n.reason}`);
    return n.identifier;
  });
const input = (pairs: Record<string, string>, traits: Record<string, string> = {}, source = 'web', at = clock.now()): ResolveInput => ({
  source,
  identifiers: ids(pairs),
  traits,
  observedAt: at,
});

describe('resolveIdentities', () => {
  const db = useTestDb();
  const resolve = (inputs: ResolveInput[], r = rules) => db().tx((trx) => resolveIdentities(trx, clock, r, inputs));
  const customer = (id: string) => db().db.selectFrom('customer').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('creates one customer for a new visitor and finds it again by any of its identifiers', async () => {
    const [first] = (await resolve([input({ anonymous_id: 'anon-1' })])).resolutions;
    expect(first?.created).toBe(true);
    const [again] = (await resolve([input({ anonymous_id: 'anon-1', email: 'Li.Na@Example.com' })])).resolutions;
    expect(again).toMatchObject({ customerId: first?.customerId, created: false });
    const [byEmail] = (await resolve([input({ email: 'li.na@example.com' })])).resolutions;
    expect(byEmail?.customerId).toBe(first?.customerId);
  });

  it('resolves inputs in one batch against each other', async () => {
    const { resolutions } = await resolve([
      input({ anonymous_id: 'b-1' }),
      input({ anonymous_id: 'b-1', phone: '13700001111' }),
      input({ phone: '+86 137 0000 1111' }),
    ]);
    expect(new Set(resolutions.map((r) => r.customerId)).size).toBe(1);
    expect(resolutions.filter((r) => r.created)).toHaveLength(1);
  });

  it('gives a new customer its golden record at creation, and refreshes it when another input of the batch lands on it', async () => {
    const { resolutions } = await resolve([
      input({ phone: '13700002222', email: 'Zhao@Example.com' }, { display_name: '赵敏', 'attr:city': '"杭州"' }, 'crm'),
      input({ anonymous_id: 'g-2' }, { display_name: '访客' }),
      input({ phone: '13800003333' }, { display_name: '钱', 'attr:city': '"上海"' }, 'web', new Date('2026-05-01T00:00:00Z')),
      input({ phone: '13800003333' }, { display_name: '钱多多' }, 'web', new Date('2026-05-20T00:00:00Z')),
    ]);
    expect(await customer(resolutions[0]?.customerId as string)).toMatchObject({
      display_name: '赵敏',
      phone: '+8613700002222',
      email: 'zhao@example.com',
      member_no: null,
      attributes: { city: '杭州' },
    });
    expect(await customer(resolutions[1]?.customerId as string)).toMatchObject({ display_name: '访客', phone: null, attributes: {} });
    // Two inputs of the batch on one new customer: most recent name (default rule), the city the first saw.
    expect(resolutions[2]?.customerId).toBe(resolutions[3]?.customerId);
    expect(await customer(resolutions[2]?.customerId as string)).toMatchObject({
      display_name: '钱多多',
      phone: '+8613800003333',
      attributes: { city: '上海' },
    });
  });

  it('merges two customers an identify links, keeping history, and the golden record follows the rules', async () => {
    const anon = (await resolve([input({ anonymous_id: 'm-anon' }, { 'attr:city': '"杭州"' }, 'web', new Date('2026-05-01T00:00:00Z'))])).resolutions[0];
    const known = (
      await resolve([
        input({ member_no: 'M100', email: 'wang@example.com' }, { display_name: '王伟', 'attr:city': '"上海"' }, 'crm', new Date('2026-04-01T00:00:00Z')),
      ])
    ).resolutions[0];
    const { resolutions, merges } = await resolve([input({ anonymous_id: 'm-anon', member_no: 'M100' }, {}, 'web')]);
    expect(merges).toHaveLength(1);
    const root = resolutions[0]?.customerId as string;
    expect([anon?.customerId, known?.customerId]).toContain(root);
    const loser = root === anon?.customerId ? known?.customerId : anon?.customerId;
    expect((await customer(loser as string)).root_id).toBe(root);
    const merged = await customer(root);
    expect(merged).toMatchObject({ display_name: '王伟', member_no: 'M100', email: 'wang@example.com' });
    // city: most recent observation wins by default (web said 杭州 later than crm said 上海).
    expect(merged.attributes).toEqual({ city: '杭州' });
    const history = await db()
      .db.selectFrom('identity_merge')
      .selectAll()
      .where('loser_id', '=', loser as string)
      .execute();
    expect(history[0]?.evidence).toEqual({ linkedBy: expect.arrayContaining(['anonymous_id']) });
    // Other modules (loyalty points, manual tags) follow the merge through the same event a manual merge publishes.
    const events = await db().db.selectFrom('outbox_event').selectAll().where('topic', '=', 'customer.merged').execute();
    expect(events.map((e) => e.payload)).toEqual([{ winnerId: root, loserId: loser, mergeId: history[0]?.id }]);
  });

  it('never merges two customers with different member numbers', async () => {
    const a = (await resolve([input({ member_no: 'M200', phone: '13800000001' })])).resolutions[0];
    const b = (await resolve([input({ member_no: 'M201', phone: '13800000001' })])).resolutions[0];
    expect(b?.customerId).not.toBe(a?.customerId);
    expect(b?.created).toBe(true);
    // A record carrying both member numbers merges nothing.
    const { merges } = await resolve([input({ member_no: 'M200', email: 'x@example.com' }), input({ member_no: 'M201', email: 'x@example.com' })]);
    expect(merges).toEqual([]);
  });

  it('quarantines an identifier shared by more customers than the limit', async () => {
    const phone = '13900009999';
    const owners = [];
    for (let i = 0; i < 4; i++) owners.push((await resolve([input({ member_no: `Q${i}`, phone })])).resolutions[0]?.customerId);
    expect(new Set(owners).size).toBe(4);
    const q = await db().db.selectFrom('identity_quarantine').selectAll().execute();
    expect(q).toEqual([expect.objectContaining({ type: 'phone', value: '+8613900009999' })]);
    // The quarantined phone no longer links anyone: a new record with only that phone is a new customer.
    const lone = (await resolve([input({ phone })])).resolutions[0];
    expect(lone?.created).toBe(true);
  });

  it('respects the per-customer limit on a type', async () => {
    const limited: IdentityRules = { ...rules, maxPerCustomer: { ...rules.maxPerCustomer, email: 2 } };
    const c = (await resolve([input({ user_id: 'u-lim', email: 'a1@example.com' })], limited)).resolutions[0]?.customerId as string;
    await resolve([input({ user_id: 'u-lim', email: 'a2@example.com' }), input({ user_id: 'u-lim', email: 'a3@example.com' })], limited);
    const emails = await db().db.selectFrom('customer_identifier').select('value').where('customer_id', '=', c).where('type', '=', 'email').execute();
    expect(emails.map((e) => e.value).sort()).toEqual(['a1@example.com', 'a2@example.com']);
  });

  it("resolves a batch with more identifiers than PostgreSQL's lock table holds, and concurrent large batches still link each identifier once", async () => {
    // 5,000 new customers with four identifiers each: 20,000 identifier locks in one transaction ran out
    // of shared memory on a server with default settings. Two such batches overlap on half their customers.
    const batch = (from: number) =>
      Array.from({ length: 5_000 }, (_, i) =>
        input({ user_id: `u-${from + i}`, email: `c${from + i}@big.example`, member_no: `B${from + i}`, anonymous_id: `a-${from + i}` }),
      );
    const budget = await db().tx((trx) => identifierLockBudget(trx));
    expect(budget).toBeLessThan(20_000);
    const [a, b] = await Promise.all([resolve(batch(0)), resolve(batch(2_500))]);
    expect(new Set(a.resolutions.map((r) => r.customerId)).size).toBe(5_000);
    // The overlapping half resolved to the same customers in both batches, whichever ran first.
    expect(b.resolutions.slice(0, 2_500).map((r) => r.customerId)).toEqual(a.resolutions.slice(2_500).map((r) => r.customerId));
    const { rows } = await sql<{ n: number; owners: number }>`
      select count(*)::int as n, count(distinct customer_id)::int as owners from customer_identifier where value like '%big.example'`.execute(db().db);
    expect(rows[0]).toEqual({ n: 7_500, owners: 7_500 });
  });

  it('creates a new visitor once when concurrent batches see it at the same time', async () => {
    await Promise.all(
      Array.from({ length: 6 }, () => resolve([input({ anonymous_id: 'race-1' }), input({ anonymous_id: 'race-2', email: 'race@example.com' })])),
    );
    const owners = await db()
      .db.selectFrom('customer_identifier')
      .select('customer_id')
      .where('value', 'in', ['race-1', 'race-2', 'race@example.com'])
      .execute();
    expect(owners).toHaveLength(3);
    expect(new Set(owners.map((o) => o.customer_id)).size).toBe(2);
  });

  it('undoes a merge exactly: both customers get back their identifiers, values and orders', async () => {
    const a = (await resolve([input({ member_no: 'U1', email: 'ua@example.com' }, { display_name: 'Alice' })])).resolutions[0]?.customerId as string;
    const b = (await resolve([input({ email: 'ub@example.com', phone: '13600000001' }, { display_name: 'Bob', 'attr:tier': '"gold"' })])).resolutions[0]
      ?.customerId as string;
    const now = clock.now();
    await db()
      .db.insertInto('customer_order')
      .values({
        customer_id: b,
        id: 'ord_b1',
        source: 'pos',
        external_id: 'B1',
        status: 'paid',
        total_fen: 12_300,
        placed_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const before = { a: await customer(a), b: await customer(b) };

    const merge = await db().tx((trx) => mergeCustomers(trx, clock, cliActor('test'), rules, { winnerId: a, loserId: b, reason: 'same person' }));
    const merged = await customer(a);
    expect(merged.display_name).toBe('Alice');
    expect(merged.attributes).toEqual({ tier: 'gold' });
    const stats = await db().db.selectFrom('customer_stats').selectAll().where('customer_id', '=', a).executeTakeFirstOrThrow();
    expect(stats).toMatchObject({ order_count: 1, total_spent_fen: 12_300 });

    await db().tx((trx) => undoMerge(trx, clock, cliActor('test'), rules, merge.id));
    const after = { a: await customer(a), b: await customer(b) };
    for (const k of ['a', 'b'] as const) {
      expect(after[k]).toMatchObject({
        root_id: before[k].root_id,
        merged_into: null,
        display_name: before[k].display_name,
        phone: before[k].phone,
        email: before[k].email,
        member_no: before[k].member_no,
        attributes: before[k].attributes,
      });
    }
    const statsA = await db().db.selectFrom('customer_stats').selectAll().where('customer_id', '=', a).executeTakeFirstOrThrow();
    const statsB = await db().db.selectFrom('customer_stats').selectAll().where('customer_id', '=', b).executeTakeFirstOrThrow();
    expect([statsA.order_count, statsB.order_count]).toEqual([0, 1]);
    await expect(db().tx((trx) => undoMerge(trx, clock, cliActor('test'), rules, merge.id))).rejects.toMatchObject({ code: 'identity.already_undone' });
  });

  it('refuses a manual merge across different member numbers', async () => {
    const a = (await resolve([input({ member_no: 'V1' })])).resolutions[0]?.customerId as string;
    const b = (await resolve([input({ member_no: 'V2' })])).resolutions[0]?.customerId as string;
    await expect(db().tx((trx) => mergeCustomers(trx, clock, cliActor('test'), rules, { winnerId: a, loserId: b }))).rejects.toMatchObject({
      code: 'identity.merge_conflict',
    });
  });
});
