import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoRequired, PageQuerySchema, protectedErrors } from '../../http/schemas.ts';
import { listAudit, listAuditActions } from './list-audit.ts';
import { verifyAuditChain } from './verify-audit-chain.ts';

const EntrySchema = z.object({
  seq: z.number(),
  id: z.string(),
  at: z.string(),
  actorType: z.enum(['user', 'api_key', 'system', 'cli']),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps;
  const access = { kind: 'session', permission: 'audit:read' } as const;

  app.get(
    '/api/audit',
    {
      config: { access },
      schema: {
        tags: ['audit'],
        summary: 'Search the audit log, newest first',
        querystring: PageQuerySchema.extend({
          pageSize: z.coerce.number().int().min(1).max(200).default(50),
          actor: z.string().trim().max(100).optional(),
          action: z.string().trim().max(100).optional(),
          subjectType: z.string().trim().max(50).optional(),
          subjectId: z.string().trim().max(100).optional(),
          from: z.coerce.date().optional(),
          to: z.coerce.date().optional(),
        }),
        response: { 200: z.object({ items: z.array(EntrySchema), total: z.number(), page: z.number(), pageSize: z.number() }), ...protectedErrors },
      },
    },
    async (req) => {
      const { items, total } = await listAudit(db, req.query);
      return { items: items.map((e) => ({ ...e, at: isoRequired(e.at) })), total, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  app.get(
    '/api/audit/actions',
    {
      config: { access },
      schema: { tags: ['audit'], summary: 'Distinct actions, for filters', response: { 200: z.object({ actions: z.array(z.string()) }), ...protectedErrors } },
    },
    async () => ({ actions: await listAuditActions(db) }),
  );

  app.get(
    '/api/audit/verify',
    {
      config: { access },
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain; names every modified or deleted row',
        response: {
          200: z.object({
            ok: z.boolean(),
            checked: z.number(),
            problems: z.array(z.object({ seq: z.number(), kind: z.enum(['modified', 'deleted', 'broken_link']), message: z.string() })),
          }),
          ...protectedErrors,
        },
      },
    },
    async () => verifyAuditChain(db),
  );
};
