import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { refreshCustomerStats } from '../refresh-customer-stats.ts';
import {
  CHANNEL_IDS,
  channelRecordIds,
  DEMO_SOURCES,
  ensureDemoSources,
  insertChannelRecords,
  orderRecordId,
  storePhonesFor,
  withChannels,
} from './demo-channels.ts';
import * as lists from './demo-names.ts';
import { digest, u16, u32 } from './demo-random.ts';

export type DemoPhase = 'customers' | 'orders' | 'stats';
export type DemoOptions = {
  customers: number;
  seed: string;
  now: Date;
  /** Called after each batch; `done` and `total` count customers (people) in every phase. */
  onProgress?: (p: { phase: DemoPhase; done: number; total: number }) => void;
};
export type DemoSummary = {
  /** People; each is known to one or more channels. */
  customers: number;
  /** Customer records the channels wrote before identity resolution (~2.5 per person, anonymous visitors included). */
  records: number;
  orders: number;
  orderLines: number;
  refunds: number;
  /** Browsing events of anonymous visitors. */
  events: number;
  seconds: number;
};

export { DEMO_SOURCES } from './demo-channels.ts';
export const MAX_DEMO_CUSTOMERS = 10_000_000;

const DAY = 86_400;
const YEAR = 365.25 * DAY;
const CHINA_UTC_OFFSET = 8 * 3600; // Asia/Shanghai has no daylight saving time
const SIGNUP_HISTORY_DAYS = 913; // ~2.5 years of sign-ups
const ORDER_HISTORY_DAYS = 730;
const DORMANT_DAYS = 181;
const MAX_ORDERS_PER_CUSTOMER = 400; // external ids reserve three digits for the order number
// Share of order lines drawn from the customer's affinity groups (demo-names.ts PRODUCT_AFFINITIES); the rest at random.
const AFFINITY_SHARE = 0.8;
// Each statement writes ~10 orders per customer; 10,000 customers keep a batch's work in memory (work_mem below).
const CUSTOMERS_PER_BATCH = 10_000;
// One batch per core: an INSERT never runs as a parallel query, so concurrency comes from two connections.
const CONCURRENCY = 2;
/** Batches of up to CUSTOMERS_PER_BATCH people, but small demos in at least two per connection so both cores work. */
const batchSize = (total: number): number => Math.min(CUSTOMERS_PER_BATCH, Math.max(1000, Math.ceil(total / (2 * CONCURRENCY))));

/** Customer segments; they drive order frequency and basket size. */
const SEGMENTS = { prospect: 0, casual: 1, loyal: 2, whale: 3, lapsed: 4 } as const;
const SEG = Object.fromEntries(Object.entries(SEGMENTS).map(([k, v]) => [k, sql.lit(v)])) as Record<keyof typeof SEGMENTS, RawBuilder<number>>;

/** Lower bounds of each weight's share of [0, 1): `width_bucket(u, bounds)` picks an index by weight. */
const bounds = (weights: readonly number[]): number[] => {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => {
    const lower = acc / total;
    acc += w;
    return lower;
  });
};

type Perm = { a: number; b: number; c: number; d: number; m: number; split: number };

/**
 * A bijection of [0, 10^digits) keyed by the seed (affine map, swap of the digit halves, affine map), so that
 * phone numbers, member numbers and e-mail suffixes are unique per row without a uniqueness check.
 * Multipliers stay below 10^6 so that products fit in a bigint up to 10^12.
 */
const permutation = (seed: string, name: string, digits: number): Perm => {
  const h = createHash('sha256').update(`${seed}:perm:${name}`).digest();
  const m = 10 ** digits;
  const unit = (x: number) => {
    let v = (x % Math.min(m, 1_000_000)) | 1; // odd …
    if (v % 5 === 0) v += 2; // … and not a multiple of 5: coprime with 10^digits
    return v % m;
  };
  return {
    a: unit(h.readUInt32BE(0)),
    b: h.readUInt32BE(4) % m,
    c: unit(h.readUInt32BE(8)),
    d: h.readUInt32BE(12) % m,
    m,
    split: 10 ** Math.floor(digits / 2),
  };
};

