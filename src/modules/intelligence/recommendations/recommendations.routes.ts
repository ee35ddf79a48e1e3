import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, protectedErrors } from '../../../http/schemas.ts';
import { listSwitchHistory, readSwitch, type SwitchChange, setEmergencyStop } from './emergency-stop.ts';
import { recommendationsFor } from './serve-recommendations.ts';
import { latestModel, listTrainings, type ModelSummary, trainRecommendations } from './train-recommendations.ts';

const ListMetricsSchema = z.object({
  hitRate: z.number().nullable(),
  coverage: z.number().nullable(),
  gini: z.number().nullable(),
  intraListDiversity: z.number().nullable(),
});
const ModeMetricsSchema = z.object({ personalised: ListMetricsSchema, popular: ListMetricsSchema });

const ModelSchema = z.object({
  id: z.string(),
  trainedAt: z.string(),
  trainedBy: z.string(),
  baskets: z.number(),
  items: z.number(),
  pairs: z.number(),
  maxNeighbours: z.number(),
  seconds: z.number(),
  metrics: z.object({ k: z.number(), customers: z.number(), crossSell: ModeMetricsSchema, nextProducts: ModeMetricsSchema }).nullable(),
});

const SwitchChangeSchema = z.object({ id: z.string(), stopped: z.boolean(), reason: z.string(), at: z.string(), by: z.string() });

const toModelJson = (m: ModelSummary) => ({ ...m, trainedAt: isoRequired(m.trainedAt) });
const toChangeJson = (c: SwitchChange) => ({ ...c, at: isoRequired(c.at) });

export const recommendationsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;

  app.get(
    '/api/customers/:id/recommendations',
    {
      config: { access: { kind: 'session', permission: 'customers:read' } },
      schema: {
        tags: ['recommendations'],
        summary: 'Next products for a customer; says whether the model (personalised) or the most-popular list served them',
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({
          k: z.coerce.number().int().min(1).max(50).default(10),
          crossSell: z
            .enum(['true', 'false'])
            .default('true')
            .transform((v) => v === 'true'),
        }),
        response: {
          200: z.object({
            customerId: z.string(),
            mode: z.enum(['personalised', 'popular']),
            reason: z.enum(['model', 'emergency_stop', 'no_history', 'no_model']),
            crossSell: z.boolean(),
            modelId: z.string().nullable(),
            items: z.array(z.object({ sku: z.string(), name: z.string() })),
          }),
          404: ErrorBodySchema,
          ...protectedErrors,
        },
      },
    },
    async (req) => recommendationsFor(db, req.params.id, req.query),
  );

  app.get(
    '/api/recommendations',
    {
      config: { access: { kind: 'session', permission: 'intelligence:read' } },
      schema: {
        tags: ['recommendations'],
        summary: 'The current model with its hold-out hit rate and diversity, past trainings, the emergency stop and its history',
        response: {
          200: z.object({
            model: ModelSchema.nullable(),
            trainings: z.array(ModelSchema),
            switch: z.object({ stopped: z.boolean(), at: z.string().nullable(), by: z.string().nullable(), reason: z.string().nullable() }),
            history: z.array(SwitchChangeSchema),
          }),
          ...protectedErrors,
        },
      },
    },
    async () => {
      const [model, trainings, state, history] = await Promise.all([latestModel(db), listTrainings(db), readSwitch(db), listSwitchHistory(db)]);
      return {
        model: model ? toModelJson(model) : null,
        trainings: trainings.map(toModelJson),
        switch: { ...state, at: iso(state.at) },
        history: history.map(toChangeJson),
      };
    },
  );

  app.post(
    '/api/recommendations/train',
    {
      config: { access: { kind: 'session', permission: 'intelligence:manage' } },
      schema: {
        tags: ['recommendations'],
        summary: 'Train the model from the order lines now and measure it on held-out last orders',
        response: { 200: z.object({ model: ModelSchema }), ...protectedErrors },
      },
    },
    async (req) => ({ model: toModelJson(await trainRecommendations(db, clock, userActor(req))) }),
  );

  app.post(
    '/api/recommendations/switch',
    {
      config: { access: { kind: 'session', permission: 'recommendations:stop' } },
      schema: {
        tags: ['recommendations'],
        summary: 'Emergency stop (算法紧急制动): turn personalised recommendations off everywhere, or back on',
        body: z.object({ stopped: z.boolean(), reason: z.string().trim().min(1).max(500) }),
        response: { 200: z.object({ change: SwitchChangeSchema }), 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ change: toChangeJson(await db.transaction().execute((trx) => setEmergencyStop(trx, clock, userActor(req), req.body))) }),
  );
};
