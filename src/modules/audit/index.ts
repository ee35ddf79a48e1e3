/** Append-only, hash-chained audit log of every change and every read of personal data. */

export type { AuditErrorCode } from './audit.errors.ts';
export { auditRoutes } from './audit.routes.ts';
export { type AuditEntry, type AuditFilter, listAudit, listAuditActions } from './list-audit.ts';
export { type AuditActor, type AuditInput, recordAudit } from './record-audit.ts';
export { type ChainProblem, type ChainReport, verifyAuditChain } from './verify-audit-chain.ts';