const permute = (x: RawBuilder<unknown>, p: Perm) => {
  const first = sql`((${p.a}::bigint * ${x} + ${p.b}::bigint) % ${p.m}::bigint)`;
  const swapped = sql`((${first} % ${p.split}::bigint) * ${p.m / p.split}::bigint + ${first} / ${p.split}::bigint)`;
  return sql<number>`((${p.c}::bigint * ${swapped} + ${p.d}::bigint) % ${p.m}::bigint)`;
};

// ---- seasonality ------------------------------------------------------------------------------------
const chineseNewYear = (year: number): number => {
  const iso = lists.CHINESE_NEW_YEAR[year] ?? `${year}-02-05`;
  return Date.parse(`${iso}T00:00:00Z`) / 1000 / DAY;
};

/** Relative order volume of one China-time calendar day (days since 1970-01-01). */
const dayWeight = (day: number, trend: number): number => {
  const date = new Date(day * DAY * 1000);
  const month = date.getUTCMonth() + 1;
  const dom = date.getUTCDate();
  const weekday = date.getUTCDay();
  let w = 1 + 0.6 * trend; // the shop grows
  if (weekday === 0 || weekday === 6) w *= 1.12;
  if (month === 10 && dom >= 20) w *= 1.3; // Double 11 pre-sales
  if (month === 11 && dom <= 10) w *= 1.6;
  if (month === 11 && dom === 11) w *= 7;
  if (month === 11 && (dom === 12 || dom === 13)) w *= 1.5;
  if (month === 6 && dom < 18) w *= 1.4; // 618
  if (month === 6 && dom === 18) w *= 4;
  if (month === 12) w *= dom === 12 ? 2.5 : 1.15; // Double 12 and the December bump
  if (month === 3 && dom === 8) w *= 1.8; // Women's Day sales
  if (month === 5 && dom === 20) w *= 1.5; // 520
  // Chinese New Year: couriers stop taking parcels the week before, the holiday itself is quietest.
  const fromNewYear = day - chineseNewYear(date.getUTCFullYear());
  if (fromNewYear >= -10 && fromNewYear <= -3) w *= 0.7;
  else if (fromNewYear >= -2 && fromNewYear <= 6) w *= 0.35;
  else if (fromNewYear >= 7 && fromNewYear <= 14) w *= 0.8;
  return w;
};

// ---- the plan: every parameter a statement needs, computed once ------------------------------------
type Plan = ReturnType<typeof makePlan>;

