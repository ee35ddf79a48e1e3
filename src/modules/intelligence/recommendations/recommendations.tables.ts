import type { ColumnType } from 'kysely';

export interface RecommendationModelTable {
  id: string;
  purpose: 'serving' | 'evaluation';
  trained_at: Date;
  trained_by: string;
  baskets: number;
  items: number;
  pairs: number;
  max_neighbours: number;
  seconds: number;
  metrics: ColumnType<Record<string, unknown>, string, string>;
}

export interface RecommendationItemTable {
  model_id: string;
  item: string;
  name: string;
  baskets: number;
  popular_rank: number;
}

export interface RecommendationNeighbourTable {
  model_id: string;
  item: string;
  rank: number;
  other: string;
  score: number;
}

export interface RecommendationSwitchTable {
  id: string;
  stopped: boolean;
  reason: string;
  at: Date;
  actor_id: string | null;
  actor_label: string;
}

export interface RecommendationsTables {
  recommendation_model: RecommendationModelTable;
  recommendation_item: RecommendationItemTable;
  recommendation_neighbour: RecommendationNeighbourTable;
  recommendation_switch: RecommendationSwitchTable;
}
