import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { revealListedPii, rootOf, viewPii } from '../../customers/index.ts';
import { listTaggedCustomerRows } from './tags.repository.ts';

/** The customer a tag lives on: the root of the record asked for (tags follow merges). */
export const tagRoot = async (trx: Trx | Db, customerId: string): Promise<string> => {
  const root = await rootOf(trx as Trx, customerId);
  if (!root) throw new AppError('customers.not_found', `no customer ${customerId}`);
  return root;
};

const manualTag = async (trx: Trx, tagId: string) => {
  const tag = await trx.selectFrom('tag_definition').select(['id', 'name', 'kind', 'archived_at']).where('id', '=', tagId).executeTakeFirst();
  if (!tag) throw new AppError('tags.not_found', `no tag ${tagId}`, { fields: [{ path: 'tagId', message: 'no such tag' }] });
  if (tag.kind !== 'manual') {
    throw new AppError('tags.not_manual', `tag ${tagId} is ${tag.kind}: its evaluation sets it, people do not`, {
      fields: [{ path: 'tagId', message: 'only manual tags are added or removed by hand' }],
    });
  }
  return tag;
};

/** A person puts a manual tag on a customer: recorded in the tag history and the audit log. Idempotent. */
export const addManualTag = async (
  trx: Trx,
  clock: Clock,
  actor: Actor,
  input: { customerId: string; tagId: string; reason?: string },
): Promise<{ customerId: string; added: boolean }> => {
  const customerId = await tagRoot(trx, input.customerId);
  const tag = await manualTag(trx, input.tagId);
  if (tag.archived_at) {
    throw new AppError('tags.archived', `tag ${tag.name} is archived; restore it before assigning it`, {
      fields: [{ path: 'tagId', message: 'archived tags are not assigned' }],
    });
  }
  const now = clock.now();
  const inserted = await trx
    .insertInto('customer_tag')
    .values({ customer_id: customerId, tag_id: input.tagId, assigned_at: now, assigned_by: actor.label, reason: input.reason ?? null, evidence: '{}' })
    .onConflict((oc) => oc.columns(['customer_id', 'tag_id']).doNothing())
    .returning('customer_id')
    .executeTakeFirst();
  if (!inserted) return { customerId, added: false };
  await trx
    .insertInto('tag_history')
    .values({
      customer_id: customerId,
      tag_id: input.tagId,
      action: 'add',
      at: now,
      actor_type: actor.type === 'user' ? 'user' : actor.type === 'cli' ? 'cli' : 'system',
      actor_id: actor.id,
      actor_label: actor.label,
      reason: input.reason ?? null,
      evidence: '{}',
    })
    .execute();
  await recordAudit(trx, clock, actor, { action: 'customer.tag_add', subjectType: 'customer', subjectId: customerId, details: { tagId: input.tagId } });
  return { customerId, added: true };
};

/** A person takes a manual tag off a customer: recorded in the tag history and the audit log. */
export const removeManualTag = async (trx: Trx, clock: Clock, actor: Actor, input: { customerId: string; tagId: string; reason?: string }): Promise<void> => {
  const customerId = await tagRoot(trx, input.customerId);
  await manualTag(trx, input.tagId);
  const removed = await trx
    .deleteFrom('customer_tag')
    .where('customer_id', '=', customerId)
    .where('tag_id', '=', input.tagId)
    .returning('customer_id')
    .executeTakeFirst();
  if (!removed) throw new AppError('tags.not_found', `customer ${customerId} does not hold tag ${input.tagId}`);
  await trx
    .insertInto('tag_history')
    .values({
      customer_id: customerId,
      tag_id: input.tagId,
      action: 'remove',
      at: clock.now(),
      actor_type: actor.type === 'user' ? 'user' : actor.type === 'cli' ? 'cli' : 'system',
      actor_id: actor.id,
      actor_label: actor.label,
      reason: input.reason ?? null,
      evidence: '{}',
    })
    .execute();
  await recordAudit(trx, clock, actor, { action: 'customer.tag_remove', subjectType: 'customer', subjectId: customerId, details: { tagId: input.tagId } });
};

export type TaggedCustomer = {
  id: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  orderCount: number;
  totalSpentFen: number;
  lastOrderAt: Date | null;
  assignedAt: Date;
};

/** Customers holding a tag; personal data masked without customers:read_pii, and an unmasked page is audited. */
export const listTaggedCustomers = async (
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { tagId: string; page: number; pageSize: number },
): Promise<{ items: TaggedCustomer[]; total: number; masked: boolean }> => {
  const tag = await db.selectFrom('tag_definition').select('id').where('id', '=', input.tagId).executeTakeFirst();
  if (!tag) throw new AppError('tags.not_found', `no tag ${input.tagId}`);
  const { rows, total } = await listTaggedCustomerRows(db, input.tagId, input.page, input.pageSize);
  const reveal = await revealListedPii(
    db,
    clock,
    actor,
    rows.map((r) => r.id),
    { tagId: input.tagId },
  );
  return {
    total,
    masked: !reveal,
    items: rows.map((r) => ({
      id: r.id,
      ...viewPii(r, reveal),
      orderCount: r.order_count ?? 0,
      totalSpentFen: r.total_spent_fen ?? 0,
      lastOrderAt: r.last_order_at,
      assignedAt: r.assigned_at,
    })),
  };
};