const makePlan = (options: DemoOptions) => {
  const nowS = Math.floor(options.now.getTime() / 1000);
  const today = Math.floor((nowS + CHINA_UTC_OFFSET) / DAY); // China-time calendar day
  const firstDay = today - (ORDER_HISTORY_DAYS - 1);
  const weights = Array.from({ length: ORDER_HISTORY_DAYS }, (_, k) => dayWeight(firstDay + k, k / ORDER_HISTORY_DAYS));
  // Today has only partly happened.
  weights[ORDER_HISTORY_DAYS - 1] = (weights[ORDER_HISTORY_DAYS - 1] ?? 1) * Math.max(0.02, ((nowS + CHINA_UTC_OFFSET) % DAY) / DAY);
  const sorted = [...lists.PRODUCTS].sort((x, y) => x[2] - y[2] || x[0].localeCompare(y[0]));
  const emailDigits = Math.max(4, String(Math.max(0, options.customers - 1)).length);
  const seed = options.seed;
  return {
    seed,
    total: options.customers,
    nowS,
    todayIso: new Date(today * DAY * 1000).toISOString().slice(0, 10),
    baseS: firstDay * DAY - CHINA_UTC_OFFSET, // China midnight of the first order day
    dayBounds: [...bounds(weights), 1],
    hourBounds: bounds(lists.HOUR_WEIGHTS),
    surnames: lists.SURNAMES.map((s) => s[0]),
    surnamesPinyin: lists.SURNAMES.map((s) => s[1]),
    surnameBounds: bounds(lists.SURNAMES.map((s) => s[2])),
    givenMen: lists.GIVEN_FOR_MEN.map((g) => g[0]),
    givenMenPinyin: lists.GIVEN_FOR_MEN.map((g) => g[1]),
    givenWomen: lists.GIVEN_FOR_WOMEN.map((g) => g[0]),
    givenWomenPinyin: lists.GIVEN_FOR_WOMEN.map((g) => g[1]),
    englishMen: [...lists.ENGLISH_MALE],
    englishWomen: [...lists.ENGLISH_FEMALE],
    westernSurnames: [...lists.WESTERN_SURNAMES],
    ...weighted('city', lists.CITIES),
    ...weighted('preferred', lists.PREFERRED_CHANNELS),
    ...weighted('acquisition', lists.ACQUISITION_CHANNELS),
    ...weighted('domain', lists.EMAIL_DOMAINS),
    ...weighted('prefix', lists.MOBILE_PREFIXES),
    sources: lists.ORDER_SOURCES.map((s) => s[0]),
    sourcePrefixes: lists.ORDER_SOURCES.map((s) => s[1]),
    sourceBounds: bounds(lists.ORDER_SOURCES.map((s) => s[2])),
    skus: sorted.map((p) => p[0]),
    storePhones: storePhonesFor(options.customers),
    productNames: sorted.map((p) => p[1]),
    prices: sorted.map((p) => p[2]),
    ...affinityGroups(sorted.map((p) => p[0])),
    phonePerm: permutation(seed, 'phone', 8),
    memberPerm: permutation(seed, 'member', 8),
    qqPerm: permutation(seed, 'qq', 8),
    emailPerm: permutation(seed, 'email', emailDigits),
    orderPerm: permutation(seed, 'order', 12),
  };
};

/**
 * The affinity groups as positions (1-based) in the price-sorted product list, flattened group after group,
 * each group cheapest first (so the price skew applies within a group too), with each group's offset and size.
 */
const affinityGroups = (skus: string[]) => {
  const groups = lists.PRODUCT_AFFINITIES.map((g) =>
    g
      .map((sku) => {
        const at = skus.indexOf(sku);
        if (at < 0) throw new Error(`affinity group names unknown product ${sku}`);
        return at + 1;
      })
      .sort((a, b) => a - b),
  );
  const offsets = groups.map((_, n) => groups.slice(0, n).reduce((sum, g) => sum + g.length, 0));
  return { affinityProducts: groups.flat(), affinityOffsets: offsets, affinitySizes: groups.map((g) => g.length) };
};

const weighted = <K extends string>(key: K, list: readonly lists.Weighted<string>[]) =>
  ({ [key]: list.map((x) => x[0]), [`${key}Bounds`]: bounds(list.map((x) => x[1])) }) as Record<K, string[]> & Record<`${K}Bounds`, number[]>;

const pick = (values: string[], boundsOf: number[], u: RawBuilder<number>) => sql<string>`(${values}::text[])[width_bucket(${u}, ${boundsOf}::float8[])]`;
const pickUniform = (values: string[], u: RawBuilder<number>) => sql<string>`(${values}::text[])[1 + floor(${u} * ${values.length})::int]`;

/**
 * Per customer row number i: sign-up time, segment, the window in which it orders and how many orders it
 * places. Shared by the customer and the order statements, which therefore agree without reading back rows.
 */
