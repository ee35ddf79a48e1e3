import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../modules/audit/index.ts';
import { listParkedEvents, type ParkedEvent, retryParkedEvent } from '../platform/outbox.ts';
import { userActor } from './access.ts';
import { ErrorBodySchema, isoRequired, PageQuerySchema, protectedErrors } from './schemas.ts';

/** A parked event as the console sees it: which consumer gave up on which event, and why (no payload). */
const ParkedEventSchema = z.object({
  eventId: z.string(),
  consumer: z.string(),
  topic: z.string(),
  eventCreatedAt: z.string(),
  attempts: z.number(),
  lastError: z.string(),
  firstFailedAt: z.string(),
  lastFailedAt: z.string(),
  parkedAt: z.string(),
});

const toJson = (p: ParkedEvent) => ({
  ...p,
  eventCreatedAt: isoRequired(p.eventCreatedAt),
  firstFailedAt: isoRequired(p.firstFailedAt),
  lastFailedAt: isoRequired(p.lastFailedAt),
  parkedAt: isoRequired(p.parkedAt),
});

const RetryParamsSchema = z.object({
  eventId: z.string().regex(/^obx_[0-9a-f]{28}$/, 'an outbox event id (obx_…)'),
  consumer: z.string().regex(/^[a-z][a-z0-9_.:-]{0,99}$/, 'a consumer name, e.g. tags or loyalty.merge'),
});

/**
 * Outbox events a consumer gave up on after repeated failures ("parked"), for admins: the list, and Retry,
 * which un-parks one so the next dispatch tries it again (audited).
 */
export const outboxRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;
  // Admin only: users:manage is the permission only administrators hold.
  const access = { kind: 'session', permission: 'users:manage' } as const;

  app.get(
    '/api/outbox/parked',
    {
      config: { access },
      schema: {
        tags: ['system'],
        summary: 'Events parked by a consumer after repeated failures, most recently parked first',
        querystring: PageQuerySchema,
        response: {
          200: z.object({ items: z.array(ParkedEventSchema), total: z.number(), page: z.number(), pageSize: z.number() }),
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const { items, total } = await listParkedEvents(db, req.query);
      return { items: items.map(toJson), total, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  app.post(
    '/api/outbox/parked/:eventId/:consumer/retry',
    {
      config: { access },
      schema: {
        tags: ['system'],
        summary: 'Un-park an event for its consumer: the next dispatch tries it again',
        params: RetryParamsSchema,
        response: { 200: z.object({ retried: ParkedEventSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      const actor = userActor(req);
      const retried = await db.transaction().execute(async (trx) => {
        const parked = await retryParkedEvent(trx, req.params);
        await recordAudit(trx, clock, actor, {
          action: 'outbox.retry',
          subjectType: 'outbox_event',
          subjectId: parked.eventId,
          details: { consumer: parked.consumer, topic: parked.topic, attempts: parked.attempts },
        });
        return parked;
      });
      return { retried: toJson(retried) };
    },
  );
};
