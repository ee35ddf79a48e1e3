import type { Selectable } from 'kysely';
import type { Db } from '../../platform/db.ts';
import type { AuditEntry } from './audit.shared.ts';
import type { AuditLogTable } from './audit.tables.ts';

export type { AuditEntry } from './audit.shared.ts';

export type AuditFilter = {
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
  page: number;
  pageSize: number;
};

export const listAudit = async (db: Db, f: AuditFilter): Promise<{ items: AuditEntry[]; total: number }> => {
  let q = db.selectFrom('audit_log');
  if (f.actor) q = q.where((eb) => eb.or([eb('actor_id', '=', f.actor as string), eb('actor_label', 'ilike', `%${f.actor}%`)]));
  if (f.action) q = q.where('action', '=', f.action);
  if (f.subjectType) q = q.where('subject_type', '=', f.subjectType);
  if (f.subjectId) q = q.where('subject_id', '=', f.subjectId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map(toAuditEntry),
  };
};

/** Maps a stored row to an AuditEntry. */
export const toAuditEntry = (r: Selectable<AuditLogTable>): AuditEntry => ({
  seq: r.seq,
  id: r.id,
  at: r.at,
  actorType: r.actor_type,
  actorId: r.actor_id,
  actorLabel: r.actor_label,
  action: r.action,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  ip: r.ip,
  userAgent: r.user_agent,
  details: r.details,
});

export const listAuditActions = async (db: Db): Promise<string[]> =>
  (await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute()).map((r) => r.action);