const customerCore = (p: Plan, lo: number, hi: number) => sql`
  select i, h, g, created_s, female, english, seg, ws, we, prim,
         (case seg when ${SEG.whale} then 0.6 when ${SEG.loyal} then 1.2 else 1.8 end)::float8 as skew,
         case when seg = ${SEG.prospect} or we - ws < 3600 then 0
              else least(${MAX_ORDERS_PER_CUSTOMER}, greatest(1, round(
                     (case seg when ${SEG.whale} then 60 when ${SEG.loyal} then 20 when ${SEG.casual} then 6 else 8 end)::float8
                     * exp(0.6 * z - 0.18) * (we - ws) / ${YEAR})))::int end as n_orders
  from (
    select i, h, g, created_s, female, english, seg, ws, z, prim,
           -- lapsed customers stopped ordering at least half a year ago, after ordering for a while
           case when seg = ${SEG.lapsed} then ${p.nowS - DORMANT_DAYS * DAY} - floor((${p.nowS - DORMANT_DAYS * DAY} - ws) * 0.8 * ${u16('g', 12)})::bigint
                else ${p.nowS}::bigint end as we
    from (
      select i, h, g, created_s, female, english, z, prim,
             greatest(created_s, ${p.baseS}::bigint) as ws,
             case when seg_u < 0.04 then ${SEG.whale} when seg_u < 0.24 then ${SEG.loyal} when seg_u < 0.61 then ${SEG.casual}
                  when seg_u < 0.90 then case when created_s < ${p.nowS - 200 * DAY} then ${SEG.lapsed} else ${SEG.casual} end
                  else ${SEG.prospect} end as seg
      from (
        select i, h, g,
               -- Sign-ups grow over time: density rises linearly to three times its start (inverse CDF). Row i
               -- draws from the i-th of N equal slices, so sign-up time grows with i and each batch inserts a
               -- contiguous range of ids: index inserts stay on a few hot pages instead of all over the indexes.
               floor(${p.nowS} - ${SIGNUP_HISTORY_DAYS * DAY} * (1 - (sqrt(1 + 8 * (i + ${u32('h', 0)}) / ${p.total}) - 1) / 2))::bigint as created_s,
               ${u16('h', 4)} < 0.15 as english,
               ${u16('h', 6)} < 0.52 as female,
               ${u16('g', 6)} as seg_u,
               sqrt(-2 * ln((get_byte(g, 8) * 256 + get_byte(g, 9) + 1)::float8 / 65537)) * cos(2 * pi() * ${u16('g', 10)}) as z,
               width_bucket(${u16('g', 14)}, ${p.sourceBounds}::float8[]) as prim
        from (
          select i, ${digest(p.seed, sql`'c'`, sql`i`)} as h, ${digest(p.seed, sql`'c2'`, sql`i`)} as g
          from generate_series(${lo}::int, ${hi - 1}::int) as i
          offset 0
        ) hashed
        offset 0
      ) drawn
    ) segmented
    offset 0
  ) windowed`;

