import type { Clock } from '../../../platform/clock.ts';
import type { Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';

/**
 * Deletes a tag that was never assigned to anyone (a mistake, a draft). A tag with any history is
 * archived instead, so the record of who held it, when and why is never lost. Audited.
 */
export const deleteTag = async (trx: Trx, clock: Clock, actor: Actor, id: string): Promise<void> => {
  const row = await trx.selectFrom('tag_definition').select(['id', 'name', 'kind']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('tags.not_found', `no tag ${id}`);
  const assigned = await trx.selectFrom('tag_history').select('customer_id').where('tag_id', '=', id).limit(1).executeTakeFirst();
  const held = await trx.selectFrom('customer_tag').select('customer_id').where('tag_id', '=', id).limit(1).executeTakeFirst();
  if (assigned || held) throw new AppError('tags.in_use', `tag ${row.name} was assigned to customers; archive it instead of deleting it`);
  await trx.deleteFrom('tag_definition').where('id', '=', id).execute();
  await recordAudit(trx, clock, actor, { action: 'tag.delete', subjectType: 'tag', subjectId: id, details: { name: row.name, kind: row.kind } });
};
