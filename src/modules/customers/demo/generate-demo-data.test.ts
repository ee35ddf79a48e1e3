import { sql } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../platform/clock.ts';
import { createLogger } from '../../../platform/logger.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { identityMeasurementHistory, identityMetrics, loadIdentityRules, reresolveAll } from '../../identity/index.ts';
import { evaluateOnHoldout } from '../../intelligence/recommendations/index.ts';
import { DEMO_CHANNELS, DEMO_STORE_PHONES } from './demo-channels.ts';
import { clearDemoData, type DemoOptions, type DemoSummary, generateDemoData, hasDemoData } from './generate-demo-data.ts';
import { resolveDemoIdentities } from './resolve-demo-identities.ts';

const NOW = new Date('2026-11-20T08:30:00Z');
const CUSTOMERS = 2_000;

describe('generateDemoData', () => {
  const t = useTestDb();
  const db = () => t().db;
  let summary: DemoSummary;
  const progress: Parameters<NonNullable<DemoOptions['onProgress']>>[0][] = [];

  const fingerprint = async () => {
    const { rows } = await sql<{ customers: string; identifiers: string; orders: string; lines: string; events: string }>`
      select (select md5(string_agg(c::text, '|' order by c.id)) from customer c) as customers,
             (select md5(string_agg(e::text, '|' order by e.customer_id, e.id)) from customer_event e) as events,
             (select md5(string_agg(i::text, '|' order by i.customer_id, i.type, i.value)) from customer_identifier i) as identifiers,
             (select md5(string_agg(o::text, '|' order by o.customer_id, o.id)) from customer_order o) as orders,
             (select md5(string_agg(l::text, '|' order by l.customer_id, l.order_id, l.line_no)) from customer_order_line l) as lines`.execute(db());
    return rows[0];
  };

  beforeAll(async () => {
    expect(await hasDemoData(db())).toBe(false);
    summary = await generateDemoData(db(), { customers: CUSTOMERS, seed: 'test-seed', now: NOW, onProgress: (p) => progress.push(p) });
  });

  it('reports what it wrote, phase by phase', async () => {
    const counts = await sql<{ records: number; orders: number; lines: number; refunds: number; events: number }>`
      select (select count(*) from customer where source like 'demo-%') as records, (select count(*) from customer_order) as orders,
             (select count(*) from customer_event) as events,
             (select count(*) from customer_order_line) as lines,
             (select count(*) from customer_order where status in ('refunded', 'partially_refunded')) as refunds`.execute(db());
    const c = counts.rows[0];
    expect(summary).toMatchObject({
      customers: CUSTOMERS,
      records: c?.records,
      orders: c?.orders,
      orderLines: c?.lines,
      refunds: c?.refunds,
      events: c?.events,
    });
    expect(summary.orders / CUSTOMERS).toBeGreaterThan(6);
    expect(summary.orders / CUSTOMERS).toBeLessThan(14);
    expect(await hasDemoData(db())).toBe(true);
    for (const phase of ['customers', 'orders', 'stats'] as const) {
      const mine = progress.filter((p) => p.phase === phase);
      expect(mine.at(-1)).toEqual({ phase, done: CUSTOMERS, total: CUSTOMERS });
      expect(mine.map((p) => p.done)).toEqual([...mine.map((p) => p.done)].sort((a, b) => a - b));
    }
  });

  it('gives byte-identical rows for the same seed, and different ones for another seed', { timeout: 180_000 }, async () => {
    const first = await fingerprint();
    for (const hash of Object.values(first ?? {})) expect(hash).toMatch(/^[0-9a-f]{32}$/);
    await clearDemoData(db());
    expect(await hasDemoData(db())).toBe(false);
    const empty = await sql<{ n: number }>`
      select (select count(*) from customer_order) + (select count(*) from customer_identifier) + (select count(*) from customer_event) as n`.execute(db());
    expect(empty.rows[0]?.n).toBe(0);

    await generateDemoData(db(), { customers: CUSTOMERS, seed: 'test-seed', now: NOW });
    expect(await fingerprint()).toEqual(first);

    await clearDemoData(db());
    await generateDemoData(db(), { customers: CUSTOMERS, seed: 'another-seed', now: NOW });
    const other = await fingerprint();
    expect(other?.customers).not.toBe(first?.customers);
    expect(other?.orders).not.toBe(first?.orders);
    expect(other?.events).not.toBe(first?.events);

    await clearDemoData(db());
    await generateDemoData(db(), { customers: CUSTOMERS, seed: 'test-seed', now: NOW });
    expect(await fingerprint()).toEqual(first);
  });

  it("places orders between the customer's sign-up and now, with totals and refunds that add up", async () => {
    const { rows } = await sql<Record<string, number>>`
      select count(*) filter (where o.placed_at < c.created_at) as before_signup,
             count(*) filter (where o.placed_at > ${NOW} or o.updated_at > ${NOW} or c.created_at > ${NOW}) as in_future,
             count(*) filter (where o.placed_at < ${NOW}::timestamptz - interval '731 days') as too_old,
             count(*) filter (where o.total_fen <> coalesce(l.sum, -1)) as bad_total,
             count(*) filter (where o.status = 'refunded' and o.refunded_fen <> o.total_fen) as bad_refund,
             count(*) filter (where o.status = 'partially_refunded' and not (o.refunded_fen > 0 and o.refunded_fen < o.total_fen)) as bad_partial,
             count(*) filter (where o.status in ('paid', 'fulfilled', 'cancelled') and o.refunded_fen <> 0) as bad_unrefunded,
             count(*) filter (where o.status = 'refunded') as refunded, count(*) filter (where o.status = 'partially_refunded') as partial,
             count(*) filter (where o.status = 'cancelled') as cancelled, count(*) as total
      from customer_order o join customer c on c.id = o.customer_id
      left join (select order_id, sum(amount_fen) as sum from customer_order_line group by order_id) l on l.order_id = o.id`.execute(db());
    const r = rows[0] ?? {};
    expect(r).toMatchObject({ before_signup: 0, in_future: 0, too_old: 0, bad_total: 0, bad_refund: 0, bad_partial: 0, bad_unrefunded: 0 });
    const total = r.total ?? 0;
    expect((r.refunded ?? 0) / total).toBeGreaterThan(0.04);
    expect((r.refunded ?? 0) / total).toBeLessThan(0.08);
    expect((r.partial ?? 0) / total).toBeGreaterThan(0.015);
    expect((r.partial ?? 0) / total).toBeLessThan(0.045);
    expect(r.cancelled).toBeGreaterThan(0);

    const lines = await sql<{ bad: number; max: number }>`
      select count(*) filter (where amount_fen <> quantity * unit_price_fen) as bad, max(line_no) as max from customer_order_line`.execute(db());
    expect(lines.rows[0]).toEqual({ bad: 0, max: 4 });
  });

  it('skews spending: a small head holds much of it, and many buyers have gone quiet', async () => {
    const { rows } = await sql<{ top_share: number; dormant_share: number; big_spenders: number }>`
      with s as (select total_spent_fen, last_order_at, order_count, ntile(20) over (order by total_spent_fen desc) as tile from customer_stats)
      select sum(total_spent_fen) filter (where tile = 1)::float8 / sum(total_spent_fen) as top_share,
             (count(*) filter (where order_count > 0 and last_order_at < ${NOW}::timestamptz - interval '180 days'))::float8
               / count(*) filter (where order_count > 0) as dormant_share,
             (count(*) filter (where tile = 1 and total_spent_fen > 1000000))::float8 / count(*) filter (where tile = 1) as big_spenders
      from s`.execute(db());
    const r = rows[0];
    expect(r?.top_share).toBeGreaterThanOrEqual(0.3);
    expect(r?.dormant_share).toBeGreaterThanOrEqual(0.15);
    expect(r?.dormant_share).toBeLessThanOrEqual(0.4);
    expect(r?.big_spenders).toBeGreaterThan(0.8); // the top 5% each spent more than ¥10,000
  });

  it('orders peak around Double 11 and dip at Chinese New Year', async () => {
    const { rows } = await sql<{ day: string; n: number }>`
      select to_char(placed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day, count(*) as n from customer_order
      where placed_at >= '2025-10-01T00:00:00+08' and placed_at < '2026-03-31T00:00:00+08' group by 1`.execute(db());
    const byDay = new Map(rows.map((r) => [r.day, r.n]));
    const average = (from: string, days: number) => {
      let sum = 0;
      for (let k = 0; k < days; k++) sum += byDay.get(new Date(Date.parse(`${from}T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10)) ?? 0;
      return sum / days;
    };
    expect(byDay.get('2025-11-11') ?? 0).toBeGreaterThan(3 * average('2025-10-01', 14));
    expect(average('2026-02-15', 9)).toBeLessThan(0.6 * average('2026-03-10', 14)); // CNY 2026 is 17 February
  });

  it('gives every person a valid Chinese mobile number, and no two people the same phone, e-mail or member number', async () => {
    // Every demo record belongs to one person; the record ids carry no person, so group by the values themselves:
    // a value shared by records of two different people would make a component larger than one person's records.
    const { rows } = await sql<{ phone: string | null; email: string | null; member_no: string | null; source: string }>`
      select phone, email, member_no, source from customer`.execute(db());
    // Some cashiers typed the store's front-desk phone (a landline) instead of the customer's.
    const desk = rows.filter((r) => r.phone && (DEMO_STORE_PHONES as readonly string[]).includes(r.phone));
    expect(desk.every((r) => r.source === 'demo-pos')).toBe(true);
    expect(desk.length).toBeGreaterThan(10);
    const phones = new Set(rows.flatMap((r) => (r.phone && !desk.includes(r) ? [r.phone] : [])));
    for (const phone of phones) {
      expect(phone).toMatch(/^\+861[3-9]\d{9}$/);
      const parsed = parsePhoneNumberFromString(phone);
      expect(parsed?.isValid(), phone).toBe(true);
      expect(parsed?.getType(), phone).toBe('MOBILE');
    }
    // Most people left a phone number with some channel (the store and the member programme always ask).
    expect(phones.size / CUSTOMERS).toBeGreaterThan(0.85);
    expect(phones.size).toBeLessThanOrEqual(CUSTOMERS);
    const emails = new Set(rows.flatMap((r) => (r.email ? [r.email] : [])));
    for (const email of emails) expect(email).toMatch(/^[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+$/);
    expect(emails.size / CUSTOMERS).toBeGreaterThan(0.45);
    expect(emails.size / CUSTOMERS).toBeLessThan(0.8);
    // Member numbers are never shared: each belongs to one member record (a few people have two).
    const members = rows.flatMap((r) => (r.member_no ? [r.member_no] : []));
    expect(new Set(members).size).toBe(members.length);
    for (const m of members) expect(m).toMatch(/^M\d{8}$/);
    expect(rows.filter((r) => r.member_no).every((r) => r.source === 'demo-member')).toBe(true);
    expect(members.length / CUSTOMERS).toBeGreaterThan(0.62);
    expect(members.length / CUSTOMERS).toBeLessThan(0.78);
  });

  it('registers people on several channels as separate records, with identifiers and names as each channel knows them', async () => {
    const { rows } = await sql<{
      source: string;
      records: number;
      named: number;
      english: number;
      chinese: number;
      nickname: number;
      missing_ids: number;
      attrs_ok: number;
    }>`
      select source, count(*)::int as records,
             count(*) filter (where display_name <> '')::int as named,
             count(*) filter (where display_name ~ '^[A-Z][a-z]+ [A-Z][a-z]+$')::int as english,
             count(*) filter (where display_name ~ '^[\u4e00-\u9fff]{2,4}$' and display_name <> '微信用户')::int as chinese,
             count(*) filter (where display_name = '微信用户')::int as nickname,
             count(*) filter (where (select count(*) from customer_identifier i where i.customer_id = c.id and i.source = c.source
                                      and (i.type, i.value) in (('phone', c.phone), ('email', c.email), ('member_no', c.member_no)))
                                   <> num_nonnulls(c.phone, c.email, c.member_no))::int as missing_ids,
             count(*) filter (where attributes ? 'city' and attributes ->> 'gender' in ('male', 'female')
                                and (source = 'demo-pos' or (attributes ->> 'preferredChannel' in ('wecom', 'sms', 'email', 'app') and attributes ? 'acquisitionChannel'
                                and (not attributes ? 'birthday' or (attributes ->> 'birthday')::date < ${NOW}::date - 365 * 18))))::int as attrs_ok
      from customer c group by source`.execute(db());
    const by = Object.fromEntries(rows.map((r) => [r.source, r]));
    expect(Object.keys(by).sort()).toEqual(DEMO_CHANNELS.map((ch) => ch.id).sort());
    const total = rows.reduce((n, r) => n + r.records, 0);
    expect(total).toBe(summary.records);
    // ~2.4 records per person: the duplicates a real company holds before unification.
    expect(total / CUSTOMERS).toBeGreaterThan(2);
    expect(total / CUSTOMERS).toBeLessThan(2.9);
    for (const source of ['demo-member', 'demo-pos', 'demo-online-shop']) {
      const r = by[source];
      expect(r?.named, source).toBe(r?.records);
      expect((r?.english ?? 0) / (r?.records ?? 1), source).toBeGreaterThan(0.08);
      expect((r?.english ?? 0) / (r?.records ?? 1), source).toBeLessThan(0.25);
      expect((r?.english ?? 0) + (r?.chinese ?? 0), source).toBe(r?.records);
      expect(r?.attrs_ok, source).toBe(r?.records);
    }
    expect(by['demo-mini-program']?.nickname).toBe(by['demo-mini-program']?.records);
    expect(by['demo-web']?.named).toBe(0);
    for (const r of rows) expect(r.missing_ids, r.source).toBe(0);

    const ids = await sql<{ source: string; type: string; n: number }>`
      select source, type, count(*)::int as n from customer_identifier group by 1, 2`.execute(db());
    const types = (source: string) =>
      ids.rows
        .filter((r) => r.source === source)
        .map((r) => r.type)
        .sort();
    expect(types('demo-mini-program')).toEqual(['anonymous_id', 'phone', 'wechat_openid']);
    expect(types('demo-web')).toEqual(['anonymous_id']);
    expect(types('demo-pos')).toEqual(['phone']);
    // Anonymous visitors browsed: their events carry only the tracker's id.
    const events = await sql<{ n: number; anonymous: number; on_visitors: number }>`
      select count(*)::int as n, count(*) filter (where e.anonymous_id is not null and e.user_id is null)::int as anonymous,
             count(*) filter (where c.source = 'demo-web')::int as on_visitors
      from customer_event e join customer c on c.id = e.customer_id`.execute(db());
    expect(events.rows[0]?.n).toBe(summary.events);
    expect(events.rows[0]).toMatchObject({ anonymous: summary.events, on_visitors: summary.events });
  });

  it('leaves customer_stats equal to a direct aggregate of the orders', async () => {
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from customer c
      left join customer_stats s on s.customer_id = c.id
      left join (select customer_id, count(*) filter (where status <> 'cancelled') as order_count,
                        coalesce(sum(total_fen - refunded_fen) filter (where status <> 'cancelled'), 0) as spent,
                        sum(refunded_fen) as refunded, max(placed_at) filter (where status <> 'cancelled') as last_at
                 from customer_order group by customer_id) a on a.customer_id = c.id
      where s.customer_id is null or s.order_count <> coalesce(a.order_count, 0) or s.total_spent_fen <> coalesce(a.spent, 0)
         or s.refunded_fen <> coalesce(a.refunded, 0) or s.last_order_at is distinct from a.last_at`.execute(db());
    expect(rows[0]?.n).toBe(0);
  });

  it('fills baskets with products bought together, so recommendations beat the most-popular list', async () => {
    // A tea set sells with tea leaves: of the customers who bought the tea set, most bought tea as well.
    const { rows } = await sql<{ tea_set: number; with_tea: number }>`
      with buyers as (
        select c.root_id, bool_or(l.sku = 'TD-20009') as tea_set, bool_or(l.sku in ('TD-20001', 'TD-20002', 'TD-20003')) as tea
        from customer_order_line l join customer c on c.id = l.customer_id group by c.root_id
      )
      select count(*) filter (where tea_set)::int as tea_set, count(*) filter (where tea_set and tea)::int as with_tea from buyers`.execute(db());
    expect(rows[0]?.tea_set).toBeGreaterThan(20);
    expect((rows[0]?.with_tea ?? 0) / (rows[0]?.tea_set ?? 1)).toBeGreaterThan(0.5);

    const metrics = await db()
      .transaction()
      .execute((trx) => evaluateOnHoldout(trx, { at: NOW, k: 10 }));
    const { personalised, popular } = metrics.crossSell;
    // With random baskets the model lost to most-popular (hit-rate@10 0.26 vs 0.31 on this seed).
    expect(personalised.hitRate).toBeGreaterThan(1.4 * (popular.hitRate ?? 0));
    expect(metrics.nextProducts.personalised.hitRate).toBeGreaterThan(metrics.nextProducts.popular.hitRate ?? 0);
  });

  it('shows a realistic duplicate rate that re-resolution brings to zero, lifting the link rate to the target', { timeout: 120_000 }, async () => {
    const rules = await loadIdentityRules(db());
    const before = await identityMetrics(db(), systemClock, rules);
    // The seed documents: > 40% duplicate customer records before unification, link rate 72% → ≥ 95%.
    expect(before.duplicateRate.rate).toBeGreaterThan(0.4);
    expect(before.duplicateRate.rate).toBeLessThan(0.6);
    expect(before.duplicateRate.conflicted).toBeGreaterThan(0); // people with two member numbers stay apart
    expect(before.linkRate.rate).toBeGreaterThan(0.65);
    expect(before.linkRate.rate).toBeLessThan(0.9);
    expect(before.linkRate.events.linked).toBe(0);

    const report = await resolveDemoIdentities({ db: db(), clock: systemClock, logger: createLogger('silent') });
    expect(report?.duplicates).toBe(before.duplicateRate.duplicates);
    // The store's front-desk phone links no one: it is quarantined, not used to merge different people.
    expect(report?.quarantined).toBe(1);
    const quarantine = await sql<{ type: string; value: string; linked_customers: number }>`
      select type, value, linked_customers from identity_quarantine`.execute(db());
    expect(quarantine.rows).toEqual([{ type: 'phone', value: DEMO_STORE_PHONES[0], linked_customers: expect.any(Number) }]);
    expect(quarantine.rows[0]?.linked_customers).toBeGreaterThan(rules.quarantineAfterCustomers);
    // Once done, a restart leaves the graph alone (merges undone in the console stay undone).
    expect(await resolveDemoIdentities({ db: db(), clock: systemClock, logger: createLogger('silent') })).toBeUndefined();

    const after = await identityMetrics(db(), systemClock, rules);
    // The demo measured before and after, so the identity page's history shows the unification.
    const history = await identityMeasurementHistory(db(), 10);
    expect(history.map((h) => h.duplicateRate)).toEqual([before.duplicateRate.rate, 0]);
    expect(history.map((h) => h.linkRate)).toEqual([before.linkRate.rate, after.linkRate.rate]);
    expect(after.duplicateRate.duplicates).toBe(0);
    expect(after.mergedRecords).toBe(before.duplicateRate.duplicates);
    expect(after.linkRate.rate).toBeGreaterThanOrEqual(0.95);
    expect(after.linkRate.rate).toBeLessThan(1); // some visitors never signed in
    expect(after.linkRate.total).toBe(before.linkRate.total);
    const dry = await reresolveAll(db(), systemClock, rules, { apply: false });
    expect(dry.duplicates).toBe(0);

    const { rows } = await sql<{ roots: number; shared_phone: number; shared_email: number; bad_name: number; spent: number; stats_spent: number }>`
      select (select count(*) from customer where merged_into is null)::int as roots,
             -- no phone or e-mail is held by two unified customers, except inside the groups left apart
             (select count(*) from (select i.value from customer_identifier i join customer c on c.id = i.customer_id
                                    where i.type = 'phone' and not exists (select 1 from identity_quarantine q where q.type = 'phone' and q.value = i.value)
                                    group by i.value having count(distinct c.root_id) > 1) s)::int as shared_phone,
             (select count(*) from (select i.value from customer_identifier i join customer c on c.id = i.customer_id
                                    where i.type = 'email' group by i.value having count(distinct c.root_id) > 1) s)::int as shared_email,
             -- the golden name comes from the most trusted channel that knows it, never the WeChat default nickname
             (select count(*) from customer r where r.merged_into is null and r.display_name in ('', '微信用户')
                and exists (select 1 from customer m where m.root_id = r.id and m.display_name not in ('', '微信用户')))::int as bad_name,
             (select sum(total_fen - refunded_fen) filter (where status <> 'cancelled') from customer_order)::bigint as spent,
             (select sum(s.total_spent_fen) from customer_stats s join customer c on c.id = s.customer_id where c.merged_into is null)::bigint as stats_spent`.execute(
      db(),
    );
    const r = rows[0];
    expect(r?.roots).toBe(after.customers);
    expect((r?.roots ?? 0) / CUSTOMERS).toBeGreaterThan(1); // openid-only mini-program users and anonymous visitors stay apart
    expect((r?.roots ?? 0) / CUSTOMERS).toBeLessThan(1.35);
    expect(r?.shared_phone).toBeLessThanOrEqual(before.duplicateRate.conflicted);
    expect(r?.shared_email).toBeLessThanOrEqual(before.duplicateRate.conflicted);
    expect(r?.bad_name).toBe(0);
    expect(r?.stats_spent).toBe(r?.spent);

    // Clearing removes the merge history with the records.
    await clearDemoData(db());
    const left = await sql<{ n: number }>`select (select count(*) from identity_merge) + (select count(*) from customer) as n`.execute(db());
    expect(left.rows[0]?.n).toBe(0);
  });

  it('rejects a customer count out of range', async () => {
    await expect(generateDemoData(db(), { customers: 0, seed: 'x', now: NOW })).rejects.toThrow(RangeError);
    await expect(generateDemoData(db(), { customers: 1.5, seed: 'x', now: NOW })).rejects.toThrow(RangeError);
  });
});
