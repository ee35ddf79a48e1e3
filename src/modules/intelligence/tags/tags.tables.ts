import type { ColumnType, Generated } from 'kysely';

export type TagKind = 'manual' | 'rule' | 'behavioural';
export type TagActorType = 'user' | 'rule' | 'behaviour' | 'system' | 'cli';

type Json<T> = ColumnType<T, string, string>;

export interface TagDefinitionTable {
  id: string;
  name: string;
  description: string;
  colour: string;
  kind: TagKind;
  /** Rule tags: `{match, conditions}`; behavioural tags: the behaviour; manual tags: `{}`. */
  definition: Json<Record<string, unknown>>;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
  evaluated_at: Date | null;
  evaluation: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  /** Set = archived: no longer evaluated nor offered for new assignments; its assignments and history stay. */
  archived_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  archived_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CustomerTagTable {
  customer_id: string;
  tag_id: string;
  assigned_at: Date;
  assigned_by: string;
  reason: string | null;
  evidence: Json<Record<string, unknown>>;
}

export interface TagHistoryTable {
  customer_id: string;
  id: Generated<number>;
  tag_id: string;
  action: 'add' | 'remove';
  at: Date;
  actor_type: TagActorType;
  actor_id: string | null;
  actor_label: string;
  reason: string | null;
  evidence: Json<Record<string, unknown>>;
}

export interface TagsTables {
  tag_definition: TagDefinitionTable;
  customer_tag: CustomerTagTable;
  tag_history: TagHistoryTable;
}
