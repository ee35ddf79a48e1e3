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

/** The rule and behavioural tags (not archived) to re-test, locked like a running evaluation locks its tag. */
const lockEvaluatedTags = (trx: Trx) =>
  trx
    .selectFrom('tag_definition')
    .select(['id', 'kind', 'definition'])
    .where('kind', '<>', 'manual')
    .where('archived_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();

type MergeStep = { topic: (typeof MERGE_TOPICS)[number]; payload: MergePayload };

/**
 * Merges, set-based: each loser's tags leave it (history: "merged into …", with the assignment kept in the
 * evidence so an unmerge can give it back); its manual tags go to the winner's root ("from merge …") unless
 * the root holds them already (or an earlier merge of the list brought them). A merge whose loser is not
 * under the winner's root now (undone since, its event delivered late) moves nothing. The losers must be
 * distinct. Losers are never roots and tags only go to roots, so one statement does what the merges one
 * after another would. Returns, in order, each root whose rule and behavioural tags to re-test, with its merge.
 */
const moveOnMerges = async (trx: Trx, now: Date, merges: MergePayload[]): Promise<{ root: string; mergeId: string }[]> => {
  // Roots are read as compile-tag.ts reads them (customer.root_id): one query for the whole list.
  const { rows } = await sql<{ root: string; merge_id: string }>`
    with step as materialized (
      select s.ord, s.loser_id, s.merge_id, w.root_id as root
      from unnest(${merges.map((m) => m.loserId)}::text[], ${merges.map((m) => m.winnerId)}::text[], ${merges.map((m) => m.mergeId)}::text[])
           with ordinality as s(loser_id, winner_id, merge_id, ord)
      join customer w on w.id = s.winner_id
      join customer l on l.id = s.loser_id
      where w.root_id <> s.loser_id and l.root_id = w.root_id
    ),
    moved as (
      delete from customer_tag ct using step s, tag_definition t
      where ct.customer_id = s.loser_id and t.id = ct.tag_id
      returning ct.customer_id, ct.tag_id, ct.assigned_at, ct.assigned_by, ct.reason, ct.evidence, t.kind, s.root, s.merge_id, s.ord
    ),
    history_removed as (
      insert into tag_history (customer_id, tag_id, action, at, actor_type, actor_id, actor_label, reason, evidence)
      select customer_id, tag_id, 'remove', ${now}::timestamptz, 'system', null, 'merge ' || merge_id,
             'merged into ' || root || ' (merge ' || merge_id || ')',
             jsonb_build_object('mergeId', merge_id, 'winnerId', root, 'assignedAt', assigned_at,
                                'assignedBy', assigned_by, 'reason', reason, 'evidence', evidence)
      from moved order by ord, tag_id
    ),
    added as (
      insert into customer_tag (customer_id, tag_id, assigned_at, assigned_by, reason, evidence)
      select distinct on (root, tag_id) root, tag_id, ${now}::timestamptz, 'merge ' || merge_id,
             'from merge ' || merge_id || coalesce(': ' || reason, ''),
             jsonb_build_object('mergeId', merge_id, 'fromCustomerId', customer_id)
      from moved where kind = 'manual'
      order by root, tag_id, ord
      on conflict (customer_id, tag_id) do nothing
      returning customer_id, tag_id, assigned_by, reason, evidence
    ),
    history_added as (
      insert into tag_history (customer_id, tag_id, action, at, actor_type, actor_id, actor_label, reason, evidence)
      select customer_id, tag_id, 'add', ${now}::timestamptz, 'system', null, assigned_by, reason, evidence from added
    )
    select root, merge_id from step order by ord`.execute(trx);
  return rows.map((r) => ({ root: r.root, mergeId: r.merge_id }));
};

/**
 * The manual tags merge `mergeId` brought to the winner's root leave it again (unless someone re-assigned
 * them since), and the loser gets back the manual tags it held before (as they were assigned). Returns the
 * customers to re-test: the root and the loser.
 */
const moveOnUnmerge = async (trx: Trx, now: Date, p: MergePayload): Promise<string[]> => {
  const root = (await rootOf(trx, p.winnerId)) ?? p.winnerId;
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
  return [...new Set([root, p.loserId])];
};

/**
 * Consecutive merges with distinct losers go together (one statement); an unmerge, or a loser seen again,
 * starts a new group, so groups applied in order do what the events one after another would.
 */
const groupSteps = (steps: MergeStep[]): { topic: MergeStep['topic']; payloads: MergePayload[] }[] => {
  const groups: { topic: MergeStep['topic']; payloads: MergePayload[]; losers: Set<string> }[] = [];
  for (const step of steps) {
    const last = groups.at(-1);
    if (step.topic === 'customer.merged' && last?.topic === 'customer.merged' && !last.losers.has(step.payload.loserId)) {
      last.payloads.push(step.payload);
      last.losers.add(step.payload.loserId);
    } else {
      groups.push({ topic: step.topic, payloads: [step.payload], losers: new Set([step.payload.loserId]) });
    }
  }
  return groups;
};

/**
 * Follows merges and unmerges, in their order, in the caller's transaction. Manual tags move as the events
 * one after another would move them (so a chain A→B then B→C, or a merge undone in the same batch, comes
 * out right), runs of merges set-based; then the rule and behavioural tags are locked once and each
 * re-tested once for every customer touched, whose history names the (last) merge or unmerge that touched
 * it ("after merge …: matches: …").
 */
const followMergeSteps = async (trx: Trx, clock: Clock, steps: MergeStep[]): Promise<void> => {
  if (steps.length === 0) return;
  // Taken before any assignment row is touched, as a running evaluation takes its tag: no deadlock with it.
  const tags = await lockEvaluatedTags(trx);
  const now = clock.now();
  // Customer → the last merge or unmerge that touched it.
  const causes = new Map<string, string>();
  for (const group of groupSteps(steps)) {
    if (group.topic === 'customer.merged') {
      for (const m of await moveOnMerges(trx, now, group.payloads)) causes.set(m.root, `merge ${m.mergeId}`);
    } else {
      const [p] = group.payloads as [MergePayload];
      for (const id of await moveOnUnmerge(trx, now, p)) causes.set(id, `unmerge ${p.mergeId}`);
    }
  }
  if (causes.size === 0) return;
  const customerIds = [...causes.keys()];
  const labels = customerIds.map((id) => causes.get(id) as string);
  const [first] = labels as [string];
  const oneCause = labels.every((l) => l === first);
  for (const tag of tags) {
    await applyTagEvaluation(trx, tag, {
      now,
      actorId: null,
      label: first,
      scope: {
        customerIds,
        reasonPrefix: `after ${first}`,
        ...(oneCause ? {} : { causes: { labels, reasonPrefixes: labels.map((l) => `after ${l}`) } }),
      },
    });
  }
};

/**
 * Customer `loserId` was merged into `winnerId` (merge `mergeId`): every tag the loser held leaves it,
 * its manual tags go to the winner's root ("from merge …") unless the winner holds them already, and the
 * rule and behavioural tags of the winner's root are re-tested on the merged data.
 */
export const followMerge = (trx: Trx, clock: Clock, p: MergePayload): Promise<void> => followMergeSteps(trx, clock, [{ topic: 'customer.merged', payload: p }]);

/**
 * Merge `mergeId` was undone: the manual tags it brought to the winner's root leave it again (unless
 * someone re-assigned them since), the loser gets back the manual tags it held before (as they were
 * assigned), and rule and behavioural tags are re-tested for both customers.
 */
export const followUnmerge = (trx: Trx, clock: Clock, p: MergePayload): Promise<void> =>
  followMergeSteps(trx, clock, [{ topic: 'customer.unmerged', payload: p }]);

const isMergeTopic = (topic: string): topic is MergeStep['topic'] => (MERGE_TOPICS as readonly string[]).includes(topic);

/** Events of other topics are ignored; a payload that is not a merge's fails (and is parked in the end). */
const toSteps = (events: DomainEvent[]): MergeStep[] =>
  events.flatMap((e) => (isMergeTopic(e.topic) ? [{ topic: e.topic, payload: MergePayloadSchema.parse(e.payload) }] : []));

/**
 * Tags follow identity's merges and unmerges (outbox topics customer.merged / customer.unmerged), a batch
 * at a time: a re-resolution's thousands of merges cost one lock and one re-test per tag per batch.
 */
export const tagsSubscribers = (deps: { clock: Clock }): Subscriber[] => [
  {
    consumer: 'tags',
    topics: [...MERGE_TOPICS],
    handle: (trx: Trx, event: DomainEvent) => followMergeSteps(trx, deps.clock, toSteps([event])),
    handleBatch: (trx: Trx, events: DomainEvent[]) => followMergeSteps(trx, deps.clock, toSteps(events)),
  },
];
