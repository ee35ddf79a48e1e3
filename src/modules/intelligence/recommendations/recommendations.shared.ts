// Modes and shapes of recommendations that the console shares (dates as the server holds them; the console
// maps them to JSON strings). No imports: the console bundles this file.

/** personalised: the item-to-item model; popular: the non-personalised most-popular list. */
export const SERVING_MODES = ['personalised', 'popular'] as const;
export type ServingMode = (typeof SERVING_MODES)[number];
/** Why this mode: the model served it, the emergency stop is on, the customer has no purchases, or no model is trained yet. */
export const SERVING_REASONS = ['model', 'emergency_stop', 'no_history', 'no_model'] as const;
export type ServingReason = (typeof SERVING_REASONS)[number];

export type ServedRecommendations = {
  customerId: string;
  mode: ServingMode;
  reason: ServingReason;
  crossSell: boolean;
  modelId: string | null;
  items: { sku: string; name: string }[];
};

export type ListMetrics = { hitRate: number | null; coverage: number | null; gini: number | null; intraListDiversity: number | null };
export type ModeMetrics = { personalised: ListMetrics; popular: ListMetrics };

/** How well the model predicts each customer's held-out last order, next to the most-popular list. */
export type HoldoutMetrics = {
  k: number;
  /** Customers whose last order was held out (a deterministic sample when there are more). */
  customers: number;
  /** Only items the customer has not bought (cross-sell), as the API serves by default. */
  crossSell: ModeMetrics;
  /** Repurchases allowed. */
  nextProducts: ModeMetrics;
};

export type ModelSummary = {
  id: string;
  trainedAt: Date;
  trainedBy: string;
  baskets: number;
  items: number;
  pairs: number;
  maxNeighbours: number;
  seconds: number;
  metrics: HoldoutMetrics | null;
};

export type SwitchState = { stopped: boolean; at: Date | null; by: string | null; reason: string | null };
export type SwitchChange = { id: string; stopped: boolean; reason: string; at: Date; by: string };
