import { type RawBuilder, sql } from 'kysely';
import type { Trx } from '../../../platform/db.ts';
import { digest, u16 } from './demo-random.ts';

/**
 * Where the demo company's customer records come from. Like a real company before unification, each
 * channel registered the same person on its own: the member programme (member number and phone), the
 * store tills (phone), the online shop (e-mail), the WeChat mini-program (openid, the phone only when
 * the person authorised it) and the website's tracker (an anonymous id). The records share identifiers,
 * so identity resolution can merge them. Trust ranks drive the golden record's most-trusted fields.
 */
export const DEMO_CHANNELS = [
  { id: 'demo-member', name: 'Demo: member programme', kind: 'file', trustRank: 80 },
  { id: 'demo-pos', name: 'Demo: store POS', kind: 'file', trustRank: 70 },
  { id: 'demo-online-shop', name: 'Demo: online shop', kind: 'webhook', trustRank: 60 },
  { id: 'demo-mini-program', name: 'Demo: WeChat mini-program', kind: 'http', trustRank: 40 },
  { id: 'demo-web', name: 'Demo: website tracking', kind: 'http', trustRank: 20 },
] as const;

/** Every `customer.source` the demo writes; `demo` is what earlier versions wrote (one record per person). */
export const DEMO_SOURCES: readonly string[] = ['demo', ...DEMO_CHANNELS.map((c) => c.id)];

/** WeChat's default nickname for users who share no profile. */
const WECHAT_NICKNAME = '微信用户';

/**
 * The stores' front-desk phones (landlines). When a customer at the till gives no number, some cashiers type
 * the store's own, so each of these ends up on many store records of different people: identity resolution
 * quarantines it instead of merging them (the identity page shows it under quarantined identifiers).
 */
export const DEMO_STORE_PHONES = [
  '+862158880101',
  '+862164330202',
  '+8657187650303',
  '+861085120404',
  '+862087650505',
  '+867558830606',
  '+862867010707',
  '+862583290808',
] as const;

/** Store records that carry the store's front-desk phone instead of the customer's. */
const DESK_PHONE_SHARE = 0.04;

/**
 * How many stores' front-desk phones a demo of `people` uses: one per 2,500 people, at most all of them. Small
 * demos (under 1,000 people) use none, because two or three records sharing a desk phone would stay under the
 * quarantine limit and merge different people.
 */
export const storePhonesFor = (people: number): string[] =>
  people < 1000 ? [] : DEMO_STORE_PHONES.slice(0, Math.min(DEMO_STORE_PHONES.length, Math.ceil(people / 2500)));

type ChannelPlan = { seed: string; nowS: number; skus: string[]; storePhones: string[] };

/** The demo's sources, so the sources page, the event debugger and survivorship (trust ranks) know them. */
export const ensureDemoSources = async (trx: Trx, at: Date): Promise<void> => {
  await trx
    .insertInto('ingest_source')
    .values(DEMO_CHANNELS.map((c) => ({ id: c.id, name: c.name, kind: c.kind, trust_rank: c.trustRank, created_at: at })))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
};

/**
 * A record a channel registered after the person's first contact: within three months (a quarter of them in
 * the first week), never after now. Keeping a person's records close in time keeps their ids (time-ordered)
 * close, so each batch writes into a narrow range of the customer and order indexes instead of all over them.
 */
const later = (p: ChannelPlan, byte: number, col = 'k') =>
  sql<number>`(created_s + floor(power(${u16(col, byte)}, 2) * least(${p.nowS} - created_s, ${90 * 86_400})))::bigint`;

/**
 * Adds to each person row of `core` (columns i, created_s, english, g, h …) which channels registered
 * them, when, and how their records are tied together. Shared by the customer and the order statements.
 * The first record (created at the person's first contact) is the member record if there is one, else
 * the online-shop one, else the store one; every person has at least one record with a name.
 */
