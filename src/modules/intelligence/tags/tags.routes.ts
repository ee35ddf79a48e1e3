import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, OkSchema, PageQuerySchema, protectedErrors } from '../../../http/schemas.ts';
import { archiveTag, restoreTag } from './archive-tag.ts';
import { availableTables, countMatches } from './compile-tag.ts';
import { deleteTag } from './delete-tag.ts';
import { evaluateTag } from './evaluate-tags.ts';
import { addManualTag, listTaggedCustomers, removeManualTag, tagRoot } from './manual-tags.ts';
import { createTag, updateTag } from './save-tag.ts';
import { parseTagDefinition, TAG_COLOURS, TAG_KINDS } from './tag-definition.ts';
import { getTagDefinition, listCustomerTags, listTagDefinitions, listTagHistory, type TagDefinition, type TagHistoryEntry } from './tags.repository.ts';

const JsonObject = z.record(z.string(), z.unknown());

const EvaluationSchema = z.object({ added: z.number(), removed: z.number(), total: z.number(), seconds: z.number() });

const TagSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  colour: z.string(),
  kind: z.enum(TAG_KINDS),
  rule: JsonObject.nullable(),
  behaviour: JsonObject.nullable(),
  summary: z.string(),
  customers: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  evaluatedAt: z.string().nullable(),
  evaluation: EvaluationSchema.nullable(),
  archivedAt: z.string().nullable(),
  archivedBy: z.string().nullable(),
});

const HistorySchema = z.object({
  id: z.number(),
  customerId: z.string(),
  tagId: z.string(),
  tagName: z.string(),
  action: z.enum(['add', 'remove']),
  at: z.string(),
  actorType: z.enum(['user', 'rule', 'behaviour', 'system', 'cli']),
  actorLabel: z.string(),
  reason: z.string().nullable(),
  evidence: JsonObject,
});

const CustomerTagSchema = z.object({
  tagId: z.string(),
  name: z.string(),
  colour: z.string(),
  kind: z.enum(TAG_KINDS),
  summary: z.string(),
  assignedAt: z.string(),
  assignedBy: z.string(),
  reason: z.string().nullable(),
  evidence: JsonObject,
  archived: z.boolean(),
});

