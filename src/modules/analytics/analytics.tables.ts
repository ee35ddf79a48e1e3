/** Read-only views made for analytics (see the foundation migration); analytics reads nothing else. */
export interface AnalyticsOrderFactView {
  customer_id: string;
  order_id: string;
  source: string;
  status: string;
  total_fen: number;
  refunded_fen: number;
  net_fen: number;
  placed_at: Date;
}

export interface AnalyticsCustomerFactView {
  customer_id: string;
  created_at: Date;
  source: string;
  order_count: number | null;
  total_spent_fen: number | null;
  last_order_at: Date | null;
}

export interface AnalyticsTables {
  analytics_order_fact: AnalyticsOrderFactView;
  analytics_customer_fact: AnalyticsCustomerFactView;
}
