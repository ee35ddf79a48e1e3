import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import { compileDefinition } from './compile-tag.ts';
import { describeDefinition, storedDefinition } from './tag-definition.ts';
import type { TagEvaluation } from './tags.repository.ts';
import type { TagKind } from './tags.tables.ts';

export type TagEvaluationResult = TagEvaluation & { tagId: string };

/** Who started an evaluation: the scheduled job, or a person pressing "run now" (audited). */
const triggerLabel = (actor: Actor) => (actor.type === 'user' ? `${actor.label} (run now)` : actor.label);

type Scope = {
  /** Only these customers are (re-)tested; customers outside keep what they hold. */
  customerIds: string[];
  /** Put before the reason in the history, e.g. "after merge mrg_…". */
  reasonPrefix: string;
  /**
   * Per customer (same order as `customerIds`), the trigger label and reason prefix written instead of
   * `label` and `reasonPrefix`: one statement re-tests customers touched by different merges.
   */
  causes?: { labels: string[]; reasonPrefixes: string[] };
};

/**
 * One statement for one rule or behavioural tag: customers who now match and lack the tag get it,
 * customers who hold it and no longer match lose it, and both are written to the history with the
 * trigger, the time and the reason (the rule as it stood, and the values that matched). With a scope,
 * only those customers are tested (a merge or unmerge changed their data).
 */
export const applyTagEvaluation = async (
  trx: Trx,
  tag: { id: string; kind: TagKind; definition: Record<string, unknown> },
  input: { now: Date; actorId: string | null; label: string; scope?: Scope },
): Promise<{ added: number; removed: number; total: number }> => {
  if (tag.kind === 'manual') throw new AppError('tags.not_manual', 'manual tags are set by people, not evaluated');
  const definition = storedDefinition(tag.kind, tag.definition) as Exclude<ReturnType<typeof storedDefinition>, { kind: 'manual' }>;
  const { now, label, actorId, scope } = input;
  const tagId = tag.id;
  const actorType = tag.kind === 'rule' ? 'rule' : 'behaviour';
  const summary = describeDefinition(definition);
  const prefix = scope ? `${scope.reasonPrefix}: ` : '';
  const matching = compileDefinition(definition, now, scope?.customerIds);
  const inScope = scope ? sql`and ct.customer_id = any(${scope.customerIds}::text[])` : sql``;
  // Per-customer labels, when given, come from a join; otherwise the statement stays as it was.
  const causes = scope?.causes
    ? sql`, cause as (select * from unnest(${scope.customerIds}::text[], ${scope.causes.labels}::text[], ${scope.causes.reasonPrefixes}::text[]) as c(customer_id, label, prefix))`
    : sql``;
  const joinCause = (alias: string) => (scope?.causes ? sql`left join cause c on c.customer_id = ${sql.ref(`${alias}.customer_id`)}` : sql``);
  const labelOf = scope?.causes ? sql`coalesce(c.label, ${label}::text)` : sql`${label}::text`;
  const reasonOf = (text: string) => (scope?.causes ? sql`coalesce(c.prefix || ': ', ${prefix}::text) || ${text}::text` : sql`${`${prefix}${text}`}::text`);
  const { rows } = await sql<{ added: number; removed: number; total: number }>`
    with matched as materialized (${matching})${causes},
    removed as (
      delete from customer_tag ct
      where ct.tag_id = ${tagId} ${inScope} and not exists (select 1 from matched m where m.customer_id = ct.customer_id)
      returning ct.customer_id, ct.evidence
    ),
    added as (
      insert into customer_tag (customer_id, tag_id, assigned_at, assigned_by, reason, evidence)
      select m.customer_id, ${tagId}::text, ${now}::timestamptz, ${labelOf}, ${summary}::text, m.evidence
      from matched m ${joinCause('m')}
      on conflict (customer_id, tag_id) do nothing
      returning customer_id, evidence
    ),
    history_removed as (
      insert into tag_history (customer_id, tag_id, action, at, actor_type, actor_id, actor_label, reason, evidence)
      select r.customer_id, ${tagId}::text, 'remove', ${now}::timestamptz, ${actorType}::text, ${actorId}::text, ${labelOf},
             ${reasonOf(`no longer matches: ${summary}`)}, r.evidence
      from removed r ${joinCause('r')}
      returning 1
    ),
    history_added as (
      insert into tag_history (customer_id, tag_id, action, at, actor_type, actor_id, actor_label, reason, evidence)
      select a.customer_id, ${tagId}::text, 'add', ${now}::timestamptz, ${actorType}::text, ${actorId}::text, ${labelOf},
             ${reasonOf(`matches: ${summary}`)}, a.evidence
      from added a ${joinCause('a')}
      returning 1
    )
    select (select count(*) from history_added)::int as added, (select count(*) from history_removed)::int as removed,
           (select count(*) from matched)::int as total`.execute(trx);
  return rows[0] ?? { added: 0, removed: 0, total: 0 };
};

/**
 * Re-evaluates one rule or behavioural tag over every root customer, set-based in one statement, and
 * records the run on the tag. An archived tag is not evaluated.
 */
export const evaluateTag = async (db: Db, clock: Clock, actor: Actor, tagId: string): Promise<TagEvaluationResult> => {
  const started = performance.now();
  return db.transaction().execute(async (trx) => {
    // One evaluation of a tag at a time; others wait and then see its result.
    const tag = await trx.selectFrom('tag_definition').selectAll().where('id', '=', tagId).forUpdate().executeTakeFirst();
    if (!tag) throw new AppError('tags.not_found', `no tag ${tagId}`);
    if (tag.archived_at) throw new AppError('tags.archived', `tag ${tag.name} is archived; restore it to evaluate it`);
    const now = clock.now();
    const counts = await applyTagEvaluation(trx, tag, { now, label: triggerLabel(actor), actorId: actor.type === 'user' ? actor.id : null });
    const evaluation: TagEvaluation = { ...counts, seconds: Math.round(performance.now() - started) / 1000 };
    await trx
      .updateTable('tag_definition')
      .set({ evaluated_at: now, evaluation: JSON.stringify(evaluation) })
      .where('id', '=', tagId)
      .execute();
    if (actor.type === 'user') {
      await recordAudit(trx, clock, actor, {
        action: 'tag.evaluate',
        subjectType: 'tag',
        subjectId: tagId,
        details: { added: counts.added, removed: counts.removed },
      });
    }
    return { tagId, ...evaluation };
  });
};

/** Re-evaluates every rule and behavioural tag that is not archived, each in its own transaction (the scheduled job). */
export const evaluateAllTags = async (db: Db, clock: Clock, actor: Actor): Promise<TagEvaluationResult[]> => {
  const tags = await db.selectFrom('tag_definition').select('id').where('kind', '<>', 'manual').where('archived_at', 'is', null).orderBy('id').execute();
  const results: TagEvaluationResult[] = [];
  for (const t of tags) results.push(await evaluateTag(db, clock, actor, t.id));
  return results;
};
