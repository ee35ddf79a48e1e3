/** The identity graph: identifiers → customers, merge rules and history, unmerge, golden-record rules. */

export { identifierLockBudget } from './identifier-locks.ts';
export type { IdentityErrorCode } from './identity.errors.ts';
export { identityJobs } from './identity.jobs.ts';
export { identityRoutes } from './identity.routes.ts';
export {
  enqueueIdentityMeasurement,
  type IdentityMeasurement,
  type IdentityMetrics,
  identityMeasurementHistory,
  identityMeasurementPending,
  identityMetrics,
  latestIdentityMeasurement,
  measureIdentity,
} from './identity-metrics.ts';
export {
  DEFAULT_IDENTITY_RULES,
  IDENTIFIER_TYPES,
  IDENTITY_RULES_KEY,
  type IdentifierType,
  type IdentityRules,
  IdentityRulesSchema,
  loadIdentityRules,
  SURVIVORSHIP,
} from './identity-rules.ts';
export { listMerges, type MergeRecord, mergeCustomers, undoMerge } from './merge-customers.ts';
export { type Identifier, normalizeIdentifier } from './normalize-identifier.ts';
export { type ReresolutionReport, reresolveAll } from './reresolve-all.ts';
export { type Resolution, type ResolveInput, resolveIdentities } from './resolve-identities.ts';
