// Shapes of the recommendations API.

export const SERVING_MODES = ['personalised', 'popular'] as const;
export type ServingMode = (typeof SERVING_MODES)[number];
export const SERVING_REASONS = ['model', 'emergency_stop', 'no_history', 'no_model'] as const;
export type ServingReason = (typeof SERVING_REASONS)[number];

export interface ServedRecommendations {
  customerId: string;
  mode: ServingMode;
  reason: ServingReason;
  crossSell: boolean;
  modelId: string | null;
  items: { sku: string; name: string }[];
}

export interface ListMetrics {
  hitRate: number | null;
  coverage: number | null;
  gini: number | null;
  intraListDiversity: number | null;
}

export interface ModeMetrics {
  personalised: ListMetrics;
  popular: ListMetrics;
}

export interface RecommendationModel {
  id: string;
  trainedAt: string;
  trainedBy: string;
  baskets: number;
  items: number;
  pairs: number;
  maxNeighbours: number;
  seconds: number;
  metrics: { k: number; customers: number; crossSell: ModeMetrics; nextProducts: ModeMetrics } | null;
}

export interface SwitchChange {
  id: string;
  stopped: boolean;
  reason: string;
  at: string;
  by: string;
}

export interface RecommendationsOverview {
  model: RecommendationModel | null;
  trainings: RecommendationModel[];
  switch: { stopped: boolean; at: string | null; by: string | null; reason: string | null };
  history: SwitchChange[];
}
