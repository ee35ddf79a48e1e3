import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { type Behaviour, describeDefinition, type Rule, storedDefinition } from './tag-definition.ts';
import type { TagActorType, TagKind } from './tags.tables.ts';

export type TagEvaluation = { added: number; removed: number; total: number; seconds: number };

export type TagDefinition = {
  id: string;
  name: string;
  description: string;
  colour: string;
  kind: TagKind;
  rule: Rule | null;
  behaviour: Behaviour | null;
  /** The definition in plain words (kept with each assignment). */
  summary: string;
  customers: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  evaluatedAt: Date | null;
  evaluation: TagEvaluation | null;
  /** Set = archived: not evaluated, not offered for new assignments; restorable. */
  archivedAt: Date | null;
  archivedBy: string | null;
};

type DefinitionRow = {
  id: string;
  name: string;
  description: string;
  colour: string;
  kind: TagKind;
  definition: Record<string, unknown>;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
  evaluated_at: Date | null;
  evaluation: Record<string, unknown> | null;
  archived_at: Date | null;
  archived_by: string | null;
};

export const toTagDefinition = (r: DefinitionRow, customers: number): TagDefinition => {
  const d = storedDefinition(r.kind, r.definition);
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    colour: r.colour,
    kind: r.kind,
    rule: d.kind === 'rule' ? d.rule : null,
    behaviour: d.kind === 'behavioural' ? d.behaviour : null,
    summary: describeDefinition(d),
    customers,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
    evaluatedAt: r.evaluated_at,
    evaluation: (r.evaluation as TagEvaluation | null) ?? null,
    archivedAt: r.archived_at,
    archivedBy: r.archived_by,
  };
};

const countFor = async (db: Db | Trx, tagIds: string[]): Promise<Map<string, number>> => {
  if (tagIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('customer_tag')
    .select(['tag_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('tag_id', 'in', tagIds)
    .groupBy('tag_id')
    .execute();
  return new Map(rows.map((r) => [r.tag_id, Number(r.n)]));
};

export const listTagDefinitions = async (db: Db | Trx): Promise<TagDefinition[]> => {
  const rows = await db.selectFrom('tag_definition').selectAll().orderBy('kind').orderBy('name').execute();
  const counts = await countFor(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toTagDefinition(r, counts.get(r.id) ?? 0));
};

export const findTagRow = (db: Db | Trx, id: string) => db.selectFrom('tag_definition').selectAll().where('id', '=', id).executeTakeFirst();

export const getTagDefinition = async (db: Db | Trx, id: string): Promise<TagDefinition> => {
  const row = await findTagRow(db, id);
  if (!row) throw new AppError('tags.not_found', `no tag ${id}`);
  return toTagDefinition(row, (await countFor(db, [id])).get(id) ?? 0);
};

export type CustomerTag = {
  tagId: string;
  name: string;
  colour: string;
  kind: TagKind;
  summary: string;
  assignedAt: Date;
  assignedBy: string;
  reason: string | null;
  evidence: Record<string, unknown>;
  /** The tag was archived after it was assigned: the assignment stays, frozen. */
  archived: boolean;
};

/** The tags a (root) customer holds now, with who or what assigned each, when and why. */
export const listCustomerTags = async (db: Db | Trx, rootId: string): Promise<CustomerTag[]> => {
  const rows = await db
    .selectFrom('customer_tag as ct')
    .innerJoin('tag_definition as t', 't.id', 'ct.tag_id')
    .select(['t.id', 't.name', 't.colour', 't.kind', 't.definition', 't.archived_at', 'ct.assigned_at', 'ct.assigned_by', 'ct.reason', 'ct.evidence'])
    .where('ct.customer_id', '=', rootId)
    .orderBy('t.kind')
    .orderBy('t.name')
    .execute();
  return rows.map((r) => ({
    tagId: r.id,
    name: r.name,
    colour: r.colour,
    kind: r.kind,
    summary: describeDefinition(storedDefinition(r.kind, r.definition)),
    assignedAt: r.assigned_at,
    assignedBy: r.assigned_by,
    reason: r.reason,
    evidence: r.evidence,
    archived: r.archived_at !== null,
  }));
};

export type TagHistoryEntry = {
  id: number;
  customerId: string;
  tagId: string;
  tagName: string;
  action: 'add' | 'remove';
  at: Date;
  actorType: TagActorType;
  actorLabel: string;
  reason: string | null;
  evidence: Record<string, unknown>;
};

/** Assignments and removals, newest first, of one tag or of one customer. */
export const listTagHistory = async (
  db: Db | Trx,
  filter: { tagId: string } | { customerId: string },
  page: number,
  pageSize: number,
): Promise<{ items: TagHistoryEntry[]; total: number }> => {
  const base = db
    .selectFrom('tag_history as h')
    .innerJoin('tag_definition as t', 't.id', 'h.tag_id')
    .where('tagId' in filter ? 'h.tag_id' : 'h.customer_id', '=', 'tagId' in filter ? filter.tagId : filter.customerId);
  const [rows, count] = await Promise.all([
    base
      .select(['h.id', 'h.customer_id', 'h.tag_id', 't.name', 'h.action', 'h.at', 'h.actor_type', 'h.actor_label', 'h.reason', 'h.evidence'])
      .orderBy('h.at', 'desc')
      .orderBy('h.id', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return {
    total: Number(count?.n ?? 0),
    items: rows.map((r) => ({
      id: Number(r.id),
      customerId: r.customer_id,
      tagId: r.tag_id,
      tagName: r.name,
      action: r.action,
      at: r.at,
      actorType: r.actor_type,
      actorLabel: r.actor_label,
      reason: r.reason,
      evidence: r.evidence,
    })),
  };
};

export type TaggedCustomerRow = {
  id: string;
  display_name: string;
  phone: string | null;
  email: string | null;
  order_count: number | null;
  total_spent_fen: number | null;
  last_order_at: Date | null;
  assigned_at: Date;
};

/** Customers holding a tag, most recently tagged first. */
export const listTaggedCustomerRows = async (db: Db | Trx, tagId: string, page: number, pageSize: number) => {
  const [rows, count] = await Promise.all([
    sql<TaggedCustomerRow>`
      select c.id, c.display_name, c.phone, c.email, s.order_count, s.total_spent_fen, s.last_order_at, ct.assigned_at
      from customer_tag ct
      join customer c on c.id = ct.customer_id
      left join customer_stats s on s.customer_id = c.id
      where ct.tag_id = ${tagId}
      order by ct.assigned_at desc, ct.customer_id
      limit ${pageSize} offset ${(page - 1) * pageSize}`.execute(db),
    db
      .selectFrom('customer_tag')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tag_id', '=', tagId)
      .executeTakeFirst(),
  ]);
  return { rows: rows.rows, total: Number(count?.n ?? 0) };
};
