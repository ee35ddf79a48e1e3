import { type RawBuilder, sql } from 'kysely';

/**
 * The whitelist of fields a rule condition may test, each with the SQL that computes its value for one
 * root customer `c` (joined to its order summary `s`). A new field is one entry here: its value type,
 * the parameters a condition must give (an attribute key, an event name and window) and,
 * when it reads another module's table that may not exist yet, that table's name.
 */
export type FieldType = 'number' | 'string';
export type FieldUnit = 'count' | 'fen' | 'days' | 'score';
export type FieldParam = 'key' | 'event' | 'days';

export type FieldParams = { key?: string; event?: string; days?: number; now: Date };

export type FieldDef = {
  type: FieldType;
  unit?: FieldUnit;
  params: readonly FieldParam[];
  /** A table the field reads that another module creates; the field is offered only once it exists. */
  requires?: string;
  expr: (p: FieldParams) => RawBuilder<unknown>;
};

const days = (from: RawBuilder<unknown>, now: Date) => sql`floor(extract(epoch from (${now}::timestamptz - ${from})) / 86400)`;
// The score columns are a fixed list; the name is never user input.
const rfm = (score: 'r' | 'f' | 'm') => sql`(select x.${sql.ref(score)} from rfm_score x where x.customer_id = c.id order by x.run_id desc limit 1)`;
const since = (p: FieldParams) => new Date(p.now.getTime() - (p.days ?? 0) * 86_400_000);

export const RULE_FIELDS = {
  'customer.attribute': { type: 'string', params: ['key'], expr: (p) => sql`(c.attributes ->> ${p.key}::text)` },
  'customer.attribute_number': {
    type: 'number',
    params: ['key'],
    expr: (p) => sql`(case when jsonb_typeof(c.attributes -> ${p.key}::text) = 'number' then (c.attributes ->> ${p.key}::text)::numeric end)`,
  },
  'customer.source': { type: 'string', params: [], expr: () => sql`c.source` },
  'customer.signup_days': { type: 'number', unit: 'days', params: [], expr: (p) => days(sql`c.created_at`, p.now) },
  'stats.order_count': { type: 'number', unit: 'count', params: [], expr: () => sql`coalesce(s.order_count, 0)` },
  'stats.total_spent_fen': { type: 'number', unit: 'fen', params: [], expr: () => sql`coalesce(s.total_spent_fen, 0)` },
  'stats.refunded_fen': { type: 'number', unit: 'fen', params: [], expr: () => sql`coalesce(s.refunded_fen, 0)` },
  'stats.average_order_fen': {
    type: 'number',
    unit: 'fen',
    params: [],
    expr: () => sql`(case when coalesce(s.order_count, 0) > 0 then round(s.total_spent_fen::numeric / s.order_count) else 0 end)`,
  },
  'stats.days_since_last_order': { type: 'number', unit: 'days', params: [], expr: (p) => days(sql`s.last_order_at`, p.now) },
  'stats.days_since_first_order': { type: 'number', unit: 'days', params: [], expr: (p) => days(sql`s.first_order_at`, p.now) },
  // "did event X at least N times in the last D days", over every record merged into the customer.
  'events.count': {
    type: 'number',
    unit: 'count',
    params: ['event', 'days'],
    expr: (p) => sql`(select count(*) from customer m join customer_event e on e.customer_id = m.id
                      where m.root_id = c.id and e.name = ${p.event} and e.occurred_at >= ${since(p)})`,
  },
  'events.days_since_last': {
    type: 'number',
    unit: 'days',
    params: ['event'],
    expr: (p) =>
      days(
        sql`(select max(e.occurred_at) from customer m join customer_event e on e.customer_id = m.id where m.root_id = c.id and e.name = ${p.event})`,
        p.now,
      ),
  },
  // Segmentation (C3): RFM scores of the latest run (1 = best), the tier in the active scheme, the lifecycle stage.
  'rfm.r': { type: 'number', unit: 'score', params: [], requires: 'rfm_score', expr: () => rfm('r') },
  'rfm.f': { type: 'number', unit: 'score', params: [], requires: 'rfm_score', expr: () => rfm('f') },
  'rfm.m': { type: 'number', unit: 'score', params: [], requires: 'rfm_score', expr: () => rfm('m') },
  'tier.current': {
    type: 'string',
    params: [],
    requires: 'tier_customer',
    expr: () => sql`(select t.tier from tier_customer t where t.customer_id = c.id)`,
  },
  'lifecycle.stage': {
    type: 'string',
    params: [],
    requires: 'lifecycle_customer',
    expr: () => sql`(select l.stage from lifecycle_customer l where l.customer_id = c.id)`,
  },
} as const satisfies Record<string, FieldDef>;

export type RuleField = keyof typeof RULE_FIELDS;
export const RULE_FIELD_KEYS = Object.keys(RULE_FIELDS) as RuleField[];

export const NUMBER_OPERATORS = ['=', '!=', '>', '>=', '<', '<=', 'between', 'is_set', 'is_not_set'] as const;
export const STRING_OPERATORS = ['=', '!=', 'in', 'not_in', 'contains', 'starts_with', 'is_set', 'is_not_set'] as const;
export type Operator = (typeof NUMBER_OPERATORS)[number] | (typeof STRING_OPERATORS)[number];
export const OPERATORS = [...new Set<Operator>([...NUMBER_OPERATORS, ...STRING_OPERATORS])];

export const operatorsFor = (type: FieldType): readonly Operator[] => (type === 'number' ? NUMBER_OPERATORS : STRING_OPERATORS);

/** What a condition's value must be for an operator. */
export type ValueShape = 'none' | 'one' | 'range' | 'list';
export const valueShape = (op: Operator): ValueShape =>
  op === 'is_set' || op === 'is_not_set' ? 'none' : op === 'between' ? 'range' : op === 'in' || op === 'not_in' ? 'list' : 'one';

/**
 * `field op value` as SQL. Operators come from the whitelist above and are written out here; values
 * are always bound parameters, never text in the statement.
 */
export const compareSql = (expr: RawBuilder<unknown>, type: FieldType, op: Operator, value: unknown): RawBuilder<unknown> => {
  const one = type === 'number' ? sql`${String(value)}::numeric` : sql`${String(value)}::text`;
  switch (op) {
    case '=':
      return sql`${expr} = ${one}`;
    case '!=':
      return sql`${expr} is distinct from ${one}`;
    case '>':
      return sql`${expr} > ${one}`;
    case '>=':
      return sql`${expr} >= ${one}`;
    case '<':
      return sql`${expr} < ${one}`;
    case '<=':
      return sql`${expr} <= ${one}`;
    case 'between': {
      const [lo, hi] = value as [number, number];
      return sql`${expr} between ${String(lo)}::numeric and ${String(hi)}::numeric`;
    }
    case 'in':
      return sql`${expr} = any(${(value as string[]).map(String)}::text[])`;
    case 'not_in':
      return sql`not coalesce(${expr} = any(${(value as string[]).map(String)}::text[]), false)`;
    case 'contains':
      return sql`strpos(lower(${expr}), lower(${String(value)}::text)) > 0`;
    case 'starts_with':
      return sql`starts_with(${expr}, ${String(value)}::text)`;
    case 'is_set':
      return sql`${expr} is not null`;
    case 'is_not_set':
      return sql`${expr} is null`;
  }
};