const insertCustomers = async (trx: Trx, p: Plan, lo: number, hi: number): Promise<{ records: number; events: number }> => {
  const given = (byte: number) => sql`case when female then ${pickUniform(p.givenWomen, u16('h', byte))} else ${pickUniform(p.givenMen, u16('h', byte))} end`;
  const givenPinyin = (byte: number) =>
    sql`case when female then ${pickUniform(p.givenWomenPinyin, u16('h', byte))} else ${pickUniform(p.givenMenPinyin, u16('h', byte))} end`;
  // One row per person with everything any of their records may show; insertChannelRecords splits it by channel.
  const persons = sql`
    select emailed.*,
           case when has_email then lower(case
             when domain = 'qq.com' and qq then (10000 + ${permute(sql`i`, p.qqPerm)})::text
             -- letters, then a number unique to the person: no two people share an address
             else name_part || ${permute(sql`i`, p.emailPerm)}::text end || '@' || domain) end as email,
           -- people who gave no e-mail address cannot prefer it
           case when not has_email and raw_attributes ->> 'preferredChannel' = 'email' then raw_attributes || '{"preferredChannel":"sms"}'
                else raw_attributes end as attributes
    from (
      select fields.*,
             case when english then first_name || ' ' || last_name else surname || given1 || given2 end as display_name,
             case when english then case when style < 0.5 then first_name || '.' || last_name when style < 0.8 then first_name || last_name
                                         else first_name || '_' || left(last_name, 1) end
                  else case when style < 0.4 then surname_py || given1_py || given2_py when style < 0.6 then given1_py || given2_py || '.' || surname_py
                            when style < 0.8 then surname_py || '_' || given1_py || given2_py
                            else left(surname_py, 1) || left(given1_py, 1) || left(given2_py, 1) end end as name_part
      from (
        select named.*,
               (${p.surnames}::text[])[sn] as surname, (${p.surnamesPinyin}::text[])[sn] as surname_py,
               ${given(10)} as given1, ${givenPinyin(10)} as given1_py,
               case when two then ${given(12)} else '' end as given2, case when two then ${givenPinyin(12)} else '' end as given2_py,
               case when female then ${pickUniform(p.englishWomen, u16('g', 18))} else ${pickUniform(p.englishMen, u16('g', 18))} end as first_name,
               case when ${u16('g', 20)} < 0.6 then initcap((${p.surnamesPinyin}::text[])[sn])
                    else ${pickUniform(p.westernSurnames, u16('g', 22))} end as last_name,
               ${u16('g', 0)} as style,
               ${pick(p.domain, p.domainBounds, u16('h', 30))} as domain,
               ${u16('g', 2)} < 0.7 as qq,
               '+86' || ${pick(p.prefix, p.prefixBounds, u16('g', 16))} || lpad(${permute(sql`i`, p.phonePerm)}::text, 8, '0') as phone,
               case when has_m then 'M' || lpad(${permute(sql`i`, p.memberPerm)}::text, 8, '0') end as member_no,
               -- a second member number of the same person, far from the first ones (the permutation is a bijection)
               case when has_m2 then 'M' || lpad(${permute(sql`(i + 50000000)`, p.memberPerm)}::text, 8, '0') end as member_no2,
               jsonb_build_object(
                 'city', ${pick(p.city, p.cityBounds, u16('h', 16))},
                 'gender', case when female then 'female' else 'male' end,
                 'preferredChannel', ${pick(p.preferred, p.preferredBounds, u16('h', 24))},
                 'acquisitionChannel', ${pick(p.acquisition, p.acquisitionBounds, u16('h', 26))}
               ) || case when ${u16('h', 18)} < 0.6 then jsonb_build_object('birthday', to_char(
                      ${p.todayIso}::date - (floor((18 + 47 * power(${u16('h', 20)}, 1.5)) * 365.25) + floor(${u16('h', 22)} * 365))::int,
                      'YYYY-MM-DD')) else '{}'::jsonb end as raw_attributes
        from (
          select ch.*, width_bucket(${u16('h', 8)}, ${p.surnameBounds}::float8[]) as sn, ${u16('h', 14)} < 0.75 as two
          from (${withChannels(p, customerCore(p, lo, hi))}) ch
        ) named
      ) fields
    ) emailed`;
  return insertChannelRecords(trx, p, persons);
};

/** Line `k` (1-based; a number or the SQL column k) of an order, all drawn from the order's digest `oh`. */
const line = (p: Plan, k: number | 'k') => {
  const at = (offset: number) => (typeof k === 'number' ? `${offset + 3 * (k - 1)}` : `${offset} + 3 * (k - 1)`);
  // Most lines come from the order's affinity group `grp` (products bought together), the rest from the whole
  // catalogue; one draw decides which and, rescaled, which product. Cheap products are the likeliest; a
  // smaller skew (big spenders) shifts the choice to dearer ones.
  const u = u16('oh', at(18));
  const product = sql<number>`(case when ${u} < ${AFFINITY_SHARE}
      then (${p.affinityProducts}::int[])[(${p.affinityOffsets}::int[])[grp] + 1
             + floor((${p.affinitySizes}::int[])[grp] * power(${u} / ${AFFINITY_SHARE}, skew))::int]
      else 1 + floor(${p.prices.length} * power((${u} - ${AFFINITY_SHARE}) / ${1 - AFFINITY_SHARE}, skew))::int end)`;
  const price = sql<number>`(${p.prices}::bigint[])[${product}]`;
  const qtyByte = sql.raw(`get_byte(oh, ${at(20)})`);
  const qty = (priceOf: RawBuilder<number>) =>
    sql<number>`case when ${priceOf} >= 50000 then 1 when ${qtyByte} < 205 then 1 when ${qtyByte} < 240 then 2 when ${qtyByte} < 252 then 3 else 6 end`;
  return { product, price, qty };
};

