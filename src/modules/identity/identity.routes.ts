import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, protectedErrors } from '../../http/schemas.ts';
import { writeSetting } from '../../platform/settings.ts';
import { recordAudit } from '../audit/index.ts';
import { enqueueIdentityMeasurement, identityMeasurementHistory, identityMeasurementPending, latestIdentityMeasurement } from './identity-metrics.ts';
import { IDENTITY_RULES_KEY, IdentityRulesSchema, loadIdentityRules } from './identity-rules.ts';
import { type MergeRecord, mergeCustomers, undoMerge } from './merge-customers.ts';
import { reresolveAll } from './reresolve-all.ts';

export const MergeSchema = z.object({
  id: z.string(),
  winnerId: z.string(),
  loserId: z.string(),
  rule: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  mergedAt: z.string(),
  mergedBy: z.string(),
  undoneAt: z.string().nullable(),
  undoneBy: z.string().nullable(),
});

export const toMergeJson = (m: MergeRecord) => ({ ...m, mergedAt: isoRequired(m.mergedAt), undoneAt: iso(m.undoneAt) });

const MetricsSchema = z.object({
  linkRate: z.object({
    linked: z.number(),
    total: z.number(),
    rate: z.number(),
    events: z.object({ linked: z.number(), total: z.number() }),
    orders: z.object({ linked: z.number(), total: z.number() }),
  }),
  duplicateRate: z.object({ duplicates: z.number(), customers: z.number(), rate: z.number(), conflicted: z.number() }),
  customers: z.number(),
  mergedRecords: z.number(),
  quarantined: z.number(),
  merges: z.object({ total: z.number(), undone: z.number(), last30d: z.number() }),
  measuredAt: z.string().describe('when these figures were measured (hourly, and after imports, rule changes and re-resolutions)'),
  seconds: z.number().describe('how long measuring took'),
  pending: z.boolean().describe('a new measurement is waiting or under way'),
});

export const identityRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;
  const manage = { kind: 'session', permission: 'identity:merge' } as const;

  app.post(
    '/api/identity/merges',
    {
      config: { access: manage },
      schema: {
        tags: ['identity'],
        summary: 'Merge two customers by hand (the single-value rules still apply)',
        body: z.object({ winnerId: z.string().min(1).max(64), loserId: z.string().min(1).max(64), reason: z.string().trim().max(500).optional() }),
        response: { 201: z.object({ merge: MergeSchema }), 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req, reply) => {
      const rules = await loadIdentityRules(db);
      const merge = await db.transaction().execute((trx) => mergeCustomers(trx, clock, userActor(req), rules, req.body));
      return reply.status(201).send({ merge: toMergeJson(merge) });
    },
  );

  app.post(
    '/api/identity/merges/:id/undo',
    {
      config: { access: manage },
      schema: {
        tags: ['identity'],
        summary: 'Undo a merge: both customers come back exactly as they were',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: z.object({ merge: MergeSchema }), 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      const rules = await loadIdentityRules(db);
      return { merge: toMergeJson(await db.transaction().execute((trx) => undoMerge(trx, clock, userActor(req), rules, req.params.id))) };
    },
  );

  app.get(
    '/api/identity/metrics',
    {
      config: { access: { kind: 'session', permission: 'dashboard:read' } },
      schema: { tags: ['identity'], summary: 'Identity link rate and duplicate rate', response: { 200: MetricsSchema, ...protectedErrors } },
    },
    async () => {
      const m = await latestIdentityMeasurement(db, clock, await loadIdentityRules(db));
      return { ...m, measuredAt: isoRequired(m.measuredAt), pending: await identityMeasurementPending(db) };
    },
  );

  app.get(
    '/api/identity/metrics/history',
    {
      config: { access: { kind: 'session', permission: 'dashboard:read' } },
      schema: {
        tags: ['identity'],
        summary: 'The latest measurements of the link and duplicate rates, oldest first',
        querystring: z.object({ limit: z.coerce.number().int().min(2).max(2_000).default(500) }),
        response: {
          200: z.object({
            items: z.array(z.object({ measuredAt: z.string(), linkRate: z.number(), duplicateRate: z.number(), customers: z.number() })),
          }),
          ...protectedErrors,
        },
      },
    },
    async (req) => ({
      items: (await identityMeasurementHistory(db, req.query.limit)).map((p) => ({ ...p, measuredAt: isoRequired(p.measuredAt) })),
    }),
  );

  app.post(
    '/api/identity/metrics/measure',
    {
      config: { access: manage },
      schema: {
        tags: ['identity'],
        summary: 'Take a new measurement of the identity metrics (a job; read them again when `pending` is false)',
        response: { 202: z.object({ pending: z.literal(true) }), ...protectedErrors },
      },
    },
    async (_req, reply) => {
      await enqueueIdentityMeasurement(db);
      return reply.code(202).send({ pending: true as const });
    },
  );

  app.get(
    '/api/identity/rules',
    {
      config: { access: { kind: 'session', permission: 'ingest:read' } },
      schema: {
        tags: ['identity'],
        summary: 'Merge rules, limits and survivorship',
        response: { 200: z.object({ rules: IdentityRulesSchema }), ...protectedErrors },
      },
    },
    async () => ({ rules: await loadIdentityRules(db) }),
  );

  app.put(
    '/api/identity/rules',
    {
      config: { access: manage },
      schema: {
        tags: ['identity'],
        summary: 'Change merge rules, limits and survivorship',
        body: IdentityRulesSchema,
        response: { 200: z.object({ rules: IdentityRulesSchema }), ...protectedErrors },
      },
    },
    async (req) => {
      const actor = userActor(req);
      await db.transaction().execute(async (trx) => {
        await writeSetting(trx, IDENTITY_RULES_KEY, req.body, actor.id, clock.now());
        await recordAudit(trx, clock, actor, { action: 'identity.rules_update', subjectType: 'setting', subjectId: IDENTITY_RULES_KEY });
      });
      // The duplicate rate is what the rules would merge.
      await enqueueIdentityMeasurement(db);
      return { rules: req.body };
    },
  );

  app.post(
    '/api/identity/reresolve',
    {
      config: { access: manage },
      schema: {
        tags: ['identity'],
        summary: 'Re-run resolution over every customer (dryRun measures only)',
        body: z.object({ dryRun: z.boolean().default(true) }),
        response: {
          200: z.object({
            roots: z.number(),
            components: z.number(),
            duplicates: z.number(),
            duplicateRate: z.number(),
            conflicted: z.number(),
            quarantined: z.number().describe('shared values (a front-desk phone) quarantined instead of linking customers'),
            iterations: z.number(),
            applied: z.boolean(),
            seconds: z.number(),
          }),
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const actor = userActor(req);
      const report = await reresolveAll(db, clock, await loadIdentityRules(db), { apply: !req.body.dryRun });
      if (report.applied) {
        await db.transaction().execute((trx) =>
          recordAudit(trx, clock, actor, {
            action: 'identity.reresolve',
            details: { merged: report.duplicates, conflicted: report.conflicted, quarantined: report.quarantined },
          }),
        );
        await enqueueIdentityMeasurement(db);
      }
      return report;
    },
  );
};
