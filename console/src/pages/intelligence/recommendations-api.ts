// Shapes of the recommendations API; modes and the shapes the server shares come from its recommendations.shared.ts.

import type * as recommendations from '../../../../src/modules/intelligence/recommendations/recommendations.shared';
import type { Wire } from '../../api/wire';

export {
  type ListMetrics,
  type ModeMetrics,
  SERVING_MODES,
  SERVING_REASONS,
  type ServedRecommendations,
  type ServingMode,
  type ServingReason,
} from '../../../../src/modules/intelligence/recommendations/recommendations.shared';

export type RecommendationModel = Wire<recommendations.ModelSummary>;
export type SwitchChange = Wire<recommendations.SwitchChange>;

export interface RecommendationsOverview {
  model: RecommendationModel | null;
  trainings: RecommendationModel[];
  switch: Wire<recommendations.SwitchState>;
  history: SwitchChange[];
}
