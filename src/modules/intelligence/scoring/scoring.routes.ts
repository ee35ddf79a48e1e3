import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, PageQuerySchema, protectedErrors } from '../../../http/schemas.ts';
import { AppError } from '../../../platform/errors.ts';
import { writeSetting } from '../../../platform/settings.ts';
import { recordAudit } from '../../audit/index.ts';
import { rootOf } from '../../customers/index.ts';
import { getCustomerScores } from './customer-scores.ts';
import { CHURN_SORTS, listChurnRisk, listChurnTiers } from './list-churn-risk.ts';
import { latestRuns, listRuns, type ModelRun } from './model-runs.repository.ts';
import { queueModelRun } from './run-model.ts';
import { QUADRANTS } from './score-clv.ts';
import type { ModelKind } from './scoring.tables.ts';
import { loadScoringSettings, SCORING_SETTINGS_KEY, ScoringSettingsSchema } from './scoring-settings.ts';
import { listValuePotential, valuePotentialSummary } from './value-potential.ts';

const KINDS = ['clv', 'churn'] as const;

const RunSchema = z.object({
  id: z.string(),
  kind: z.enum(KINDS),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  trigger: z.enum(['schedule', 'manual', 'cli', 'demo', 'test']),
  requestedBy: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  diagnostics: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});

const toRunJson = (r: ModelRun) => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  trigger: r.trigger,
  requestedBy: r.requestedBy,
  createdAt: isoRequired(r.createdAt),
  startedAt: iso(r.startedAt),
  finishedAt: iso(r.finishedAt),
  diagnostics: r.diagnostics,
  error: r.error,
});

const KindStatusSchema = z.object({ latest: RunSchema.nullable(), lastSuccess: RunSchema.nullable() });

const FactorSchema = z.object({ feature: z.string(), value: z.number().nullable(), contribution: z.number() });

const QuadrantSchema = z.enum(QUADRANTS);

