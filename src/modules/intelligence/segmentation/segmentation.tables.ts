import type { ColumnType } from 'kysely';
import type { LifecycleStage, RunTrigger, SchemePreset } from './segmentation.shared.ts';

type Json<T = unknown> = ColumnType<T, string, string>;

export type { LifecycleStage, RunTrigger, SchemePreset } from './segmentation.shared.ts';

export interface TierSchemeTable {
  id: string;
  preset: SchemePreset;
  config: Json;
  active: boolean;
  updated_at: Date;
  updated_by: string | null;
}

export interface RfmRunTable {
  id: string;
  trigger: RunTrigger;
  triggered_by: string | null;
  as_of: Date;
  started_at: Date;
  finished_at: Date;
  scheme_id: string;
  scheme: Json;
  settings: Json;
  customers: number;
  scored: number;
  tier_changes: number;
  stage_changes: number;
  cut_points: Json;
  summary: Json;
}

export interface RfmScoreTable {
  customer_id: string;
  run_id: string;
  recency_days: number;
  frequency: number;
  monetary_fen: number;
  r: number;
  f: number;
  m: number;
}

export interface TierCustomerTable {
  customer_id: string;
  scheme_id: string;
  tier: string;
  since: Date;
  reason: string;
  reason_detail: Json;
  /** Spend per year (fen) the tier was decided on. */
  spend_fen: number;
  run_id: string;
}

export interface TierChangeTable {
  customer_id: string;
  run_id: string;
  scheme_id: string;
  from_scheme_id: string | null;
  from_tier: string | null;
  to_tier: string;
  reason: string;
  reason_detail: Json;
  changed_at: Date;
}

export interface LifecycleCustomerTable {
  customer_id: string;
  stage: LifecycleStage;
  since: Date;
  run_id: string;
}

export interface LifecycleChangeTable {
  customer_id: string;
  run_id: string;
  from_stage: LifecycleStage | null;
  to_stage: LifecycleStage;
  changed_at: Date;
}

/** Read-only views over the customers module, made for segmentation. */
export interface RfmCustomerFactView {
  customer_id: string;
  root_id: string;
  created_at: Date;
}

export interface SegmentationTables {
  tier_scheme: TierSchemeTable;
  rfm_run: RfmRunTable;
  rfm_score: RfmScoreTable;
  tier_customer: TierCustomerTable;
  tier_change: TierChangeTable;
  lifecycle_customer: LifecycleCustomerTable;
  lifecycle_change: LifecycleChangeTable;
  rfm_customer_fact: RfmCustomerFactView;
}