export const withChannels = (p: ChannelPlan, core: RawBuilder<unknown>) => sql`
  select d.*,
         case when has_v and v_linked then (case when v_via_p then p_s else w_s end) - floor(${u16('k', 22)} * 259200)::bigint
              when has_v then ${later(p, 26, 'g')} end as v_s
  from (
    select b.*,
           case when has_m then 'm' when has_w then 'w' else 's' end as prim_kind,
           case when has_m then ${later(p, 16)} else created_s end as w_s,
           ${later(p, 18)} as p_s,
           case when has_m or has_w then ${later(p, 20)} else created_s end as s_s,
           ${later(p, 30)} as m2_s
    from (
      select a.*, m_flag as has_m, w_flag as has_w, p_flag as has_p,
             ${u16('k', 4)} < 0.3 or not (m_flag or w_flag) as has_s,
             (w_flag or p_flag) and ${u16('k', 6)} < 0.6 as has_v,
             -- most visitors later signed in on that device (the shop or the mini-program knows their id)
             ${u16('k', 8)} < 0.9 as v_linked,
             p_flag and (not w_flag or ${u16('g', 24)} < 0.5) as v_via_p,
             -- a few members registered twice with two member numbers: the rules keep those apart
             m_flag and ${u16('k', 10)} < 0.01 as has_m2,
             ${u16('k', 12)} < 0.6 as p_phone,
             p_flag and ${u16('k', 14)} < 0.5 as m_openid,
             has_email and (not w_flag or ${u16('k', 24)} < 0.5) as m_email,
             ${u16('k', 26)} < 0.7 as w_phone,
             ${p.storePhones.length > 0 ? sql`${u16('g', 28)} < ${DESK_PHONE_SHARE}` : sql`false`} as s_desk,
             (1 + floor(18 * power(${u16('k', 28)}, 2)))::int as n_events,
             'o' || left(translate(encode(k, 'base64'), '+/', '-_'), 27) as openid,
             md5(${p.seed} || ':a:' || i)::uuid::text as anonymous_id
      from (
        select core.*, ${u16('g', 4)} < 0.7 as m_flag, has_email and ${u16('k', 0)} < 0.6 as w_flag, ${u16('k', 2)} < 0.5 as p_flag
        from (
          select core.*, ${digest(p.seed, sql`'c3'`, sql`core.i`)} as k,
                 ${u16('h', 28)} < case when core.english then 0.9 else 0.65 end as has_email
          from (${core}) core
          offset 0
        ) core
      ) a
    ) b
  ) d`;

/** The id of a person's record of `kind` (m, m2, w, p, s, v) created at `createdS`. */
const recordId = (p: ChannelPlan, kind: RawBuilder<string>, createdS: RawBuilder<number>) =>
  sql<string>`gx_id('cus', to_timestamp(${createdS}), ${p.seed} || ':c:' || i || ':' || ${kind})`;

/** What an order needs to find its record: the ids of the records that can take orders and when they began. */
export const CHANNEL_IDS = sql.raw('prim_id, w_id, p_id, s_id, w_s, p_s, s_s');

/** CHANNEL_IDS from a withChannels row (null ids for channels that do not know the person). */
export const channelRecordIds = (p: ChannelPlan) => sql`
  ${recordId(p, sql`prim_kind`, sql`created_s`)} as prim_id,
  case when has_w then ${recordId(p, sql`'w'`, sql`w_s`)} end as w_id,
  case when has_p then ${recordId(p, sql`'p'`, sql`p_s`)} end as p_id,
  case when has_s then ${recordId(p, sql`'s'`, sql`s_s`)} end as s_id,
  w_s, p_s, s_s`;

/**
 * The record an order of channel `src` (1-based index into `sources`) placed at `placed_s` belongs to:
 * the store's record for till orders, the mini-program's for WeChat-mall orders, the online shop's for
 * marketplace orders, once that record exists; otherwise the person's first record.
 */
export const orderRecordId = (sources: string[]) => {
  const at = (name: string) => {
    const index = sources.indexOf(name);
    if (index < 0) throw new Error(`no order source ${name}`);
    return sql.lit(index + 1);
  };
  return sql<string>`case
    when src = ${at('pos')} and s_id is not null and placed_s >= s_s then s_id
    when src = ${at('wechat_mall')} and p_id is not null and placed_s >= p_s then p_id
    when src in (${at('tmall')}, ${at('jd')}) and w_id is not null and placed_s >= w_s then w_id
    else prim_id end`;
};