const insertOrders = async (trx: Trx, p: Plan, lo: number, hi: number): Promise<{ orders: number; lines: number; refunds: number }> => {
  const lineAmount = (k: number) => {
    const l = line(p, k);
    return sql`case when n_lines >= ${sql.lit(k)} then ${l.qty(l.price)} * ${l.price} else 0 end`;
  };
  const l = line(p, 'k');
  const result = await sql<{ orders: number; lines: number; refunds: number }>`
    with c as (
      select i, n_orders, ws, we, skew, prim, ${channelRecordIds(p)},
             -- the customer's two affinity groups (the same twice for some: one interest only)
             1 + floor(${u16('ah', 0)} * ${p.affinitySizes.length})::int as a1, 1 + floor(${u16('ah', 2)} * ${p.affinitySizes.length})::int as a2,
             (${p.dayBounds}::float8[])[floor((ws - ${p.baseS}) / ${DAY})::int + 1] as cs,
             (${p.dayBounds}::float8[])[floor((we - ${p.baseS}) / ${DAY})::int + 2] as ce
      from (select core.*, ${digest(p.seed, sql`'a'`, sql`core.i`)} as ah from (${withChannels(p, customerCore(p, lo, hi))}) core) core
      where n_orders > 0
      -- a fence: without it the planner pulls these per-person expressions (record ids, day bounds) up into
      -- every order row and computes them ten times over
      offset 0
    ),
    o as materialized (
      select ${orderRecordId(p.sources)} as customer_id, i, j, oh, skew, grp, n_lines, placed_s, status, src,
             gx_id('ord', to_timestamp(placed_s), ${p.seed} || ':o:' || i || ':' || j) as id,
             total,
             case status when 'refunded' then total
                         when 'partially_refunded' then greatest(1, least(total - 1, floor(total * (0.1 + 0.6 * ${u16('oh', 10)}))))::bigint
                         else 0 end as refunded,
             least(${p.nowS}, placed_s + case status when 'refunded' then (1 + floor(${u16('oh', 10)} * 14)::int) * ${DAY}
                                                      when 'partially_refunded' then (1 + floor(${u16('oh', 10)} * 14)::int) * ${DAY}
                                                      when 'cancelled' then 1800 when 'fulfilled' then 3 * ${DAY} else 0 end) as updated_s
      from (
        select ${CHANNEL_IDS}, i, j, oh, skew, grp, n_lines, placed_s,
               case when ${u16('oh', 12)} < 0.7 then prim else width_bucket(${u16('oh', 14)}, ${p.sourceBounds}::float8[]) end as src,
               case when ${u16('oh', 8)} < 0.06 then 'refunded' when ${u16('oh', 8)} < 0.09 then 'partially_refunded'
                    when ${u16('oh', 8)} < 0.10 then 'cancelled'
                    when placed_s < ${p.nowS - 5 * DAY} then 'fulfilled' else 'paid' end as status,
               ${lineAmount(1)} + ${lineAmount(2)} + ${lineAmount(3)} + ${lineAmount(4)} as total
        from (
          select ${CHANNEL_IDS}, i, j, oh, skew, ws, we,
                 -- two orders in three follow the customer's first interest, the third their second
                 case when j % 3 = 0 then a2 else a1 end as grp,
                 case when ${u16('oh', 16)} < 0.62 then 1 when ${u16('oh', 16)} < 0.88 then 2 when ${u16('oh', 16)} < 0.96 then 3 else 4 end as n_lines,
                 -- a day drawn by the seasonal weights within the customer's window, an hour by the daily rhythm;
                 -- a time that falls outside the window (first and last day) is drawn uniformly inside it
                 case when cand < ws or cand > we then ws + floor((we - ws) * ${u16('oh', 30)})::bigint else cand end as placed_s,
                 prim
          from (
            select *, ${p.baseS}::bigint + (width_bucket(cs + (ce - cs) * ${u32('oh', 0)}, ${p.dayBounds}::float8[]) - 1) * ${DAY}
                      + (width_bucket(${u16('oh', 4)}, ${p.hourBounds}::float8[]) - 1) * 3600 + floor(${u16('oh', 6)} * 3600)::bigint as cand
            from (
              select c.*, j, ${digest(p.seed, sql`'o'`, sql`c.i`, sql`j`)} as oh
              from c cross join lateral generate_series(1, c.n_orders) as j
              offset 0
            ) hashed
            offset 0
          ) timed
          offset 0
        ) placed
        offset 0
      ) priced
    ),
    orders as (
      insert into customer_order (customer_id, id, source, external_id, status, currency, total_fen, refunded_fen, placed_at, created_at, updated_at)
      select customer_id, id, (${p.sources}::text[])[src],
             (${p.sourcePrefixes}::text[])[src] || lpad(${permute(sql`(i::bigint * 1000 + j)`, p.orderPerm)}::text, 12, '0'),
             status, 'CNY', total, refunded, to_timestamp(placed_s), to_timestamp(placed_s), to_timestamp(updated_s)
      from o
    ),
    lines as (
      insert into customer_order_line (customer_id, order_id, line_no, sku, name, quantity, unit_price_fen, amount_fen)
      select customer_id, id, k, (${p.skus}::text[])[product], (${p.productNames}::text[])[product], qty, price, qty * price
      from (
        select customer_id, id, k, product, price, ${l.qty(sql.raw('price'))} as qty
        from (
          select customer_id, id, oh, k, product, (${p.prices}::bigint[])[product] as price
          from (select o.customer_id, o.id, o.oh, k, ${l.product} as product from o cross join lateral generate_series(1, o.n_lines) as k offset 0) chosen
          offset 0
        ) drawn
      ) sized
    )
    select count(*) as orders, coalesce(sum(n_lines), 0) as lines,
           count(*) filter (where status in ('refunded', 'partially_refunded')) as refunds
    from o`.execute(trx);
  const row = result.rows[0];
  return { orders: Number(row?.orders ?? 0), lines: Number(row?.lines ?? 0), refunds: Number(row?.refunds ?? 0) };
};

