import { z } from 'zod';
import { AppError, type FieldError } from '../../../platform/errors.ts';
import { OPERATORS, operatorsFor, RULE_FIELD_KEYS, RULE_FIELDS, type RuleField, valueShape } from './rule-fields.ts';
import type { TagKind } from './tags.tables.ts';

export const TAG_KINDS = ['manual', 'rule', 'behavioural'] as const satisfies readonly TagKind[];

/** Ant Design preset colours (the console renders them as they are) or a #rrggbb colour. */
export const TAG_COLOURS = ['magenta', 'red', 'volcano', 'orange', 'gold', 'lime', 'green', 'cyan', 'blue', 'geekblue', 'purple', 'default'] as const;

const MAX_DAYS = 3650;

export const ConditionSchema = z.object({
  field: z.enum(RULE_FIELD_KEYS as [RuleField, ...RuleField[]]),
  op: z.enum(OPERATORS as [string, ...string[]]),
  value: z.unknown().optional(),
  key: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)')
    .optional(),
  event: z.string().trim().min(1).max(200).optional(),
  days: z.number().int().min(1).max(MAX_DAYS).optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

export const RuleSchema = z.object({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(ConditionSchema).min(1).max(20),
});
export type Rule = z.infer<typeof RuleSchema>;

export const BEHAVIOUR_SOURCES = ['events', 'orders', 'all'] as const;

export const BehaviourSchema = z.discriminatedUnion('type', [
  // Interaction frequency: events and/or orders in the last windowDays, between minCount and maxCount.
  z.object({
    type: z.literal('frequency'),
    source: z.enum(BEHAVIOUR_SOURCES),
    eventName: z.string().trim().min(1).max(200).optional(),
    windowDays: z.number().int().min(1).max(MAX_DAYS),
    minCount: z.number().int().min(0).max(1_000_000),
    maxCount: z.number().int().min(0).max(1_000_000).optional(),
  }),
  // Content preference: the customer's most frequent category in the window is `category`.
  z.object({
    type: z.literal('preference'),
    source: z.enum(['orders', 'events']),
    category: z.string().trim().min(1).max(100),
    windowDays: z.number().int().min(1).max(MAX_DAYS),
    minCount: z.number().int().min(1).max(1_000_000).default(1),
  }),
]);
export type Behaviour = z.infer<typeof BehaviourSchema>;

export type TagDefinitionBody = { kind: 'manual' } | { kind: 'rule'; rule: Rule } | { kind: 'behavioural'; behaviour: Behaviour };

/** `['conditions', 1, 'value']` → `conditions[1].value`. */
export const fieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');

const fail = (fields: FieldError[]): never => {
  throw new AppError('tags.invalid_definition', `invalid tag definition: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fields });
};

const parseWith = <S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail(parsed.error.issues.map((i) => ({ path: fieldPath([prefix, ...i.path]), message: i.message })));
  return (parsed as { data: z.infer<S> }).data;
};

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;

/** Checks each condition against its field: parameters present, operator allowed, value of the right shape. */
const checkConditions = (rule: Rule, availableTables: ReadonlySet<string>): FieldError[] => {
  const errors: FieldError[] = [];
  rule.conditions.forEach((c, i) => {
    const at = (name: string) => `rule.conditions[${i}].${name}`;
    const def = RULE_FIELDS[c.field];
    if ('requires' in def && !availableTables.has(def.requires)) {
      errors.push({ path: at('field'), message: `${c.field} is not available yet (it needs ${def.requires})` });
      return;
    }
    for (const param of def.params) {
      if (c[param] === undefined) errors.push({ path: at(param), message: `${c.field} needs ${param}` });
    }
    const ops = operatorsFor(def.type) as readonly string[];
    if (!ops.includes(c.op)) {
      errors.push({ path: at('op'), message: `${c.op} does not apply to ${c.field}; use one of ${ops.join(', ')}` });
      return;
    }
    const shape = valueShape(c.op as never);
    const v = c.value;
    const one = def.type === 'number' ? isNumber : isText;
    const what = def.type === 'number' ? 'a number' : 'a text of 1–200 characters';
    if (shape === 'one' && !one(v)) errors.push({ path: at('value'), message: `must be ${what}` });
    if (shape === 'range' && !(Array.isArray(v) && v.length === 2 && v.every(isNumber) && (v[0] as number) <= (v[1] as number))) {
      errors.push({ path: at('value'), message: 'must be [low, high] numbers with low ≤ high' });
    }
    if (shape === 'list' && !(Array.isArray(v) && v.length >= 1 && v.length <= 100 && v.every(isText))) {
      errors.push({ path: at('value'), message: 'must be a list of 1–100 texts' });
    }
  });
  return errors;
};

/**
 * Validates what a person sent for a tag's kind; errors name the field (`rule.conditions[1].value`).
 * `availableTables`: tables of other modules that exist (fields needing a missing one are refused).
 */
export const parseTagDefinition = (kind: TagKind, body: { rule?: unknown; behaviour?: unknown }, availableTables: ReadonlySet<string>): TagDefinitionBody => {
  if (kind === 'manual') return { kind };
  if (kind === 'rule') {
    if (body.rule === undefined) fail([{ path: 'rule', message: 'a rule tag needs a rule' }]);
    const rule = parseWith(RuleSchema, body.rule, 'rule');
    const errors = checkConditions(rule, availableTables);
    if (errors.length > 0) fail(errors);
    return { kind, rule };
  }
  if (body.behaviour === undefined) fail([{ path: 'behaviour', message: 'a behavioural tag needs a behaviour' }]);
  const behaviour = parseWith(BehaviourSchema, body.behaviour, 'behaviour');
  if (behaviour.type === 'frequency' && behaviour.maxCount !== undefined && behaviour.maxCount < behaviour.minCount) {
    fail([{ path: 'behaviour.maxCount', message: 'must be at least minCount' }]);
  }
  return { kind, behaviour };
};

/** The stored JSON of a definition. */
export const definitionJson = (d: TagDefinitionBody): Record<string, unknown> =>
  d.kind === 'rule' ? { rule: d.rule } : d.kind === 'behavioural' ? { behaviour: d.behaviour } : {};

/** Reads a stored definition back (it was validated when saved). */
export const storedDefinition = (kind: TagKind, json: Record<string, unknown>): TagDefinitionBody =>
  kind === 'rule'
    ? { kind, rule: RuleSchema.parse(json.rule) }
    : kind === 'behavioural'
      ? { kind, behaviour: BehaviourSchema.parse(json.behaviour) }
      : { kind: 'manual' };

const describeCondition = (c: Condition): string => {
  const params = [c.key && `key=${c.key}`, c.event && `event=${c.event}`, c.days && `days=${c.days}`].filter(Boolean);
  const field = params.length ? `${c.field}(${params.join(', ')})` : c.field;
  return valueShape(c.op as never) === 'none' ? `${field} ${c.op}` : `${field} ${c.op} ${JSON.stringify(c.value)}`;
};

/** A plain-text statement of the definition, kept with every assignment so history stays readable after edits. */
export const describeDefinition = (d: TagDefinitionBody): string => {
  if (d.kind === 'manual') return 'manual';
  if (d.kind === 'rule') return d.rule.conditions.map(describeCondition).join(d.rule.match === 'all' ? ' and ' : ' or ');
  const b = d.behaviour;
  if (b.type === 'frequency') {
    const what = b.source === 'events' ? `events${b.eventName ? ` named ${b.eventName}` : ''}` : b.source === 'orders' ? 'orders' : 'events + orders';
    return `${what} in the last ${b.windowDays} days: at least ${b.minCount}${b.maxCount !== undefined ? `, at most ${b.maxCount}` : ''}`;
  }
  return `most frequent ${b.source === 'orders' ? 'product' : 'content'} category in the last ${b.windowDays} days is ${b.category} (at least ${b.minCount})`;
};
