import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit.shared.ts';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so jsonb's own key order cannot change a hash. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

/** What the hash chain covers: the whole entry. */
export type HashedFields = AuditEntry;

export const auditRowHash = (prevHash: string, f: HashedFields): string =>
  createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(
      canonicalJson([
        f.seq,
        f.id,
        f.at.toISOString(),
        f.actorType,
        f.actorId,
        f.actorLabel,
        f.action,
        f.subjectType,
        f.subjectId,
        f.ip,
        f.userAgent,
        f.details,
      ]),
    )
    .digest('hex');
