import type { ColumnType, Generated } from 'kysely';
import type { GrantStatus, InvitationStatus } from './loyalty.shared.ts';

export type AccountKind = 'member' | 'pending' | 'debt';
export type LedgerAccount = AccountKind | 'issued' | 'redeemed' | 'expired' | 'reversed' | 'adjusted' | 'transfer';
export type MovementKind = 'earn' | 'grant' | 'redeem' | 'expire' | 'reverse' | 'adjust' | 'release' | 'transfer';
export type GrowthKind = 'spend' | 'order' | 'community' | 'referral' | 'case_share' | 'adjust' | 'refund';
export type TierChangeReason = 'enrolment' | 'upgrade' | 'downgrade' | 'grace_started' | 'grace_cleared';
export type { GrantStatus, InvitationStatus } from './loyalty.shared.ts';

type Json = ColumnType<Record<string, unknown>, string, string>;

export interface LoyaltyMemberTable {
  customer_id: string;
  member_no: string;
  tier: string;
  growth: Generated<number>;
  enrolled_at: Date;
  enrolled_via: string;
  tier_since: Date;
  grace_until: Date | null;
  evaluated_at: Date | null;
}

export interface LoyaltyGrowthEntryTable {
  customer_id: string;
  idempotency_key: string;
  kind: GrowthKind;
  points: number;
  created_at: Date;
}

export interface LoyaltyTierChangeTable {
  customer_id: string;
  id: string;
  from_tier: string | null;
  to_tier: string;
  reason: TierChangeReason;
  growth: number;
  at: Date;
}

export interface LoyaltyAccountTable {
  customer_id: string;
  kind: AccountKind;
  balance: Generated<number>;
  entry_count: Generated<number>;
  updated_at: Date;
}

export interface LoyaltyMovementTable {
  customer_id: string;
  id: string;
  kind: MovementKind;
  idempotency_key: string;
  points: number;
  reason: string;
  ref_type: string | null;
  ref_id: string | null;
  actor: string;
  details: Json;
  created_at: Date;
}

export interface LoyaltyEntryTable {
  customer_id: string;
  movement_id: string;
  line: number;
  account: LedgerAccount;
  delta: number;
  created_at: Date;
}

export interface LoyaltyLotTable {
  customer_id: string;
  id: string;
  movement_id: string;
  points: number;
  remaining: number;
  earned_at: Date;
  expires_at: Date | null;
}

export interface LoyaltyLotUseTable {
  customer_id: string;
  lot_id: string;
  movement_id: string;
  points: number;
}

export interface LoyaltyOrderEarnTable {
  customer_id: string;
  order_id: string;
  account_customer_id: string;
  movement_id: string | null;
  points: number;
  total_fen: number;
  refunded_fen: Generated<number>;
  reversed_points: Generated<number>;
  status: 'earned' | 'held' | 'skipped';
  pending_until: Date | null;
  released_at: Date | null;
  created_at: Date;
}

export interface LoyaltyRefundSeenTable {
  customer_id: string;
  refund_id: string;
  order_id: string;
  amount_fen: number;
  processed_at: Date;
}

export interface LoyaltyIssuanceDayTable {
  day: ColumnType<string, string, string>;
  /** Counted before the budget was sharded (part of `allotted`). */
  issued: Generated<number>;
  /** Budget handed out to the shards today (never more than the budget, unless approved grants exceeded it). */
  allotted: Generated<number>;
  warned_at: Date | null;
}

export interface LoyaltyIssuanceShardTable {
  day: ColumnType<string, string, string>;
  shard: number;
  allotted: Generated<number>;
  issued: Generated<number>;
}

export interface LoyaltyAlertTable {
  id: string;
  kind: string;
  message: string;
  details: Json;
  at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
}

