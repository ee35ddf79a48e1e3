import type { ColumnType } from 'kysely';

export interface IdentityMergeTable {
  id: string;
  winner_id: string;
  loser_id: string;
  rule: string;
  evidence: ColumnType<Record<string, unknown>, string, string>;
  merged_at: Date;
  merged_by: string;
  undone_at: Date | null;
  undone_by: string | null;
}

export interface IdentityQuarantineTable {
  type: string;
  value: string;
  reason: string;
  linked_customers: number;
  created_at: Date;
}

/** One measurement of the identity metrics (link rate, duplicate rate…); the latest is what readers see. */
export interface IdentityMeasurementTable {
  measured_at: Date;
  seconds: number;
  metrics: ColumnType<unknown, string, string>;
}

export interface IdentityTables {
  identity_merge: IdentityMergeTable;
  identity_quarantine: IdentityQuarantineTable;
  identity_measurement: IdentityMeasurementTable;
}
