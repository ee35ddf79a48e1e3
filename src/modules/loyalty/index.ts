/** Membership & loyalty (C5): members and tiers, the points ledger, guards, benefits, care. */
export { type AwardInput, awardPoints, type LoyaltyCtx, type MovementResult } from './award-points.ts';
export { type Benefit, createBenefit, listBenefits, type Redemption, redeemBenefit } from './benefits.ts';
export { type BulkGrant, createBulkGrant, decideBulkGrant, getGrant, listGrants, runBulkGrant } from './bulk-grants.ts';
export { seedDemoLoyalty } from './demo-loyalty.ts';
export { expirePoints } from './expire-points.ts';
export { recordAlert as recordLoyaltyAlert } from './issuance-guard.ts';
export { type Balances, readBalances } from './ledger.repository.ts';
export type { LoyaltyErrorCode } from './loyalty.errors.ts';
export { loyaltyJobs } from './loyalty.jobs.ts';
export { loyaltyRoutes } from './loyalty.routes.ts';
export { DEFAULT_LOYALTY_SETTINGS, LOYALTY_SETTINGS_KEY, type LoyaltySettings, LoyaltySettingsSchema, loadLoyaltySettings } from './loyalty-settings.ts';
export { enrolMember, evaluateTiers, findMember, type Member } from './members.ts';
export { grantMilestones } from './milestones.ts';
export { earnOrderPoints, reverseRefundPoints, syncOrderPoints } from './order-points.ts';
export { type ReconcileReport, reconcile } from './reconcile.ts';
export { recordActivity } from './record-activity.ts';
export { redeemPoints } from './redeem-points.ts';
