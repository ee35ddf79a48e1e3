import type { ColumnType } from 'kysely';

export type ActorType = 'user' | 'api_key' | 'system' | 'cli';

export interface AuditLogTable {
  seq: number;
  id: string;
  at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: string;
  hash: string;
}

export interface AuditTables {
  audit_log: AuditLogTable;
}
