export type AuditErrorCode = 'audit.chain_broken';
