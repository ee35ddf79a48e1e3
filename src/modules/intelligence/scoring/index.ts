/** C3 scoring: CLV (BG/NBD + Gamma-Gamma), value × potential and churn early warning, stored per root customer. */

export type { ChurnFeatureKey } from './churn-features.ts';
/** The churn features, their keys and the words the CLI uses for them. */
export { CHURN_FEATURE_KEYS, CHURN_FEATURES } from './churn-features.ts';
export { type CustomerScores, getCustomerScores } from './customer-scores.ts';
export { type ChurnRiskItem, listChurnRisk } from './list-churn-risk.ts';
/** Model runs: history, the latest per kind. */
export { latestRuns, listRuns, type ModelRun } from './model-runs.repository.ts';
/** Run a model in this process (CLI, demo), or queue it for the worker inside a transaction. */
export { localDay, queueModelRun, type RunOptions, runModelNow, type ScoringDeps, scoreDemoCompany } from './run-model.ts';
export { type ChurnDiagnostics, scoreChurn } from './score-churn.ts';
export { type ClvDiagnostics, QUADRANTS, type Quadrant, scoreClv } from './score-clv.ts';
export type { ScoringErrorCode } from './scoring.errors.ts';
/** Jobs: `scoring:run` (a queued run) and `scoring:tick` (queues the daily CLV and weekly churn runs). */
export { queueDueRuns, scoringJobs } from './scoring.jobs.ts';
export { scoringRoutes } from './scoring.routes.ts';
export type { ModelKind, ModelRunTrigger } from './scoring.tables.ts';
export { DEFAULT_SCORING_SETTINGS, loadScoringSettings, SCORING_SETTINGS_KEY, type ScoringSettings, ScoringSettingsSchema } from './scoring-settings.ts';
export { listValuePotential, valuePotentialSummary } from './value-potential.ts';