export interface LoyaltyGrantTable {
  id: string;
  title: string;
  reason: string;
  points_each: number;
  target_count: number;
  status: GrantStatus;
  requested_by: string;
  requested_by_label: string;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface LoyaltyGrantTargetTable {
  customer_id: string;
  grant_id: string;
}

export interface LoyaltyBenefitTable {
  id: string;
  name: string;
  provider: 'own' | 'partner';
  partner_name: string | null;
  points_price: number;
  min_tier: string | null;
  stock_total: number;
  stock_left: number;
  valid_from: Date | null;
  valid_until: Date | null;
  terms: string;
  active: Generated<boolean>;
  created_at: Date;
  updated_at: Date;
}

export interface LoyaltyRedemptionTable {
  customer_id: string;
  id: string;
  benefit_id: string;
  movement_id: string;
  code: string;
  points: number;
  created_at: Date;
}

export interface LoyaltyMilestoneTable {
  customer_id: string;
  kind: 'anniversary' | 'birthday';
  year: number;
  movement_id: string | null;
  granted_at: Date;
}

export interface LoyaltyCocreationTable {
  id: string;
  title: string;
  kind: 'product_test' | 'event' | 'interview';
  description: Generated<string>;
  starts_at: Date | null;
  capacity: number | null;
  created_by: string;
  created_at: Date;
}

export interface LoyaltyInvitationTable {
  customer_id: string;
  cocreation_id: string;
  status: InvitationStatus;
  invited_at: Date;
  updated_at: Date;
}

/** What a merged customer (the loser) brought to the winner; the guard that a merge moves points once. */
export interface LoyaltyMergeTransferTable {
  customer_id: string;
  merge_id: string;
  winner_id: string;
  member_points: number;
  debt_points: number;
  pending_points: number;
  growth: number;
  moved_at: Date;
  undone_at: Date | null;
  undo_details: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

export interface LoyaltyMergeOrderTable {
  customer_id: string;
  order_id: string;
  merge_id: string;
  from_account: string;
  to_account: string;
}

/** Read-only views over C1 orders and refunds, made for this module. */
export interface LoyaltyOrderFeedView {
  customer_id: string;
  order_id: string;
  root_id: string;
  status: string;
  total_fen: number;
  refunded_fen: number;
  placed_at: Date;
  created_at: Date;
}

export interface LoyaltyRefundFeedView {
  customer_id: string;
  refund_id: string;
  order_id: string;
  amount_fen: number;
  refunded_at: Date;
  created_at: Date;
}

export interface LoyaltyCustomerBirthdayView {
  customer_id: string;
  month_day: string;
}

export interface LoyaltyTables {
  loyalty_member: LoyaltyMemberTable;
  loyalty_growth_entry: LoyaltyGrowthEntryTable;
  loyalty_tier_change: LoyaltyTierChangeTable;
  loyalty_account: LoyaltyAccountTable;
  loyalty_movement: LoyaltyMovementTable;
  loyalty_entry: LoyaltyEntryTable;
  loyalty_lot: LoyaltyLotTable;
  loyalty_lot_use: LoyaltyLotUseTable;
  loyalty_order_earn: LoyaltyOrderEarnTable;
  loyalty_refund_seen: LoyaltyRefundSeenTable;
  loyalty_issuance_day: LoyaltyIssuanceDayTable;
  loyalty_issuance_shard: LoyaltyIssuanceShardTable;
  loyalty_alert: LoyaltyAlertTable;
  loyalty_grant: LoyaltyGrantTable;
  loyalty_grant_target: LoyaltyGrantTargetTable;
  loyalty_benefit: LoyaltyBenefitTable;
  loyalty_redemption: LoyaltyRedemptionTable;
  loyalty_milestone: LoyaltyMilestoneTable;
  loyalty_cocreation: LoyaltyCocreationTable;
  loyalty_invitation: LoyaltyInvitationTable;
  loyalty_merge_transfer: LoyaltyMergeTransferTable;
  loyalty_merge_order: LoyaltyMergeOrderTable;
  loyalty_order_feed: LoyaltyOrderFeedView;
  loyalty_refund_feed: LoyaltyRefundFeedView;
  loyalty_customer_birthday: LoyaltyCustomerBirthdayView;
}