// ---- batches ----------------------------------------------------------------------------------------
const inBatchTransaction = <T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> =>
  db.transaction().execute(async (trx) => {
    // Demo rows can be regenerated, so a crash losing the last commits is harmless; no JIT for generated SQL
    // whose compile time outweighs its gain; enough memory to keep a batch's orders out of temp files.
    await sql`select set_config('synchronous_commit', 'off', true), set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`.execute(trx);
    return fn(trx);
  });

/** Runs [lo, hi) slices of [0, total) on CONCURRENCY connections; stops taking slices after a failure. */
const runBatches = async (total: number, size: number, work: (lo: number, hi: number) => Promise<void>, onDone: (done: number) => void) => {
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < total) {
      const lo = next;
      const hi = Math.min(total, lo + size);
      next = hi;
      try {
        await work(lo, hi);
      } catch (e) {
        failed = true;
        throw e;
      }
      done += hi - lo;
      onDone(done);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: CONCURRENCY }, worker));
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
};

/**
 * Generates `customers` demo customers (people), each registered by one or more channels as separate
 * records that share identifiers (see demo-channels.ts), ~10 orders each on average (heavily skewed) with
 * lines on the record of the channel that took them, anonymous visitors' browsing events, and the order
 * summaries. Identity is not resolved here: the records stay apart until re-resolution merges them.
 * Deterministic: the same seed, `now` and count give byte-identical rows. Set-based SQL in batches of
 * 10,000 people, each in its own transaction; after a failure the batches already committed stay, and
 * clearDemoData() removes them.
 */
