import { sql } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../../../platform/clock.ts';
import type { Trx } from '../../../platform/db.ts';
import type { DomainEvent, Subscriber } from '../../../platform/outbox.ts';
import { rootOf } from '../../customers/index.ts';
import { applyTagEvaluation } from './evaluate-tags.ts';

export const MERGE_TOPICS = ['customer.merged', 'customer.unmerged'] as const;

const MergePayloadSchema = z.object({ winnerId: z.string().min(1), loserId: z.string().min(1), mergeId: z.string().min(1) });
type MergePayload = z.infer<typeof MergePayloadSchema>;

/**
 * The rule and behavioural tags (not archived) to re-test, locked like a running evaluation locks its tag.
 * Taken before any assignment row is touched, so an evaluation running meanwhile cannot deadlock with us.
 */
const lockEvaluatedTags = (trx: Trx) =>
  trx
    .selectFrom('tag_definition')
    .select(['id', 'kind', 'definition'])
    .where('kind', '<>', 'manual')
    .where('archived_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();

type EvaluatedTags = Awaited<ReturnType<typeof lockEvaluatedTags>>;

/** Re-tests those tags for the customers a merge or unmerge changed. */
const reevaluateFor = async (trx: Trx, tags: EvaluatedTags, input: { now: Date; customerIds: string[]; label: string; reasonPrefix: string }) => {
  for (const tag of tags) {
    await applyTagEvaluation(trx, tag, {
      now: input.now,
      actorId: null,
      label: input.label,
      scope: { customerIds: input.customerIds, reasonPrefix: input.reasonPrefix },
    });
  }
};

/**
 * Customer `loserId` was merged into `winnerId` (merge `mergeId`): every tag the loser held leaves it
 * (history: "merged into …", with the assignment kept in the evidence so an unmerge can give it back);
 * its manual tags go to the winner's root ("from merge …") unless the winner holds them already; the
 * rule and behavioural tags of the winner's root are re-tested on the merged data.
 */
export const followMerge = async (trx: Trx, clock: Clock, p: MergePayload): Promise<void> => {
  const root = await rootOf(trx, p.winnerId);
  if (!root || root === p.loserId) return;
  const tags = await lockEvaluatedTags(trx);
  const now = clock.now();
  const label = `merge ${p.mergeId}`;
  await sql`
    with moved as (
      delete from customer_tag ct using tag_definition t
      where ct.customer_id = ${p.loserId} and t.id = ct.tag_id
      returning ct.customer_id, ct.tag_id, ct.assigned_at, ct.assigned_by, ct.reason, ct.evidence, t.kind
    ),
    history_removed as (
      insert into tag_history (customer_id, tag_id, action, at, actor_type, actor_id, actor_label, reason, evidence)
      select customer_id, tag_id, 'remove', ${now}::timestamptz, 'system', null, ${label}::text,
             ${`merged into ${root} (merge ${p.mergeId})`}::text,
             jsonb_build_object('mergeId', ${p.mergeId}::text, 'winnerId', ${root}::text, 'assignedAt', assigned_at,
                                'assignedBy', assigned_by, 'reason', reason, 'evidence', evidence)
      from moved
    ),
    added as (
      insert into customer_tag (customer_id, tag_id, assigned_at, assigned_by, reason, evidence)
      select ${root}::text, tag_id, ${now}::timestamptz, ${label}::text, ${`from merge ${p.mergeId}`}::text || coalesce(': ' || reason, ''),
             jsonb_build_object('mergeId', ${p.mergeId}::text, 'fromCustomerId', ${p.loserId}::text)
      from moved where kind = 'manual'
      on conflict (customer_id, tag_id) do nothing
      returning customer_id, tag_id, reason, evidence
    )
    insert into tag_history (customer_id, tag_id, action, at, actor_type, actor_id, actor_label, reason, evidence)
    select customer_id, tag_id, 'add', ${now}::timestamptz, 'system', null, ${label}::text, reason, evidence from added`.execute(trx);
  await reevaluateFor(trx, tags, { now, customerIds: [root], label, reasonPrefix: `after merge ${p.mergeId}` });
};

/**
 * Merge `mergeId` was undone: the manual tags it brought to the winner's root leave it again (unless
 * someone re-assigned them since), the loser gets back the manual tags it held before (as they were
 * assigned), and rule and behavioural tags are re-tested for both customers.
 */
export const followUnmerge = async (trx: Trx, clock: Clock, p: MergePayload): Promise<void> => {
  const root = (await rootOf(trx, p.winnerId)) ?? p.winnerId;
  const tags = await lockEvaluatedTags(trx);
  const now = clock.now();
  const label = `unmerge ${p.mergeId}`;
  const reason = `merge ${p.mergeId} undone`;
  await sql`
    with gone as (
      delete from customer_tag
      where customer_id = ${root} and evidence ->> 'mergeId' = ${p.mergeId}::text
      returning customer_id, tag_id, evidence
    )
    insert into tag_history (customer_id, tag_id, action, at, actor_type, actor_id, actor_label, reason, evidence)
    select customer_id, tag_id, 'remove', ${now}::timestamptz, 'system', null, ${label}::text, ${reason}::text, evidence from gone`.execute(trx);
  await sql`
    with lost as (
      select distinct on (h.tag_id) h.tag_id, h.evidence
      from tag_history h join tag_definition t on t.id = h.tag_id
      where h.customer_id = ${p.loserId} and h.action = 'remove' and h.evidence ->> 'mergeId' = ${p.mergeId}::text and t.kind = 'manual'
      order by h.tag_id, h.id desc
    ),
    back as (
      insert into customer_tag (customer_id, tag_id, assigned_at, assigned_by, reason, evidence)
      select ${p.loserId}::text, tag_id, (evidence ->> 'assignedAt')::timestamptz, evidence ->> 'assignedBy', evidence ->> 'reason',
             coalesce(evidence -> 'evidence', '{}'::jsonb)
      from lost
      on conflict (customer_id, tag_id) do nothing
      returning customer_id, tag_id
    )
    insert into tag_history (customer_id, tag_id, action, at, actor_type, actor_id, actor_label, reason, evidence)
    select customer_id, tag_id, 'add', ${now}::timestamptz, 'system', null, ${label}::text, ${reason}::text,
           jsonb_build_object('mergeId', ${p.mergeId}::text)
    from back`.execute(trx);
  await reevaluateFor(trx, tags, { now, customerIds: [...new Set([root, p.loserId])], label, reasonPrefix: `after unmerge ${p.mergeId}` });
};

/** Tags follow identity's merges and unmerges (outbox topics customer.merged / customer.unmerged). */
export const tagsSubscribers = (deps: { clock: Clock }): Subscriber[] => [
  {
    consumer: 'tags',
    topics: [...MERGE_TOPICS],
    handle: async (trx: Trx, event: DomainEvent) => {
      const payload = MergePayloadSchema.parse(event.payload);
      if (event.topic === 'customer.merged') await followMerge(trx, deps.clock, payload);
      else if (event.topic === 'customer.unmerged') await followUnmerge(trx, deps.clock, payload);
    },
  },
];
