import type { ColumnType, Generated } from 'kysely';

export type OrderStatus = 'paid' | 'fulfilled' | 'cancelled' | 'refunded' | 'partially_refunded';

export interface CustomerTable {
  id: string;
  display_name: string;
  phone: string | null;
  email: string | null;
  member_no: string | null;
  attributes: ColumnType<Record<string, unknown>, string, string>;
  source: Generated<string>;
  created_at: Date;
  updated_at: Date;
  /** The customer this record resolves to (itself unless merged); set by a trigger on insert. */
  root_id: Generated<string>;
  merged_into: Generated<string | null>;
  merged_at: Generated<Date | null>;
}

export interface CustomerIdentifierTable {
  customer_id: string;
  type: string;
  value: string;
  source: string;
  created_at: Date;
  last_seen_at: Date | null;
}

export interface CustomerOrderTable {
  customer_id: string;
  id: string;
  source: string;
  external_id: string;
  status: OrderStatus;
  currency: Generated<string>;
  total_fen: number;
  refunded_fen: Generated<number>;
  placed_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface CustomerOrderLineTable {
  customer_id: string;
  order_id: string;
  line_no: number;
  sku: string;
  name: string;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
}

export interface CustomerStatsTable {
  customer_id: string;
  order_count: Generated<number>;
  total_spent_fen: Generated<number>;
  refunded_fen: Generated<number>;
  first_order_at: Date | null;
  last_order_at: Date | null;
  updated_at: Generated<Date>;
}

export interface CustomerOrderRefundTable {
  customer_id: string;
  id: string;
  order_id: string;
  source: string;
  external_id: string;
  amount_fen: number;
  reason: string | null;
  refunded_at: Date;
  created_at: Date;
}

/** Each value each source said about a customer record: the golden record's candidates. */
export interface ProfileTraitTable {
  customer_id: string;
  field: string;
  value: string;
  source: string;
  first_seen_at: Date;
  last_seen_at: Date;
  seen_count: number;
}

export interface CustomersTables {
  profile_trait: ProfileTraitTable;
  customer_order_refund: CustomerOrderRefundTable;
  customer: CustomerTable;
  customer_identifier: CustomerIdentifierTable;
  customer_order: CustomerOrderTable;
  customer_order_line: CustomerOrderLineTable;
  customer_stats: CustomerStatsTable;
}
