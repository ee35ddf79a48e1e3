// Shapes of the tags API and the rule builder's field catalogue (mirrors src/modules/intelligence/tags/rule-fields.ts).

export const TAG_KINDS = ['manual', 'rule', 'behavioural'] as const;
export type TagKind = (typeof TAG_KINDS)[number];

export const TAG_COLOURS = ['magenta', 'red', 'volcano', 'orange', 'gold', 'lime', 'green', 'cyan', 'blue', 'geekblue', 'purple', 'default'] as const;

export type FieldUnit = 'count' | 'fen' | 'days' | 'score';
export interface FieldMeta {
  type: 'number' | 'string';
  unit?: FieldUnit;
  params: readonly ('key' | 'event' | 'days')[];
}

const RULE_FIELD_META = {
  'stats.total_spent_fen': { type: 'number', unit: 'fen', params: [] },
  'stats.order_count': { type: 'number', unit: 'count', params: [] },
  'stats.average_order_fen': { type: 'number', unit: 'fen', params: [] },
  'stats.refunded_fen': { type: 'number', unit: 'fen', params: [] },
  'stats.days_since_last_order': { type: 'number', unit: 'days', params: [] },
  'stats.days_since_first_order': { type: 'number', unit: 'days', params: [] },
  'customer.attribute': { type: 'string', params: ['key'] },
  'customer.attribute_number': { type: 'number', params: ['key'] },
  'customer.source': { type: 'string', params: [] },
  'customer.signup_days': { type: 'number', unit: 'days', params: [] },
  'events.count': { type: 'number', unit: 'count', params: ['event', 'days'] },
  'events.days_since_last': { type: 'number', unit: 'days', params: ['event'] },
  'rfm.r': { type: 'number', unit: 'score', params: [] },
  'rfm.f': { type: 'number', unit: 'score', params: [] },
  'rfm.m': { type: 'number', unit: 'score', params: [] },
  'tier.current': { type: 'string', params: [] },
  'lifecycle.stage': { type: 'string', params: [] },
} as const satisfies Record<string, FieldMeta>;
export type RuleField = keyof typeof RULE_FIELD_META;
export const RULE_FIELDS: Record<RuleField, FieldMeta> = RULE_FIELD_META;
export const RULE_FIELD_KEYS = Object.keys(RULE_FIELDS) as RuleField[];

export const NUMBER_OPERATORS = ['=', '!=', '>', '>=', '<', '<=', 'between', 'is_set', 'is_not_set'] as const;
export const STRING_OPERATORS = ['=', '!=', 'in', 'not_in', 'contains', 'starts_with', 'is_set', 'is_not_set'] as const;
export const OPERATORS = [...new Set<string>([...NUMBER_OPERATORS, ...STRING_OPERATORS])];
export type Operator = (typeof NUMBER_OPERATORS)[number] | (typeof STRING_OPERATORS)[number];

export const operatorsFor = (field: RuleField): readonly Operator[] => (RULE_FIELDS[field].type === 'number' ? NUMBER_OPERATORS : STRING_OPERATORS);
export const valueShape = (op: Operator): 'none' | 'one' | 'range' | 'list' =>
  op === 'is_set' || op === 'is_not_set' ? 'none' : op === 'between' ? 'range' : op === 'in' || op === 'not_in' ? 'list' : 'one';

export interface Condition {
  field: RuleField;
  op: Operator;
  value?: unknown;
  key?: string;
  event?: string;
  days?: number;
}
export interface Rule {
  match: 'all' | 'any';
  conditions: Condition[];
}

export const BEHAVIOUR_TYPES = ['frequency', 'preference'] as const;
export type Behaviour =
  | { type: 'frequency'; source: 'events' | 'orders' | 'all'; eventName?: string; windowDays: number; minCount: number; maxCount?: number }
  | { type: 'preference'; source: 'orders' | 'events'; category: string; windowDays: number; minCount: number };

export interface TagEvaluation {
  added: number;
  removed: number;
  total: number;
  seconds: number;
}

export interface TagDefinition {
  id: string;
  name: string;
  description: string;
  colour: string;
  kind: TagKind;
  rule: Rule | null;
  behaviour: Behaviour | null;
  summary: string;
  customers: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  evaluatedAt: string | null;
  evaluation: TagEvaluation | null;
  /** Set = archived: not evaluated, not offered for new assignments; can be restored. */
  archivedAt: string | null;
  archivedBy: string | null;
}

export const TAG_ACTOR_TYPES = ['user', 'rule', 'behaviour', 'system', 'cli'] as const;
export type TagActorType = (typeof TAG_ACTOR_TYPES)[number];

export interface TagHistoryEntry {
  id: number;
  customerId: string;
  tagId: string;
  tagName: string;
  action: 'add' | 'remove';
  at: string;
  actorType: TagActorType;
  actorLabel: string;
  reason: string | null;
  evidence: Record<string, unknown>;
}

export interface CustomerTag {
  tagId: string;
  name: string;
  colour: string;
  kind: TagKind;
  summary: string;
  assignedAt: string;
  assignedBy: string;
  reason: string | null;
  evidence: Record<string, unknown>;
  /** The tag was archived after it was assigned. */
  archived: boolean;
}

export interface TaggedCustomer {
  id: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  orderCount: number;
  totalSpentFen: number;
  lastOrderAt: string | null;
  assignedAt: string;
}

/** `rule.conditions[1].value` → `['rule', 'conditions', 1, 'value']` (an antd form name path). */
export const namePath = (path: string): (string | number)[] =>
  path
    .replace(/^body\./, '')
    .split(/[.[\]]/)
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
