/**
 * C3 segmentation: RFM scores, value tiers under a preset scheme (annual review 头部/腰部/长尾, loyalty
 * study), lifecycle stages, their history, and `customer.tier_changed` / `customer.lifecycle_changed` domain events. Computed set-based
 * in SQL by one run (scheduled quarterly by default, or on demand).
 */

export {
  enqueueRetier,
  RETIER_TASK,
  /** One run with the stored settings and the active scheme, in its own transaction. */
  retier,
  SCHEDULE_TASK,
} from './retier.ts';
export {
  LIFECYCLE_CHANGED_TOPIC,
  type RfmCutPoints,
  type RunSegmentationOptions,
  type RunSummary,
  /** Scores, tiers and stages of every root customer in the caller's transaction. */
  runSegmentation,
  type SegmentationRun,
  TIER_CHANGED_TOPIC,
} from './run-segmentation.ts';
export type { SegmentationErrorCode } from './segmentation.errors.ts';
export { segmentationJobs } from './segmentation.jobs.ts';
export { segmentationRoutes } from './segmentation.routes.ts';
export type { LifecycleStage, RunTrigger, SchemePreset } from './segmentation.tables.ts';
export {
  type CurrentTier,
  type CustomerSegment,
  /** Current tier of each given root customer (table `tier_customer`: customer_id, scheme_id, tier, since, reason). */
  getCurrentTiers,
  /** Tier, stage, RFM and history of one customer (merged records answer for their root). */
  getCustomerSegment,
  getValueDashboard,
  listRuns,
  type RunRecord,
} from './segmentation-queries.ts';
export {
  DEFAULT_SEGMENTATION_SETTINGS,
  loadSegmentationSettings,
  type SegmentationSettings,
  SegmentationSettingsSchema,
  updateSegmentationSettings,
} from './settings.ts';
export {
  activateTierScheme,
  /** The scheme re-tiering uses; other modules filter by its tiers. */
  getActiveTierScheme,
  listTierSchemes,
  PRESETS,
  presetTiers,
  type TierScheme,
  type TierSchemeConfig,
  updateTierScheme,
} from './tier-schemes.ts';
