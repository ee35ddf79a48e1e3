import { sql } from 'kysely';
import type { Trx } from '../../platform/db.ts';

export type Survivorship = 'most_recent' | 'most_trusted' | 'most_frequent';
export type TraitObservation = { customerId: string; field: string; value: string; source: string; observedAt: Date };

/**
 * Golden-record fields kept in customer columns (values as text); every other field is an attribute
 * `attr:<key>` whose value is stored as JSON text, so numbers and strings survive the round trip.
 */
export const COLUMN_FIELDS = ['display_name', 'phone', 'email', 'member_no'] as const;

/** Records observations (idempotent per customer/field/source/value: counts and last-seen move). */
export const recordTraits = async (trx: Trx, observations: TraitObservation[]): Promise<void> => {
  if (observations.length === 0) return;
  // One row per key within the statement (ON CONFLICT cannot touch a row twice).
  const byKey = new Map<string, TraitObservation & { count: number }>();
  for (const o of observations) {
    const k = JSON.stringify([o.customerId, o.field, o.source, o.value]);
    const prev = byKey.get(k);
    byKey.set(k, prev ? { ...prev, observedAt: o.observedAt > prev.observedAt ? o.observedAt : prev.observedAt, count: prev.count + 1 } : { ...o, count: 1 });
  }
  const rows = [...byKey.values()];
  await sql`
    insert into profile_trait (customer_id, field, value, source, first_seen_at, last_seen_at, seen_count)
    select * from unnest(${rows.map((r) => r.customerId)}::text[], ${rows.map((r) => r.field)}::text[], ${rows.map((r) => r.value)}::text[],
                         ${rows.map((r) => r.source)}::text[], ${rows.map((r) => r.observedAt)}::timestamptz[], ${rows.map((r) => r.observedAt)}::timestamptz[],
                         ${rows.map((r) => r.count)}::int[])
    on conflict (customer_id, field, source, value) do update set
      last_seen_at = greatest(profile_trait.last_seen_at, excluded.last_seen_at),
      first_seen_at = least(profile_trait.first_seen_at, excluded.first_seen_at),
      seen_count = profile_trait.seen_count + excluded.seen_count`.execute(trx);
};

/** A customer record `c`'s own column values as rows `f(field, value)` (a value may be null): its candidates before anything is observed. */
const OWN_COLUMNS = sql`(
  values ('display_name', nullif(c.display_name, '')), ('phone', c.phone), ('email', c.email), ('member_no', c.member_no)
  union all select 'attr:' || a.key, a.value::text from jsonb_each(c.attributes) a
) as f(field, value)`;

/**
 * Records a customer record's own column values as observations the first time its cluster's golden
 * record is computed, so they remain candidates (and unmerge can restore them) after columns change.
 */
export const snapshotBaseTraits = async (trx: Trx, customerIds: string[]): Promise<void> => {
  if (customerIds.length === 0) return;
  await sql`
    insert into profile_trait (customer_id, field, value, source, first_seen_at, last_seen_at, seen_count)
    select c.id, f.field, f.value, c.source, c.created_at, c.updated_at, 1
    from customer c
    cross join lateral ${OWN_COLUMNS}
    where c.id = any(${customerIds}::text[]) and f.value is not null
      and not exists (select 1 from profile_trait t where t.customer_id = c.id)
    on conflict do nothing`.execute(trx);
};

/**
 * Recomputes the golden record of each root from the observations of every record in its cluster and
 * writes it to the root's columns. Rules per field: most recent, most trusted source (ingest_source
 * trust rank), or most frequent; ties go to the most recent.
 */
