import type { ColumnType } from 'kysely';
import type { ModelKind, ModelRunStatus, ModelRunTrigger } from './scoring.shared.ts';

export type { ModelKind, ModelRunStatus, ModelRunTrigger } from './scoring.shared.ts';

type Json<T> = ColumnType<T, string, string>;

export interface ModelRunTable {
  id: string;
  kind: ModelKind;
  status: ModelRunStatus;
  trigger: ModelRunTrigger;
  requested_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  settings: Json<Record<string, unknown>>;
  diagnostics: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  model: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  error: string | null;
}

export interface ClvScoreTable {
  customer_id: string;
  run_id: string;
  frequency: number;
  recency_days: number;
  age_days: number;
  mean_repeat_spend_fen: number;
  p_alive: number;
  expected_purchases_30d: number;
  expected_purchases_90d: number;
  expected_purchases_365d: number;
  expected_spend_fen: number;
  clv_12m_fen: number;
  value_12m_fen: number;
  value_percentile: number;
  clv_percentile: number;
  potential_index: number;
  quadrant: string;
  sample_key: number;
  scored_at: Date;
}

export interface ChurnScoreTable {
  customer_id: string;
  run_id: string;
  risk: number;
  value_12m_fen: number;
  priority: number;
  factors: Json<{ feature: string; value: number | null; contribution: number }[]>;
  scored_at: Date;
}

/** Read-only views over other modules' data, made for scoring (see the 0007 migration). */
export interface ModelOrderFactView {
  root_id: string;
  customer_id: string;
  placed_at: Date;
  total_fen: number;
  refunded_fen: number;
  net_fen: number;
}

export interface ModelCustomerFactView {
  customer_id: string;
  root_id: string;
  display_name: string;
  created_at: Date;
}

export interface ScoringTables {
  model_run: ModelRunTable;
  clv_score: ClvScoreTable;
  churn_score: ChurnScoreTable;
  model_order_fact: ModelOrderFactView;
  model_customer_fact: ModelCustomerFactView;
}
