import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, protectedErrors } from '../../../http/schemas.ts';
import { AppError } from '../../../platform/errors.ts';
import { listSourceEvents, parseEventCursor } from './list-source-events.ts';
import { listSourceRejections } from './list-source-rejections.ts';
import { getSourceSummary, listSourceSummaries, type SourceSummary } from './list-sources.ts';
import { EVENT_TYPES } from './segment-schema.ts';

const SourceSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['http', 'file', 'webhook', 'console']),
  trustRank: z.number(),
  createdAt: z.string(),
  events24h: z.number().int(),
  rejections24h: z.number().int(),
  lastEventAt: z.string().nullable(),
});
const EventSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  type: z.enum(EVENT_TYPES),
  name: z.string().nullable(),
  userId: z.string().nullable(),
  anonymousId: z.string().nullable(),
  customerId: z.string().nullable().describe('null while the event waits for identity resolution'),
  pending: z.boolean().describe('stored, but its customer not resolved yet'),
  occurredAt: z.string(),
  receivedAt: z.string(),
  properties: z.unknown(),
  traits: z.unknown(),
  context: z.unknown(),
});
const RejectionSchema = z.object({
  id: z.number().int(),
  receivedAt: z.string(),
  type: z.string().nullable(),
  name: z.string().nullable(),
  field: z.string(),
  reason: z.string(),
});
const Params = z.object({ id: z.string().min(1).max(64) });
const Limit = z.coerce.number().int().min(1).max(200).default(50);

const toSourceJson = (s: SourceSummary) => ({ ...s, createdAt: isoRequired(s.createdAt), lastEventAt: iso(s.lastEventAt) });

/** The event debugger's API: sources with their recent activity, their accepted events and rejections. */
export const sourcesRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;
  const access = { kind: 'session', permission: 'ingest:read' } as const;

  app.get(
    '/api/sources',
    {
      config: { access },
      schema: {
        tags: ['sources'],
        summary: 'Data sources with events and rejections of the last 24 h',
        response: { 200: z.object({ items: z.array(SourceSchema) }), ...protectedErrors },
      },
    },
    async () => ({ items: (await listSourceSummaries(db, clock.now())).map(toSourceJson) }),
  );

  app.get(
    '/api/sources/:id',
    {
      config: { access },
      schema: {
        tags: ['sources'],
        summary: 'One data source',
        params: Params,
        response: { 200: z.object({ source: SourceSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ source: toSourceJson(await getSourceSummary(db, clock.now(), req.params.id)) }),
  );

  app.get(
    '/api/sources/:id/events',
    {
      config: { access },
      schema: {
        tags: ['sources'],
        summary: "A source's latest accepted events, newest first (email and phone masked without customers:read_pii)",
        params: Params,
        querystring: z.object({ limit: Limit, before: z.string().max(100).optional().describe('nextBefore of the previous page, or an ISO time') }),
        response: {
          200: z.object({ items: z.array(EventSchema), nextBefore: z.string().nullable(), masked: z.boolean() }),
          404: ErrorBodySchema,
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const before = req.query.before === undefined ? undefined : parseEventCursor(req.query.before);
      if (req.query.before !== undefined && !before) {
        throw new AppError('request.invalid', 'before is not a cursor', { fields: [{ path: 'querystring.before', message: 'expected an ISO time' }] });
      }
      const page = await listSourceEvents(db, clock, userActor(req), { sourceId: req.params.id, limit: req.query.limit, before });
      return {
        ...page,
        items: page.items.map((e) => ({ ...e, occurredAt: isoRequired(e.occurredAt), receivedAt: isoRequired(e.receivedAt) })),
      };
    },
  );

  app.get(
    '/api/sources/:id/rejections',
    {
      config: { access },
      schema: {
        tags: ['sources'],
        summary: "A source's latest rejections: the field and the reason",
        params: Params,
        querystring: z.object({ limit: Limit, before: z.coerce.number().int().min(1).optional() }),
        response: { 200: z.object({ items: z.array(RejectionSchema), nextBefore: z.number().int().nullable() }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      const page = await listSourceRejections(db, { sourceId: req.params.id, limit: req.query.limit, before: req.query.before });
      return { ...page, items: page.items.map((r) => ({ ...r, receivedAt: isoRequired(r.receivedAt) })) };
    },
  );
};