export const refreshGoldenRecords = async (
  trx: Trx,
  rootIds: string[],
  rules: { default: Survivorship; fields: Record<string, Survivorship> },
): Promise<void> => {
  if (rootIds.length === 0) return;
  const members = await trx.selectFrom('customer').select('id').where('root_id', 'in', rootIds).execute();
  await snapshotBaseTraits(
    trx,
    members.map((m) => m.id),
  );
  await sql`
    with obs as (
      select c.root_id, t.field, t.value, max(t.last_seen_at) as last_seen, sum(t.seen_count) as freq,
             max(coalesce(s.trust_rank, 50)) as trust
      from customer c
      join profile_trait t on t.customer_id = c.id
      left join ingest_source s on s.id = t.source
      where c.root_id = any(${rootIds}::text[])
      group by 1, 2, 3
    ), ranked as (
      select *, coalesce(${JSON.stringify(rules.fields)}::jsonb ->> field, ${rules.default}) as rule,
             row_number() over (
               partition by root_id, field
               order by
                 case when coalesce(${JSON.stringify(rules.fields)}::jsonb ->> field, ${rules.default}) = 'most_trusted' then trust end desc nulls last,
                 case when coalesce(${JSON.stringify(rules.fields)}::jsonb ->> field, ${rules.default}) = 'most_frequent' then freq end desc nulls last,
                 last_seen desc, value
             ) as rn
      from obs
    ), golden as (
      select root_id,
             max(value) filter (where field = 'display_name') as display_name,
             max(value) filter (where field = 'phone') as phone,
             max(value) filter (where field = 'email') as email,
             max(value) filter (where field = 'member_no') as member_no,
             coalesce(jsonb_object_agg(substr(field, 6), value::jsonb) filter (where field like 'attr:%'), '{}') as attrs
      from ranked where rn = 1 group by root_id
    )
    update customer c set
      display_name = coalesce(g.display_name, ''),
      phone = g.phone, email = g.email, member_no = g.member_no,
      attributes = g.attrs,
      updated_at = greatest(c.updated_at, now())
    from golden g
    where c.id = g.root_id`.execute(trx);
};

export type GoldenField = { field: string; value: string; source: string; lastSeenAt: Date; rule: Survivorship; candidates: number };

/** The golden record with where each value came from (for the 360° view). */
export const goldenProvenance = async (
  trx: Trx,
  rootId: string,
  rules: { default: Survivorship; fields: Record<string, Survivorship> },
): Promise<GoldenField[]> => {
  const { rows } = await sql<{ field: string; value: string; source: string; last_seen: Date; trust: number; freq: number; candidates: number }>`
    with observed as (
      select t.field, t.value, t.source, t.last_seen_at, t.seen_count
      from customer c join profile_trait t on t.customer_id = c.id
      where c.root_id = ${rootId}
      union all
      -- A record nothing was observed for yet (created in the console, by the demo, by an older import): its
      -- own columns are its candidates, as snapshotBaseTraits makes them when the golden record is next computed.
      select f.field, f.value, c.source, c.updated_at, 1
      from customer c
      cross join lateral ${OWN_COLUMNS}
      where c.root_id = ${rootId} and f.value is not null and not exists (select 1 from profile_trait t where t.customer_id = c.id)
    )
    select o.field, o.value, o.source, max(o.last_seen_at) as last_seen, max(coalesce(s.trust_rank, 50)) as trust, sum(o.seen_count)::int as freq,
           (count(*) over (partition by o.field))::int as candidates
    from observed o left join ingest_source s on s.id = o.source
    group by o.field, o.value, o.source`.execute(trx);
  const byField = new Map<string, typeof rows>();
  for (const r of rows) byField.set(r.field, [...(byField.get(r.field) ?? []), r]);
  const out: GoldenField[] = [];
  for (const [field, cands] of byField) {
    const rule = rules.fields[field] ?? rules.default;
    const sorted = [...cands].sort(
      (a, b) =>
        (rule === 'most_trusted' ? b.trust - a.trust : 0) ||
        (rule === 'most_frequent' ? b.freq - a.freq : 0) ||
        b.last_seen.getTime() - a.last_seen.getTime() ||
        (a.value < b.value ? -1 : 1),
    );
    const best = sorted[0];
    if (best)
      out.push({ field, value: best.value, source: best.source, lastSeenAt: best.last_seen, rule, candidates: new Set(cands.map((c) => c.value)).size });
  }
  return out.sort((a, b) => a.field.localeCompare(b.field));
};
