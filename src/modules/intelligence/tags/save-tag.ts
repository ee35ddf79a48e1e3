import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { availableTables } from './compile-tag.ts';
import { definitionJson, parseTagDefinition, storedDefinition } from './tag-definition.ts';
import { getTagDefinition, type TagDefinition } from './tags.repository.ts';
import type { TagKind } from './tags.tables.ts';

export type TagInput = { name: string; description?: string; colour: string; kind: TagKind; rule?: unknown; behaviour?: unknown };
export type TagPatch = { name?: string; description?: string; colour?: string; rule?: unknown; behaviour?: unknown };

const assertNameFree = async (trx: Trx, name: string, exceptId?: string) => {
  const clash = await trx
    .selectFrom('tag_definition')
    .select('id')
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .$if(exceptId !== undefined, (q) => q.where('id', '<>', exceptId as string))
    .executeTakeFirst();
  if (clash) throw new AppError('tags.name_taken', `a tag named ${name} exists`, { fields: [{ path: 'name', message: 'already used by another tag' }] });
};

/** Creates a tag definition; rule and behaviour are validated with errors naming the field. Audited. */
export const createTag = async (trx: Trx, clock: Clock, actor: Actor, input: TagInput): Promise<TagDefinition> => {
  const definition = parseTagDefinition(input.kind, input, await availableTables(trx));
  await assertNameFree(trx, input.name);
  const now = clock.now();
  const id = newId('tag', now);
  await trx
    .insertInto('tag_definition')
    .values({
      id,
      name: input.name,
      description: input.description ?? '',
      colour: input.colour,
      kind: input.kind,
      definition: JSON.stringify(definitionJson(definition)),
      created_at: now,
      created_by: actor.label,
      updated_at: now,
      updated_by: actor.label,
      evaluated_at: null,
      evaluation: null,
    })
    .execute();
  await recordAudit(trx, clock, actor, { action: 'tag.create', subjectType: 'tag', subjectId: id, details: { kind: input.kind } });
  return getTagDefinition(trx, id);
};

/** Changes a tag's name, description, colour or definition (its kind stays). Audited. */
export const updateTag = async (trx: Trx, clock: Clock, actor: Actor, id: string, patch: TagPatch): Promise<TagDefinition> => {
  const row = await trx.selectFrom('tag_definition').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('tags.not_found', `no tag ${id}`);
  const changesDefinition = patch.rule !== undefined || patch.behaviour !== undefined;
  const definition = changesDefinition ? parseTagDefinition(row.kind, patch, await availableTables(trx)) : storedDefinition(row.kind, row.definition);
  if (patch.name !== undefined) await assertNameFree(trx, patch.name, id);
  await trx
    .updateTable('tag_definition')
    .set({
      name: patch.name ?? row.name,
      description: patch.description ?? row.description,
      colour: patch.colour ?? row.colour,
      definition: JSON.stringify(definitionJson(definition)),
      updated_at: clock.now(),
      updated_by: actor.label,
    })
    .where('id', '=', id)
    .execute();
  const fields = Object.keys(patch).filter((k) => patch[k as keyof TagPatch] !== undefined);
  await recordAudit(trx, clock, actor, { action: 'tag.update', subjectType: 'tag', subjectId: id, details: { fields } });
  return getTagDefinition(trx, id);
};
