import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { awardPoints, type LoyaltyCtx } from './award-points.ts';
import { checkOperationLimit, withIssuanceAlerts } from './issuance-guard.ts';
import { lockAccount } from './ledger.repository.ts';
import type { BulkGrant, GrantStatus } from './loyalty.shared.ts';
import type { LoyaltySettings } from './loyalty-settings.ts';

export type { BulkGrant } from './loyalty.shared.ts';

const actorKey = (actor: Actor): string => (actor.id ? `${actor.type}:${actor.id}` : `${actor.type}:${actor.label}`);
const grantKey = (grantId: string) => `grant:${grantId}`;

export const getGrant = async (db: Db | Trx, id: string): Promise<BulkGrant> => {
  const row = await db.selectFrom('loyalty_grant').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('loyalty.grant_not_found', `no bulk grant ${id}`);
  const granted = await sql<{ n: number }>`
    select count(*)::bigint as n from loyalty_grant_target t
    join loyalty_movement m on m.customer_id = t.customer_id and m.idempotency_key = ${grantKey(id)}
    where t.grant_id = ${id}`.execute(db);
  return {
    id: row.id,
    title: row.title,
    reason: row.reason,
    pointsEach: Number(row.points_each),
    targetCount: row.target_count,
    totalPoints: Number(row.points_each) * row.target_count,
    status: row.status,
    needsApproval: row.decided_by !== null || row.status === 'pending_approval',
    requestedBy: row.requested_by,
    requestedByLabel: row.requested_by_label,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    granted: Number(granted.rows[0]?.n ?? 0),
  };
};

export const listGrants = async (db: Db, options: { status?: GrantStatus } = {}): Promise<BulkGrant[]> => {
  let q = db.selectFrom('loyalty_grant').select('id').orderBy('created_at', 'desc').limit(100);
  if (options.status) q = q.where('status', '=', options.status);
  const rows = await q.execute();
  return Promise.all(rows.map((r) => getGrant(db, r.id)));
};

/**
 * Records a bulk grant and its targets. Above the approval threshold it waits for a second person;
 * below it is approved at once. Nothing is issued here: runBulkGrant issues, resumably.
 */
export const createBulkGrant = async (
  trx: Trx,
  clock: Clock,
  settings: LoyaltySettings,
  actor: Actor,
  input: { title: string; reason: string; pointsEach: number; customerIds: string[] },
): Promise<BulkGrant> => {
  checkOperationLimit(settings, input.pointsEach);
  const ids = [...new Set(input.customerIds)];
  if (ids.length === 0) throw new AppError('request.invalid', 'name at least one customer', { fields: [{ path: 'customerIds', message: 'empty' }] });
  const now = clock.now();
  const id = newId('lgr', now);
  const total = input.pointsEach * ids.length;
  const needsApproval = total > settings.guards.bulkApprovalThreshold;
  await trx
    .insertInto('loyalty_grant')
    .values({
      id,
      title: input.title,
      reason: input.reason,
      points_each: input.pointsEach,
      target_count: 0,
      status: needsApproval ? 'pending_approval' : 'approved',
      requested_by: actorKey(actor),
      requested_by_label: actor.label,
      created_at: now,
    })
    .execute();
  const inserted = await sql`
    insert into loyalty_grant_target (customer_id, grant_id)
    select c.id, ${id} from customer c where c.id = any(${ids}::text[])`.execute(trx);
  const found = Number(inserted.numAffectedRows ?? 0);
  if (found !== ids.length) {
    throw new AppError('customers.not_found', `${ids.length - found} of the customers do not exist`, {
      fields: [{ path: 'customerIds', message: 'unknown customers' }],
    });
  }
  await trx.updateTable('loyalty_grant').set({ target_count: found }).where('id', '=', id).execute();
  await recordAudit(trx, clock, actor, {
    action: 'loyalty.grant_create',
    subjectType: 'loyalty_grant',
    subjectId: id,
    details: { pointsEach: input.pointsEach, customers: found, total, needsApproval },
  });
  return getGrant(trx, id);
};

/** The second person approves or rejects; the requester cannot approve their own grant. */
export const decideBulkGrant = async (trx: Trx, clock: Clock, actor: Actor, id: string, approve: boolean): Promise<BulkGrant> => {
  const row = await trx.selectFrom('loyalty_grant').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('loyalty.grant_not_found', `no bulk grant ${id}`);
  if (row.status !== 'pending_approval') throw new AppError('loyalty.grant_state', `grant ${id} is ${row.status}, not awaiting approval`);
  if (row.requested_by === actorKey(actor)) throw new AppError('loyalty.same_approver', 'a second person must approve a bulk grant');
  await trx
    .updateTable('loyalty_grant')
    .set({ status: approve ? 'approved' : 'rejected', decided_by: actorKey(actor), decided_at: clock.now() })
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, clock, actor, {
    action: approve ? 'loyalty.grant_approve' : 'loyalty.grant_reject',
    subjectType: 'loyalty_grant',
    subjectId: id,
    details: { total: Number(row.points_each) * row.target_count },
  });
  return getGrant(trx, id);
};

/**
 * Issues an approved grant batch by batch (one transaction each). Each target is keyed
 * `grant:<id>`, so a run killed at any point is resumed by running again: targets already granted
 * are skipped, none is granted twice.
 */
export const runBulkGrant = async (
  db: Db,
  ctx: LoyaltyCtx,
  id: string,
  options: { batchSize?: number; onBatch?: (granted: number, total: number) => void } = {},
): Promise<BulkGrant> => {
  const batchSize = options.batchSize ?? 200;
  const grant = await getGrant(db, id);
  if (grant.status === 'done') return grant;
  if (grant.status !== 'approved' && grant.status !== 'running') {
    throw new AppError('loyalty.grant_state', `grant ${id} is ${grant.status}; it must be approved first`);
  }
  await db.updateTable('loyalty_grant').set({ status: 'running' }).where('id', '=', id).execute();
  const key = grantKey(id);
  let granted = grant.granted;
  for (;;) {
    const targets = await sql<{ customer_id: string }>`
      select t.customer_id from loyalty_grant_target t
      where t.grant_id = ${id}
        and not exists (select 1 from loyalty_movement m where m.customer_id = t.customer_id and m.idempotency_key = ${key})
      order by t.customer_id limit ${batchSize}`.execute(db);
    if (targets.rows.length === 0) break;
    const n = await withIssuanceAlerts(db, ctx.clock, () =>
      db.transaction().execute(async (trx) => {
        const now = ctx.clock.now();
        // Accounts first, in key order (like every multi-account transaction), then the budget row.
        for (const t of targets.rows) await lockAccount(trx, t.customer_id, now);
        let fresh = 0;
        for (const t of targets.rows) {
          const r = await awardPoints(trx, ctx, {
            customerId: t.customer_id,
            points: grant.pointsEach,
            key,
            kind: 'grant',
            reason: grant.reason,
            refType: 'grant',
            refId: id,
            actor: grant.requestedBy,
            approved: grant.needsApproval,
          });
          if (!r.replayed) fresh++;
        }
        return fresh;
      }),
    );
    granted += n;
    options.onBatch?.(granted, grant.targetCount);
  }
  await db.updateTable('loyalty_grant').set({ status: 'done', finished_at: ctx.clock.now() }).where('id', '=', id).execute();
  return getGrant(db, id);
};
