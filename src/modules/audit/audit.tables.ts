import type { ColumnType } from 'kysely';
import type { ActorType } from './audit.shared.ts';

export type { ActorType } from './audit.shared.ts';

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