/**
 * Inserts the records of the persons in `persons` (rows of withChannels plus display_name, phone, email,
 * member_no, member_no2, attributes), their identifiers, and the anonymous visitors' browsing events.
 */
export const insertChannelRecords = async (trx: Trx, p: ChannelPlan, persons: RawBuilder<unknown>): Promise<{ records: number; events: number }> => {
  const sku = sql`(${p.skus}::text[])[1 + floor(${u16('eh', 2)} * ${p.skus.length})::int]`;
  const { rows } = await sql<{ records: number; events: number }>`
    with c as materialized (${persons}),
    r as materialized (
      select ${recordId(p, sql`x.kind`, sql`x.created_s`)} as id, c.i, x.*, c.n_events
      from c cross join lateral (values
        ('m', has_m, created_s, display_name, phone, case when m_email then email end, member_no,
         case when m_openid then openid end, null::text, attributes, 'demo-member'),
        ('m2', has_m2, m2_s, display_name, phone, null, member_no2, null, null, attributes, 'demo-member'),
        ('w', has_w, w_s, display_name, case when w_phone then phone end, email, null, null,
         case when has_v and v_linked and not v_via_p then anonymous_id end, attributes, 'demo-online-shop'),
        ('p', has_p, p_s, ${WECHAT_NICKNAME}, case when p_phone then phone end, null, null, openid,
         case when has_v and v_linked and v_via_p then anonymous_id end, '{}'::jsonb, 'demo-mini-program'),
        ('s', has_s, s_s, display_name,
         case when s_desk then (${p.storePhones}::text[])[1 + floor(${u16('g', 30)} * ${p.storePhones.length})::int] else phone end, null, null, null, null,
         jsonb_build_object('city', attributes -> 'city', 'gender', attributes -> 'gender'), 'demo-pos'),
        -- nothing is known of an anonymous visitor but the tracker's id
        ('v', has_v, v_s, '', null, null, null, null, anonymous_id, '{}'::jsonb, 'demo-web')
      ) as x (kind, present, created_s, display_name, phone, email, member_no, openid, anonymous_id, attributes, source)
      where x.present
    ),
    customers as (
      insert into customer (id, display_name, phone, email, member_no, attributes, source, created_at, updated_at)
      select id, display_name, phone, email, member_no, attributes, source, to_timestamp(created_s), to_timestamp(created_s) from r
    ),
    events as (
      insert into customer_event (customer_id, id, source_id, message_id, type, name, anonymous_id, properties, occurred_at, received_at)
      select id, gx_id('evt', to_timestamp(at_s), ${p.seed} || ':e:' || i || ':' || j), source, md5(${p.seed} || ':e:' || i || ':' || j)::uuid::text,
             case when kind_u < 0.5 then 'page' else 'track' end,
             case when kind_u < 0.5 then 'Product' when kind_u < 0.85 then 'Product Viewed' else 'Product Added' end,
             anonymous_id, jsonb_build_object('sku', sku, 'path', '/products/' || lower(sku)), to_timestamp(at_s), to_timestamp(at_s + 1)
      from (
        -- a browsing session: one event every few minutes from the visitor's first visit
        select id, i, j, source, anonymous_id, ${u16('eh', 0)} as kind_u, ${sku} as sku,
               least(${p.nowS}, created_s + (j - 1) * 150 + floor(${u16('eh', 4)} * 120)::bigint) as at_s
        from (
          select r.*, j, ${digest(p.seed, sql`'e'`, sql`r.i`, sql`j`)} as eh
          from r cross join lateral generate_series(1, r.n_events) as j
          where r.kind = 'v'
          offset 0
        ) hashed
      ) drawn
    ),
    identifiers as (
      insert into customer_identifier (customer_id, type, value, source, created_at)
      select r.id, v.type, v.value, r.source, to_timestamp(r.created_s)
      from r cross join lateral (values ('phone', r.phone), ('email', r.email), ('member_no', r.member_no),
                                        ('wechat_openid', r.openid), ('anonymous_id', r.anonymous_id)) as v (type, value)
      where v.value is not null
    )
    select count(*)::int as records, (coalesce(sum(n_events) filter (where kind = 'v'), 0))::int as events from r`.execute(trx);
  return { records: Number(rows[0]?.records ?? 0), events: Number(rows[0]?.events ?? 0) };
};