export const scoringRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;
  const read = { kind: 'session', permission: 'intelligence:read' } as const;
  const manage = { kind: 'session', permission: 'intelligence:manage' } as const;

  const kindStatus = async (kind: ModelKind) => {
    const { latest, lastSuccess } = await latestRuns(db, kind);
    return { latest: latest ? toRunJson(latest) : null, lastSuccess: lastSuccess ? toRunJson(lastSuccess) : null };
  };

  app.get(
    '/api/intelligence/models',
    {
      config: { access: read },
      schema: {
        tags: ['intelligence'],
        summary: 'CLV (BG/NBD + Gamma-Gamma) and churn models: latest run, last successful run with its diagnostics',
        response: { 200: z.object({ clv: KindStatusSchema, churn: KindStatusSchema }), ...protectedErrors },
      },
    },
    async () => ({ clv: await kindStatus('clv'), churn: await kindStatus('churn') }),
  );

  app.get(
    '/api/intelligence/models/runs',
    {
      config: { access: read },
      schema: {
        tags: ['intelligence'],
        summary: 'Model runs, newest first',
        querystring: PageQuerySchema.extend({ kind: z.enum(KINDS).optional() }),
        response: { 200: z.object({ items: z.array(RunSchema), total: z.number(), page: z.number(), pageSize: z.number() }), ...protectedErrors },
      },
    },
    async (req) => {
      const { items, total } = await listRuns(db, req.query);
      return { items: items.map(toRunJson), total, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  app.post(
    '/api/intelligence/models/runs',
    {
      config: { access: manage },
      schema: {
        tags: ['intelligence'],
        summary: 'Queue a run now (clv, churn or both); the job worker runs it',
        body: z.object({ kind: z.enum(['clv', 'churn', 'all']) }),
        response: { 202: z.object({ runs: z.array(RunSchema) }), 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req, reply) => {
      const actor = userActor(req);
      const kinds: ModelKind[] = req.body.kind === 'all' ? ['clv', 'churn'] : [req.body.kind];
      const runs = await db.transaction().execute(async (trx) => {
        const queued: ModelRun[] = [];
        for (const kind of kinds) queued.push(await queueModelRun(trx, clock, { kind, trigger: 'manual', requestedBy: actor.id }));
        await recordAudit(trx, clock, actor, { action: 'intelligence.model_run', subjectType: 'model_run', details: { runs: queued.map((r) => r.id), kinds } });
        return queued;
      });
      return reply.status(202).send({ runs: runs.map(toRunJson) });
    },
  );

  app.get(
    '/api/intelligence/scoring/settings',
    {
      config: { access: read },
      schema: {
        tags: ['intelligence'],
        summary: 'Scoring schedules and model settings',
        response: { 200: z.object({ settings: ScoringSettingsSchema }), ...protectedErrors },
      },
    },
    async () => ({ settings: await loadScoringSettings(db) }),
  );

  app.put(
    '/api/intelligence/scoring/settings',
    {
      config: { access: manage },
      schema: {
        tags: ['intelligence'],
        summary: 'Change scoring schedules and model settings (used from the next run)',
        body: ScoringSettingsSchema,
        response: { 200: z.object({ settings: ScoringSettingsSchema }), ...protectedErrors },
      },
    },
    async (req) => {
      const actor = userActor(req);
      await db.transaction().execute(async (trx) => {
        const before = await loadScoringSettings(trx);
        await writeSetting(trx, SCORING_SETTINGS_KEY, req.body, actor.id, clock.now());
        await recordAudit(trx, clock, actor, {
          action: 'intelligence.scoring_settings_update',
          subjectType: 'setting',
          subjectId: SCORING_SETTINGS_KEY,
          details: { before, after: req.body },
        });
      });
      return { settings: req.body };
    },
  );

  app.get(
    '/api/intelligence/churn-risk',
    {
      config: { access: read },
      schema: {
        tags: ['intelligence'],
        summary: 'Customers by churn risk × current value, with the factors behind each score',
        querystring: PageQuerySchema.extend({
          minRisk: z.coerce.number().min(0).max(1).optional(),
          minValueFen: z.coerce.number().int().min(0).optional(),
          tier: z.string().trim().min(1).max(64).optional(),
          sort: z.enum(CHURN_SORTS).default('priority'),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                customerId: z.string(),
                displayName: z.string(),
                risk: z.number(),
                value12mFen: z.number(),
                priority: z.number(),
                clv12mFen: z.number().nullable(),
                tier: z.string().nullable(),
                factors: z.array(FactorSchema),
                scoredAt: z.string(),
              }),
            ),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
            masked: z.boolean(),
          }),
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const result = await listChurnRisk(db, clock, userActor(req), req.query);
      return { ...result, page: req.query.page, pageSize: req.query.pageSize, items: result.items.map((i) => ({ ...i, scoredAt: isoRequired(i.scoredAt) })) };
    },
  );

  app.get(
    '/api/intelligence/churn-risk/tiers',
    {
      config: { access: read },
      schema: {
        tags: ['intelligence'],
        summary: 'Tiers of the scored customers, for the churn-risk filter',
        response: { 200: z.object({ items: z.array(z.object({ tier: z.string(), customers: z.number() })) }), ...protectedErrors },
      },
    },
    async () => ({ items: await listChurnTiers(db) }),
  );

  app.get(
    '/api/intelligence/value-potential',
    {
      config: { access: read },
      schema: {
        tags: ['intelligence'],
        summary: 'Value × potential: quadrant sizes and a scatter sample (current value vs 12-month CLV)',
        response: {
          200: z.object({
            customers: z.number(),
            quadrants: z.array(z.object({ quadrant: QuadrantSchema, customers: z.number(), value12mFen: z.number(), clv12mFen: z.number() })),
            sample: z.array(z.object({ value12mFen: z.number(), clv12mFen: z.number(), potentialIndex: z.number(), quadrant: QuadrantSchema })),
            scoredAt: z.string().nullable(),
            thresholds: z.object({ highValuePercentile: z.number(), lowValuePercentile: z.number(), highPotentialPercentile: z.number() }),
          }),
          ...protectedErrors,
        },
      },
    },
    async () => {
      const [summary, settings] = await Promise.all([valuePotentialSummary(db), loadScoringSettings(db)]);
      return { ...summary, scoredAt: iso(summary.scoredAt), thresholds: settings.valuePotential };
    },
  );

  app.get(
    '/api/intelligence/value-potential/customers',
    {
      config: { access: read },
      schema: {
        tags: ['intelligence'],
        summary: 'Customers of one value × potential quadrant, highest potential index first',
        querystring: PageQuerySchema.extend({ quadrant: QuadrantSchema }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                customerId: z.string(),
                displayName: z.string(),
                value12mFen: z.number(),
                clv12mFen: z.number(),
                valuePercentile: z.number(),
                clvPercentile: z.number(),
                potentialIndex: z.number(),
                quadrant: QuadrantSchema,
                pAlive: z.number(),
                expectedPurchases90d: z.number(),
              }),
            ),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
            masked: z.boolean(),
          }),
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const result = await listValuePotential(db, clock, userActor(req), req.query);
      return { ...result, page: req.query.page, pageSize: req.query.pageSize };
    },
  );

  app.get(
    '/api/customers/:id/scores',
    {
      config: { access: read },
      schema: {
        tags: ['intelligence'],
        summary: "A customer's CLV, P(alive), value × potential and churn risk with its factors (merged records resolve to the root)",
        params: z.object({ id: z.string().min(1).max(64) }),
        response: {
          200: z.object({
            rootId: z.string(),
            clv: z
              .object({
                runId: z.string(),
                pAlive: z.number(),
                expectedPurchases30d: z.number(),
                expectedPurchases90d: z.number(),
                expectedPurchases365d: z.number(),
                expectedSpendFen: z.number(),
                clv12mFen: z.number(),
                value12mFen: z.number(),
                potentialIndex: z.number(),
                quadrant: QuadrantSchema,
                frequency: z.number(),
                recencyDays: z.number(),
                ageDays: z.number(),
                scoredAt: z.string(),
              })
              .nullable(),
            churn: z.object({ runId: z.string(), risk: z.number(), value12mFen: z.number(), factors: z.array(FactorSchema), scoredAt: z.string() }).nullable(),
          }),
          404: ErrorBodySchema,
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const rootId = await db.transaction().execute((trx) => rootOf(trx, req.params.id));
      if (!rootId) throw new AppError('customers.not_found', `no customer ${req.params.id}`);
      const scores = await getCustomerScores(db, rootId);
      return {
        rootId,
        clv: scores.clv ? { ...scores.clv, scoredAt: isoRequired(scores.clv.scoredAt) } : null,
        churn: scores.churn ? { ...scores.churn, scoredAt: isoRequired(scores.churn.scoredAt) } : null,
      };
    },
  );
};
