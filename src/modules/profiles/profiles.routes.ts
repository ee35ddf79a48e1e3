import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, protectedErrors } from '../../http/schemas.ts';
import { AppError } from '../../platform/errors.ts';
import { actorCan } from '../auth/index.ts';
import { goldenProvenance, maskEmail, maskName, maskPhone, rootOf } from '../customers/index.ts';
import { MergeSchema, toMergeJson } from '../identity/identity.routes.ts';
import { listMerges, loadIdentityRules } from '../identity/index.ts';
import { listProfileSources, listTimeline } from './list-timeline.ts';

const KINDS = ['event', 'order', 'refund', 'ticket', 'message'] as const;

const maskGolden = (field: string, value: string): string =>
  field === 'phone' ? maskPhone(value) : field === 'email' ? maskEmail(value) : field === 'display_name' ? maskName(value) : value;

export const profilesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const read = { kind: 'session', permission: 'customers:read' } as const;

  const rootFor = async (id: string) => {
    const root = await db.transaction().execute((trx) => rootOf(trx, id));
    if (!root) throw new AppError('customers.not_found', `no customer ${id}`);
    return root;
  };

  app.get(
    '/api/customers/:id/profile',
    {
      config: { access: read },
      schema: {
        tags: ['customers'],
        summary: '360° view: golden record with provenance, merged records, merge history, sources',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: {
          200: z.object({
            rootId: z.string(),
            golden: z.array(
              z.object({ field: z.string(), value: z.string(), source: z.string(), lastSeenAt: z.string(), rule: z.string(), candidates: z.number() }),
            ),
            records: z.array(z.object({ id: z.string(), source: z.string(), createdAt: z.string(), mergedAt: z.string().nullable() })),
            merges: z.array(MergeSchema),
            sources: z.array(z.object({ source: z.string(), kind: z.enum(KINDS), count: z.number(), lastAt: z.string() })),
            masked: z.boolean(),
          }),
          404: ErrorBodySchema,
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const actor = userActor(req);
      const rootId = await rootFor(req.params.id);
      const rules = await loadIdentityRules(db);
      const reveal = actorCan(actor, 'customers:read_pii');
      const [golden, records, merges, sources] = await Promise.all([
        db.transaction().execute((trx) => goldenProvenance(trx, rootId, rules.survivorship)),
        db.selectFrom('customer').select(['id', 'source', 'created_at', 'merged_at']).where('root_id', '=', rootId).orderBy('created_at').execute(),
        db.transaction().execute((trx) => listMerges(trx, rootId)),
        listProfileSources(db, rootId),
      ]);
      return {
        rootId,
        golden: golden.map((g) => ({ ...g, value: reveal ? g.value : maskGolden(g.field, g.value), lastSeenAt: isoRequired(g.lastSeenAt) })),
        records: records.map((r) => ({ id: r.id, source: r.source, createdAt: isoRequired(r.created_at), mergedAt: iso(r.merged_at) })),
        merges: merges.map(toMergeJson),
        sources: sources.map((s) => ({ ...s, lastAt: isoRequired(s.lastAt) })),
        masked: !reveal,
      };
    },
  );

  app.get(
    '/api/customers/:id/timeline',
    {
      config: { access: read },
      schema: {
        tags: ['customers'],
        summary: 'Every event, order, refund, ticket and message of a customer (merged records included), newest first',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({
          kinds: z
            .string()
            .optional()
            .transform((v, ctx) => {
              if (!v) return undefined;
              const parts = v.split(',').filter(Boolean);
              const bad = parts.filter((p) => !(KINDS as readonly string[]).includes(p));
              if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `unknown kinds: ${bad.join(', ')}; use ${KINDS.join(', ')}` });
              return parts as (typeof KINDS)[number][];
            }),
          source: z.string().trim().max(64).optional(),
          beforeAt: z.coerce.date().optional(),
          beforeId: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                kind: z.enum(KINDS),
                id: z.string(),
                at: z.string(),
                source: z.string(),
                title: z.string(),
                subtype: z.string().nullable(),
                amountFen: z.number().nullable(),
                detail: z.record(z.string(), z.unknown()),
                recordId: z.string(),
              }),
            ),
            next: z.object({ beforeAt: z.string(), beforeId: z.string() }).nullable(),
          }),
          404: ErrorBodySchema,
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const rootId = await rootFor(req.params.id);
      const q = req.query;
      const { items, next } = await listTimeline(db, {
        rootId,
        kinds: q.kinds,
        source: q.source,
        before: q.beforeAt && q.beforeId ? { at: q.beforeAt, id: q.beforeId } : undefined,
        limit: q.limit,
      });
      const reveal = actorCan(userActor(req), 'customers:read_pii');
      return {
        // Event traits can carry contact data; without the PII permission only properties are shown.
        items: items.map((i) => ({ ...i, at: isoRequired(i.at), detail: reveal || i.kind !== 'event' ? i.detail : { properties: i.detail.properties } })),
        next: next ? { beforeAt: isoRequired(next.at), beforeId: next.id } : null,
      };
    },
  );
};
