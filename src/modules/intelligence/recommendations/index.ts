/**
 * Recommendations (cross-sell): an item-to-item co-occurrence model trained in SQL from the order lines,
 * served per customer, measured on held-out last orders, with an emergency stop (算法紧急制动).
 */

export { listSwitchHistory, readSwitch, type SwitchChange, type SwitchState, setEmergencyStop } from './emergency-stop.ts';
export { evaluateOnHoldout, type HoldoutMetrics, type ListMetrics, type ModeMetrics } from './evaluate-model.ts';
export type { RecommendationsErrorCode } from './recommendations.errors.ts';
export { recommendationsJobs, TRAIN_RECOMMENDATIONS_TASK } from './recommendations.jobs.ts';
export { recommendationsRoutes } from './recommendations.routes.ts';
export {
  /** Next products for a customer (personalised unless stopped; says which mode served it). */
  recommendationsFor,
  type ServedRecommendations,
  type ServingMode,
  type ServingReason,
} from './serve-recommendations.ts';
export { fitModelInSql, loadSimilarity } from './train-model.ts';
export { latestModel, listTrainings, type ModelSummary, trainRecommendations } from './train-recommendations.ts';
