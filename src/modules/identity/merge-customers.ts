import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { publish } from '../../platform/outbox.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { clusterIdentifiers, detachRecord, refreshCustomerStats, refreshGoldenRecords, repointRoot } from '../customers/index.ts';
import type { IdentifierType, IdentityRules } from './identity-rules.ts';

// Merges and unmerges of any customers are serialised: they re-point whole clusters.
const GRAPH_LOCK = 7_361_010;

export type MergeRecord = {
  id: string;
  winnerId: string;
  loserId: string;
  rule: string;
  evidence: Record<string, unknown>;
  mergedAt: Date;
  mergedBy: string;
  undoneAt: Date | null;
  undoneBy: string | null;
};

const toMerge = (r: {
  id: string;
  winner_id: string;
  loser_id: string;
  rule: string;
  evidence: Record<string, unknown>;
  merged_at: Date;
  merged_by: string;
  undone_at: Date | null;
  undone_by: string | null;
}): MergeRecord => ({
  id: r.id,
  winnerId: r.winner_id,
  loserId: r.loser_id,
  rule: r.rule,
  evidence: r.evidence,
  mergedAt: r.merged_at,
  mergedBy: r.merged_by,
  undoneAt: r.undone_at,
  undoneBy: r.undone_by,
});

/** A person decides two customers are one (the rules did not link them). The single-value limits still hold. */
export const mergeCustomers = async (
  trx: Trx,
  clock: Clock,
  actor: Actor,
  rules: IdentityRules,
  input: { winnerId: string; loserId: string; reason?: string },
): Promise<MergeRecord> => {
  await sql`select pg_advisory_xact_lock(${GRAPH_LOCK})`.execute(trx);
  const rows = await trx.selectFrom('customer').select(['id', 'root_id']).where('id', 'in', [input.winnerId, input.loserId]).forUpdate().execute();
  const winner = rows.find((r) => r.id === input.winnerId);
  const loser = rows.find((r) => r.id === input.loserId);
  if (!winner || !loser) throw new AppError('customers.not_found', 'both customers must exist');
  if (winner.root_id !== winner.id || loser.root_id !== loser.id) {
    throw new AppError('identity.not_a_root', 'merge the customers their records belong to (both must be unmerged roots)');
  }
  if (winner.id === loser.id) throw new AppError('identity.merge_conflict', 'a customer cannot be merged into itself');
  const ids = await clusterIdentifiers(trx, [winner.id, loser.id]);
  for (const [type, limit] of Object.entries(rules.maxPerCustomer) as [IdentifierType, number][]) {
    const values = new Set(ids.filter((i) => i.type === type).map((i) => i.value));
    if (limit === 1 && values.size > 1) {
      throw new AppError('identity.merge_conflict', `the customers have different ${type} values; the rules never merge those`);
    }
  }
  const now = clock.now();
  await repointRoot(trx, loser.id, winner.id, now);
  const row = await trx
    .insertInto('identity_merge')
    .values({
      id: newId('mrg', now),
      winner_id: winner.id,
      loser_id: loser.id,
      rule: 'manual',
      evidence: JSON.stringify(input.reason ? { reason: input.reason } : {}),
      merged_at: now,
      merged_by: actor.label,
      undone_at: null,
      undone_by: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await refreshGoldenRecords(trx, [winner.id], rules.survivorship);
  await refreshCustomerStats(trx, { customerIds: [winner.id, loser.id] });
  await recordAudit(trx, clock, actor, {
    action: 'customer.merge',
    subjectType: 'customer',
    subjectId: winner.id,
    details: { loserId: loser.id, mergeId: row.id },
  });
  await publish(trx, { topic: 'customer.merged', customerId: winner.id, payload: { winnerId: winner.id, loserId: loser.id, mergeId: row.id } });
  return toMerge(row);
};

/**
 * Undoes a merge: the loser and everything merged into it become their own customer again, with their
 * own events, orders, identifiers and values; both golden records and summaries are recomputed.
 */
export const undoMerge = async (trx: Trx, clock: Clock, actor: Actor, rules: IdentityRules, mergeId: string): Promise<MergeRecord> => {
  await sql`select pg_advisory_xact_lock(${GRAPH_LOCK})`.execute(trx);
  const merge = await trx.selectFrom('identity_merge').selectAll().where('id', '=', mergeId).forUpdate().executeTakeFirst();
  if (!merge) throw new AppError('identity.merge_not_found', `no merge ${mergeId}`);
  if (merge.undone_at) throw new AppError('identity.already_undone', `merge ${mergeId} was undone already`);
  const before = await trx.selectFrom('customer').select('root_id').where('id', '=', merge.winner_id).executeTakeFirstOrThrow();
  await detachRecord(trx, merge.loser_id);
  const now = clock.now();
  const row = await trx
    .updateTable('identity_merge')
    .set({ undone_at: now, undone_by: actor.label })
    .where('id', '=', mergeId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const roots = [before.root_id, merge.loser_id];
  await refreshGoldenRecords(trx, roots, rules.survivorship);
  await refreshCustomerStats(trx, { customerIds: roots });
  await recordAudit(trx, clock, actor, {
    action: 'customer.unmerge',
    subjectType: 'customer',
    subjectId: merge.winner_id,
    details: { loserId: merge.loser_id, mergeId },
  });
  await publish(trx, { topic: 'customer.unmerged', customerId: merge.loser_id, payload: { winnerId: merge.winner_id, loserId: merge.loser_id, mergeId } });
  return toMerge(row);
};

export const listMerges = async (trx: Trx, rootId: string): Promise<MergeRecord[]> => {
  const rows = await trx
    .selectFrom('identity_merge')
    .selectAll()
    .where((eb) => eb.or([eb('winner_id', 'in', eb.selectFrom('customer').select('id').where('root_id', '=', rootId)), eb('loser_id', '=', rootId)]))
    .orderBy('merged_at', 'desc')
    .execute();
  return rows.map(toMerge);
};