const Colour = z.union([z.enum(TAG_COLOURS), z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a preset colour or #rrggbb')]);
const Name = z.string().trim().min(1).max(60);
const Description = z.string().trim().max(500);
// Rule and behaviour are checked by the tag module itself, so errors name the condition (rule.conditions[1].value).
const DefinitionParts = { rule: JsonObject.optional(), behaviour: JsonObject.optional() };

const toTagJson = (t: TagDefinition) => ({
  ...t,
  rule: t.rule as Record<string, unknown> | null,
  behaviour: t.behaviour as Record<string, unknown> | null,
  createdAt: isoRequired(t.createdAt),
  updatedAt: isoRequired(t.updatedAt),
  evaluatedAt: iso(t.evaluatedAt),
  archivedAt: iso(t.archivedAt),
});
const toHistoryJson = (h: TagHistoryEntry) => ({ ...h, at: isoRequired(h.at) });

const IdParams = z.object({ id: z.string().min(1).max(64) });

export const tagsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;
  const read = { kind: 'session', permission: 'intelligence:read' } as const;
  const manage = { kind: 'session', permission: 'intelligence:manage' } as const;
  const customersRead = { kind: 'session', permission: 'customers:read' } as const;
  const write = { kind: 'session', permission: 'tags:write' } as const;

  app.get(
    '/api/tags',
    {
      config: { access: customersRead },
      schema: {
        tags: ['tags'],
        summary: 'Tag definitions with how many customers hold each',
        response: { 200: z.object({ items: z.array(TagSchema) }), ...protectedErrors },
      },
    },
    async () => ({ items: (await listTagDefinitions(db)).map(toTagJson) }),
  );

  app.post(
    '/api/tags',
    {
      config: { access: manage },
      schema: {
        tags: ['tags'],
        summary: 'Create a manual, rule-based or behavioural tag',
        body: z.object({ name: Name, description: Description.optional(), colour: Colour, kind: z.enum(TAG_KINDS), ...DefinitionParts }),
        response: { 201: z.object({ tag: TagSchema }), 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req, reply) => {
      const tag = await db.transaction().execute((trx) => createTag(trx, clock, userActor(req), req.body));
      return reply.status(201).send({ tag: toTagJson(tag) });
    },
  );

  app.patch(
    '/api/tags/:id',
    {
      config: { access: manage },
      schema: {
        tags: ['tags'],
        summary: "Change a tag's name, description, colour or definition",
        params: IdParams,
        body: z.object({ name: Name.optional(), description: Description.optional(), colour: Colour.optional(), ...DefinitionParts }),
        response: { 200: z.object({ tag: TagSchema }), 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ tag: toTagJson(await db.transaction().execute((trx) => updateTag(trx, clock, userActor(req), req.params.id, req.body))) }),
  );

  app.get(
    '/api/tags/:id',
    {
      config: { access: customersRead },
      schema: {
        tags: ['tags'],
        summary: 'One tag definition',
        params: IdParams,
        response: { 200: z.object({ tag: TagSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ tag: toTagJson(await getTagDefinition(db, req.params.id)) }),
  );

  app.post(
    '/api/tags/:id/archive',
    {
      config: { access: write },
      schema: {
        tags: ['tags'],
        summary: 'Archive a tag: no longer evaluated nor offered for new assignments; holders and history stay',
        params: IdParams,
        response: { 200: z.object({ tag: TagSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ tag: toTagJson(await db.transaction().execute((trx) => archiveTag(trx, clock, userActor(req), req.params.id))) }),
  );

  app.post(
    '/api/tags/:id/restore',
    {
      config: { access: write },
      schema: {
        tags: ['tags'],
        summary: 'Restore an archived tag',
        params: IdParams,
        response: { 200: z.object({ tag: TagSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ tag: toTagJson(await db.transaction().execute((trx) => restoreTag(trx, clock, userActor(req), req.params.id))) }),
  );

  app.delete(
    '/api/tags/:id',
    {
      config: { access: write },
      schema: {
        tags: ['tags'],
        summary: 'Delete a tag that was never assigned (otherwise archive it: 409 tags.in_use)',
        params: IdParams,
        response: { 200: OkSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      await db.transaction().execute((trx) => deleteTag(trx, clock, userActor(req), req.params.id));
      return { ok: true as const };
    },
  );

  app.post(
    '/api/tags/preview',
    {
      config: { access: read },
      schema: {
        tags: ['tags'],
        summary: 'How many customers a rule or behaviour selects now (nothing is stored)',
        body: z.object({ kind: z.enum(['rule', 'behavioural']), ...DefinitionParts }),
        response: { 200: z.object({ count: z.number() }), ...protectedErrors },
      },
    },
    async (req) => {
      const definition = parseTagDefinition(req.body.kind, req.body, await availableTables(db));
      if (definition.kind === 'manual') return { count: 0 };
      return { count: await countMatches(db, definition, clock.now()) };
    },
  );

  app.post(
    '/api/tags/:id/evaluate',
    {
      config: { access: manage },
      schema: {
        tags: ['tags'],
        summary: 'Evaluate a rule or behavioural tag now: adds and removes it, with history',
        params: IdParams,
        response: { 200: EvaluationSchema.extend({ tagId: z.string() }), 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => evaluateTag(db, clock, userActor(req), req.params.id),
  );

  app.get(
    '/api/tags/:id/customers',
    {
      config: { access: customersRead },
      schema: {
        tags: ['tags'],
        summary: 'Customers holding a tag (personal data masked without customers:read_pii)',
        params: IdParams,
        querystring: PageQuerySchema,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                displayName: z.string(),
                phone: z.string().nullable(),
                email: z.string().nullable(),
                orderCount: z.number(),
                totalSpentFen: z.number(),
                lastOrderAt: z.string().nullable(),
                assignedAt: z.string(),
              }),
            ),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
            masked: z.boolean(),
          }),
          404: ErrorBodySchema,
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const result = await listTaggedCustomers(db, clock, userActor(req), { tagId: req.params.id, ...req.query });
      return {
        ...result,
        ...req.query,
        items: result.items.map((c) => ({ ...c, lastOrderAt: iso(c.lastOrderAt), assignedAt: isoRequired(c.assignedAt) })),
      };
    },
  );

  app.get(
    '/api/tags/:id/history',
    {
      config: { access: read },
      schema: {
        tags: ['tags'],
        summary: "A tag's assignments and removals, newest first",
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: z.object({ items: z.array(HistorySchema), total: z.number(), page: z.number(), pageSize: z.number() }), ...protectedErrors },
      },
    },
    async (req) => {
      const { items, total } = await listTagHistory(db, { tagId: req.params.id }, req.query.page, req.query.pageSize);
      return { items: items.map(toHistoryJson), total, ...req.query };
    },
  );

  app.get(
    '/api/customers/:id/tags',
    {
      config: { access: customersRead },
      schema: {
        tags: ['tags'],
        summary: "A customer's tags (with who or what set each, when and why) and their recent history",
        params: IdParams,
        response: { 200: z.object({ items: z.array(CustomerTagSchema), history: z.array(HistorySchema) }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      const root = await tagRoot(db, req.params.id);
      const [tags, history] = await Promise.all([listCustomerTags(db, root), listTagHistory(db, { customerId: root }, 1, 50)]);
      return {
        items: tags.map((t) => ({ ...t, assignedAt: isoRequired(t.assignedAt) })),
        history: history.items.map(toHistoryJson),
      };
    },
  );

  app.post(
    '/api/customers/:id/tags',
    {
      config: { access: write },
      schema: {
        tags: ['tags'],
        summary: 'Put a manual tag on a customer',
        params: IdParams,
        body: z.object({ tagId: z.string().min(1).max(64), reason: z.string().trim().max(500).optional() }),
        response: { 200: z.object({ added: z.boolean() }), 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      const result = await db.transaction().execute((trx) => addManualTag(trx, clock, userActor(req), { customerId: req.params.id, ...req.body }));
      return { added: result.added };
    },
  );

  app.delete(
    '/api/customers/:id/tags/:tagId',
    {
      config: { access: write },
      schema: {
        tags: ['tags'],
        summary: 'Take a manual tag off a customer',
        params: z.object({ id: z.string().min(1).max(64), tagId: z.string().min(1).max(64) }),
        querystring: z.object({ reason: z.string().trim().max(500).optional() }),
        response: { 200: OkSchema, 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      await db
        .transaction()
        .execute((trx) => removeManualTag(trx, clock, userActor(req), { customerId: req.params.id, tagId: req.params.tagId, reason: req.query.reason }));
      return { ok: true as const };
    },
  );
};
