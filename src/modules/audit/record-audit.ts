import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Trx } from '../../platform/db.ts';
import { newId } from '../../platform/ids.ts';
import type { ActorType } from './audit.tables.ts';
import { auditRowHash, GENESIS_HASH } from './audit-hash.ts';

/** The part of an actor the audit log records; auth's Actor satisfies it. */
export type AuditActor = { type: ActorType; id: string | null; label: string | null; ip: string | null; userAgent: string | null };

// Serialises appends so each row can carry its predecessor's hash; held only until the caller commits.
const CHAIN_LOCK = 7_361_001;

export type AuditInput = {
  action: string;
  subjectType?: string;
  subjectId?: string;
  /** What happened, never personal data values: field names, counts, ids. */
  details?: Record<string, unknown>;
};

/** Appends one entry to the hash chain, inside the caller's transaction (it commits with the change). */
export const recordAudit = async (trx: Trx, clock: Clock, actor: AuditActor, input: AuditInput): Promise<{ seq: number; hash: string }> => {
  await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields = {
    seq,
    id: newId('aud'),
    at: clock.now(),
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    action: input.action,
    subjectType: input.subjectType ?? null,
    subjectId: input.subjectId ?? null,
    ip: actor.ip,
    userAgent: actor.userAgent,
    details: input.details ?? {},
  };
  const hash = auditRowHash(prevHash, fields);
  await trx
    .insertInto('audit_log')
    .values({
      seq,
      id: fields.id,
      at: fields.at,
      actor_type: fields.actorType,
      actor_id: fields.actorId,
      actor_label: fields.actorLabel,
      action: fields.action,
      subject_type: fields.subjectType,
      subject_id: fields.subjectId,
      ip: fields.ip,
      user_agent: fields.userAgent,
      details: JSON.stringify(fields.details),
      prev_hash: prevHash,
      hash,
    })
    .execute();
  return { seq, hash };
};
