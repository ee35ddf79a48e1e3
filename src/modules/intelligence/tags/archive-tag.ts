import type { Clock } from '../../../platform/clock.ts';
import type { Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { getTagDefinition, type TagDefinition } from './tags.repository.ts';

const lockTag = async (trx: Trx, id: string) => {
  const row = await trx.selectFrom('tag_definition').select(['id', 'name', 'archived_at']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('tags.not_found', `no tag ${id}`);
  return row;
};

/**
 * Archives a tag: it is no longer evaluated and no longer offered for new assignments; the customers who
 * hold it keep it (frozen) and its history stays. Archiving an archived tag changes nothing. Audited.
 */
export const archiveTag = async (trx: Trx, clock: Clock, actor: Actor, id: string): Promise<TagDefinition> => {
  const row = await lockTag(trx, id);
  if (!row.archived_at) {
    await trx.updateTable('tag_definition').set({ archived_at: clock.now(), archived_by: actor.label }).where('id', '=', id).execute();
    await recordAudit(trx, clock, actor, { action: 'tag.archive', subjectType: 'tag', subjectId: id, details: { name: row.name } });
  }
  return getTagDefinition(trx, id);
};

/** Restores an archived tag: evaluated again from the next run on, offered for assignments again. Audited. */
export const restoreTag = async (trx: Trx, clock: Clock, actor: Actor, id: string): Promise<TagDefinition> => {
  const row = await lockTag(trx, id);
  if (row.archived_at) {
    await trx.updateTable('tag_definition').set({ archived_at: null, archived_by: null }).where('id', '=', id).execute();
    await recordAudit(trx, clock, actor, { action: 'tag.restore', subjectType: 'tag', subjectId: id, details: { name: row.name } });
  }
  return getTagDefinition(trx, id);
};