export const generateDemoData = async (db: Db, options: DemoOptions): Promise<DemoSummary> => {
  const total = options.customers;
  if (!Number.isInteger(total) || total < 1 || total > MAX_DEMO_CUSTOMERS) {
    throw new RangeError(`customers must be an integer between 1 and ${MAX_DEMO_CUSTOMERS}`);
  }
  const started = performance.now();
  const plan = makePlan(options);
  const report = (phase: DemoPhase) => (done: number) => options.onProgress?.({ phase, done, total });

  await db.transaction().execute((trx) => ensureDemoSources(trx, options.now));
  const written = { records: 0, events: 0 };
  await runBatches(
    total,
    batchSize(total),
    async (lo, hi) => {
      const n = await inBatchTransaction(db, (trx) => insertCustomers(trx, plan, lo, hi));
      written.records += n.records;
      written.events += n.events;
    },
    report('customers'),
  );

  const counts = { orders: 0, lines: 0, refunds: 0 };
  let analysed = false;
  await runBatches(
    total,
    batchSize(total),
    async (lo, hi) => {
      const n = await inBatchTransaction(db, (trx) => insertOrders(trx, plan, lo, hi));
      // Foreign-key checks reuse cached look-up plans, which on never-analysed tables are bitmap scans;
      // statistics after the first batch get them replanned as index scans (~10% faster overall).
      if (!analysed) {
        analysed = true;
        await sql`analyze customer, customer_order`.execute(db);
      }
      counts.orders += n.orders;
      counts.lines += n.lines;
      counts.refunds += n.refunds;
    },
    report('orders'),
  );

  await refreshDemoStats(db, total, report('stats'));
  // The console is opened right after a demo load: give the planner statistics before autovacuum would.
  await sql`analyze customer, customer_identifier, customer_event, customer_order, customer_order_line, customer_stats`.execute(db);

  return {
    customers: total,
    records: written.records,
    orders: counts.orders,
    orderLines: counts.lines,
    refunds: counts.refunds,
    events: written.events,
    seconds: Math.round(performance.now() - started) / 1000,
  };
};

/** Recomputes the order summaries of the demo customers in id ranges of one batch each. */
const refreshDemoStats = async (db: Db, total: number, onDone: (done: number) => void) => {
  const { rows } = await sql<{ id: string }>`
    select id from (select id, row_number() over (order by id) - 1 as n from customer where source = any(${DEMO_SOURCES}::text[])) s
    where n % ${CUSTOMERS_PER_BATCH} = 0 order by id`.execute(db);
  const starts = rows.map((r) => r.id);
  // Ids are 'cus_' + hex digits, so 'cus_g' sorts after every customer id (in C and in linguistic collations).
  const ranges = starts.map((fromId, k) => ({ fromId, toId: starts[k + 1] ?? 'cus_g' }));
  await runBatches(
    ranges.length,
    1,
    async (k) => {
      const range = ranges[k];
      if (range) await inBatchTransaction(db, (trx) => refreshCustomerStats(trx, range));
    },
    (done) => onDone(Math.round((total * done) / ranges.length)),
  );
};

/** True when demo customers exist. */
export const hasDemoData = async (db: Db): Promise<boolean> => {
  const { rows } = await sql<{ found: boolean }>`select exists (select 1 from customer where source = any(${DEMO_SOURCES}::text[])) as found`.execute(db);
  return rows[0]?.found === true;
};

/**
 * Deletes the demo customers with everything that hangs off them, their merges included. Children go first,
 * set-based: left to the cascades, every order would fire one delete of its lines.
 */
export const clearDemoData = async (db: Db): Promise<void> => {
  await db.transaction().execute(async (trx) => {
    const demo = sql`(select id from customer where source = any(${DEMO_SOURCES}::text[]))`;
    // Events and merge history reference customers without a cascade (history is never deleted by accident).
    await sql`delete from customer_event where customer_id in ${demo}`.execute(trx);
    await sql`delete from identity_merge where winner_id in ${demo} or loser_id in ${demo}`.execute(trx);
    await sql`delete from customer_order_line where customer_id in ${demo}`.execute(trx);
    await sql`delete from customer_order where customer_id in ${demo}`.execute(trx);
    await sql`delete from customer_identifier where customer_id in ${demo}`.execute(trx);
    await sql`delete from customer_stats where customer_id in ${demo}`.execute(trx);
    await sql`delete from customer where source = any(${DEMO_SOURCES}::text[])`.execute(trx);
  });
};
