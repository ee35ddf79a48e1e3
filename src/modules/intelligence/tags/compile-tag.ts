import { type RawBuilder, sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { compareSql, RULE_FIELDS } from './rule-fields.ts';
import type { Behaviour, Rule, TagDefinitionBody } from './tag-definition.ts';

/** Orders that count as purchases for behaviour: cancelled and fully refunded ones do not. */
const PURCHASE = sql`o.status not in ('cancelled', 'refunded')`;

/** Restricts a query to some root customers (a merge re-tests just those); nothing when `only` is absent. */
const onlyRoots = (column: RawBuilder<unknown>, only: string[] | undefined) => (only ? sql`and ${column} = any(${only}::text[])` : sql``);

/**
 * A rule as ONE parameterised query over root customers: `customer_id` of each match and `evidence`, the
 * tested values (why it matched). Field SQL and operators come from the whitelist; values are bound.
 */
export const compileRule = (rule: Rule, now: Date, only?: string[]): RawBuilder<{ customer_id: string; evidence: Record<string, unknown> }> => {
  const tests: RawBuilder<unknown>[] = [];
  const values: RawBuilder<unknown>[] = [];
  for (const c of rule.conditions) {
    const def = RULE_FIELDS[c.field];
    const expr = def.expr({ key: c.key, event: c.event, days: c.days, now });
    tests.push(sql`(${compareSql(expr, def.type, c.op as never, c.value)})`);
    values.push(sql`jsonb_build_object('field', ${c.field}::text, 'value', to_jsonb(${expr}))`);
  }
  const where = sql.join(tests, rule.match === 'all' ? sql` and ` : sql` or `);
  return sql`
    select c.id as customer_id, jsonb_build_object('values', jsonb_build_array(${sql.join(values)})) as evidence
    from customer c
    left join customer_stats s on s.customer_id = c.id
    where c.root_id = c.id ${onlyRoots(sql`c.id`, only)} and (${where})`;
};

const windowStart = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

/** Interactions per root customer in the window: events (optionally one name), orders, or both. */
const interactionCounts = (b: Extract<Behaviour, { type: 'frequency' }>, since: Date, only?: string[]) => {
  const events = sql`
    select m.root_id as customer_id, count(*) as n
    from customer_event e join customer m on m.id = e.customer_id
    where e.occurred_at >= ${since} ${b.eventName ? sql`and e.name = ${b.eventName}` : sql``} ${onlyRoots(sql`m.root_id`, only)}
    group by m.root_id`;
  const orders = sql`
    select m.root_id as customer_id, count(*) as n
    from customer_order o join customer m on m.id = o.customer_id
    where o.placed_at >= ${since} and ${PURCHASE} ${onlyRoots(sql`m.root_id`, only)}
    group by m.root_id`;
  const parts = b.source === 'events' ? [events] : b.source === 'orders' ? [orders] : [events, orders];
  return sql`select customer_id, sum(n)::int as n from (${sql.join(parts, sql` union all `)}) u group by customer_id`;
};

/**
 * Category counts per root customer in the window. Orders: the product category is the SKU's prefix
 * before its first '-' (FD-10001 → FD), one count per order line. Events: `properties.category` of
 * track and page events (Segment's e-commerce and page specs name it so).
 */
const categoryCounts = (b: Extract<Behaviour, { type: 'preference' }>, since: Date, only?: string[]) =>
  b.source === 'orders'
    ? sql`
        select m.root_id as customer_id, split_part(l.sku, '-', 1) as category, count(*)::int as n
        from customer_order o
        join customer_order_line l on l.customer_id = o.customer_id and l.order_id = o.id
        join customer m on m.id = o.customer_id
        where o.placed_at >= ${since} and ${PURCHASE} ${onlyRoots(sql`m.root_id`, only)}
        group by 1, 2`
    : sql`
        select m.root_id as customer_id, e.properties ->> 'category' as category, count(*)::int as n
        from customer_event e join customer m on m.id = e.customer_id
        where e.occurred_at >= ${since} and e.type in ('track', 'page', 'screen') and e.properties ? 'category' ${onlyRoots(sql`m.root_id`, only)}
        group by 1, 2`;

export const compileBehaviour = (b: Behaviour, now: Date, only?: string[]): RawBuilder<{ customer_id: string; evidence: Record<string, unknown> }> => {
  const since = windowStart(now, b.windowDays);
  if (b.type === 'frequency') {
    const max = b.maxCount !== undefined ? sql`and coalesce(k.n, 0) <= ${b.maxCount}::int` : sql``;
    // From every root customer, so "at most N" (quiet customers, minCount 0) includes those with none.
    return sql`
      select c.id as customer_id, jsonb_build_object('count', coalesce(k.n, 0), 'windowDays', ${b.windowDays}::int) as evidence
      from customer c
      left join (${interactionCounts(b, since, only)}) k on k.customer_id = c.id
      where c.root_id = c.id ${onlyRoots(sql`c.id`, only)} and coalesce(k.n, 0) >= ${b.minCount}::int ${max}`;
  }
  return sql`
    select customer_id,
           jsonb_build_object('category', category, 'count', n, 'total', total, 'windowDays', ${b.windowDays}::int) as evidence
    from (
      select customer_id, category, n, sum(n) over (partition by customer_id)::int as total,
             row_number() over (partition by customer_id order by n desc, category collate "C") as top
      from (${categoryCounts(b, since, only)}) k
    ) ranked
    where top = 1 and category = ${b.category}::text and n >= ${b.minCount}::int`;
};

/** The customers a rule or behavioural tag selects now, as one query (among `only` root customers, if given). */
export const compileDefinition = (d: Exclude<TagDefinitionBody, { kind: 'manual' }>, now: Date, only?: string[]) =>
  d.kind === 'rule' ? compileRule(d.rule, now, only) : compileBehaviour(d.behaviour, now, only);

/** How many customers a definition selects now (the rule builder's preview). */
export const countMatches = async (db: Db | Trx, d: Exclude<TagDefinitionBody, { kind: 'manual' }>, now: Date): Promise<number> => {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from (${compileDefinition(d, now)}) m`.execute(db);
  return rows[0]?.n ?? 0;
};

/** Tables of other modules that rule fields may read, among those that exist now. */
export const availableTables = async (db: Db | Trx): Promise<Set<string>> => {
  const wanted = [...new Set(Object.values(RULE_FIELDS).flatMap((f) => ('requires' in f ? [f.requires] : [])))];
  const { rows } = await sql<{ name: string }>`
    select name from unnest(${wanted}::text[]) as name where to_regclass(name) is not null`.execute(db);
  return new Set(rows.map((r) => r.name));
};
