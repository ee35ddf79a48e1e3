import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../../http/access.ts';
import { ErrorBodySchema, isoRequired, protectedErrors } from '../../../http/schemas.ts';
import { recordAudit } from '../../audit/index.ts';
import { enqueueRetier } from './retier.ts';
import { type CustomerSegment, getCustomerSegment, getValueDashboard, isRunPending, listRuns, type RunRecord } from './segmentation-queries.ts';
import { loadSegmentationSettings, SegmentationSettingsSchema, updateSegmentationSettings } from './settings.ts';
import { activateTierScheme, listTierSchemes, type TierScheme, updateTierScheme } from './tier-schemes.ts';

const STAGES = ['new', 'active', 'dormant', 'churned', 'won_back'] as const;

const SchemeConfigJson = z.object({ upperFen: z.number(), lowerFen: z.number(), inactiveDays: z.number(), spendWindowDays: z.number() });
const SchemeSchema = z.object({
  id: z.string(),
  preset: z.enum(['annual_review', 'loyalty_study']),
  active: z.boolean(),
  config: SchemeConfigJson,
  defaults: SchemeConfigJson,
  tiers: z.array(z.string()),
  updatedAt: z.string(),
  updatedBy: z.string().nullable(),
});
const toSchemeJson = (s: TierScheme) => ({ ...s, updatedAt: isoRequired(s.updatedAt) });

const RunSchema = z.object({
  id: z.string(),
  trigger: z.enum(['schedule', 'manual', 'cli', 'demo']),
  triggeredBy: z.string().nullable(),
  asOf: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  schemeId: z.string(),
  scheme: z.object({ preset: z.string(), config: z.record(z.string(), z.number()) }),
  settings: z.object({
    rfm: z.object({ windowDays: z.number().nullable(), buckets: z.number() }),
    lifecycle: z.record(z.string(), z.number()),
  }),
  customers: z.number(),
  scored: z.number(),
  tierChanges: z.number(),
  stageChanges: z.number(),
  cutPoints: z.object({ recency: z.array(z.number()), frequency: z.array(z.number()), monetary: z.array(z.number()) }),
  summary: z.object({
    tiers: z.array(z.object({ tier: z.string(), customers: z.number() })),
    movement: z.array(z.object({ fromSchemeId: z.string().nullable(), fromTier: z.string().nullable(), toTier: z.string(), customers: z.number() })),
    stages: z.array(z.object({ stage: z.enum(STAGES), customers: z.number() })),
    stageMovement: z.array(z.object({ fromStage: z.enum(STAGES).nullable(), toStage: z.enum(STAGES), customers: z.number() })),
    heatmap: z.array(z.object({ r: z.number(), f: z.number(), customers: z.number(), avgMonetaryFen: z.number() })),
  }),
});
const toRunJson = (r: RunRecord) => ({ ...r, asOf: isoRequired(r.asOf), startedAt: isoRequired(r.startedAt), finishedAt: isoRequired(r.finishedAt) });

const SegmentSchema = z.object({
  customerId: z.string(),
  tier: z
    .object({
      schemeId: z.string(),
      tier: z.string(),
      since: z.string(),
      reason: z.string(),
      reasonDetail: z.record(z.string(), z.unknown()),
      spendFen: z.number(),
    })
    .nullable(),
  stage: z.object({ stage: z.enum(STAGES), since: z.string() }).nullable(),
  rfm: z
    .object({
      runId: z.string(),
      asOf: z.string(),
      recencyDays: z.number(),
      frequency: z.number(),
      monetaryFen: z.number(),
      r: z.number(),
      f: z.number(),
      m: z.number(),
      buckets: z.number(),
    })
    .nullable(),
  tierHistory: z.array(
    z.object({
      runId: z.string(),
      changedAt: z.string(),
      schemeId: z.string(),
      fromSchemeId: z.string().nullable(),
      fromTier: z.string().nullable(),
      toTier: z.string(),
      reason: z.string(),
      reasonDetail: z.record(z.string(), z.unknown()),
    }),
  ),
  stageHistory: z.array(z.object({ runId: z.string(), changedAt: z.string(), fromStage: z.enum(STAGES).nullable(), toStage: z.enum(STAGES) })),
});
const toSegmentJson = (s: CustomerSegment) => ({
  ...s,
  tier: s.tier && { ...s.tier, since: isoRequired(s.tier.since) },
  stage: s.stage && { ...s.stage, since: isoRequired(s.stage.since) },
  rfm: s.rfm && { ...s.rfm, asOf: isoRequired(s.rfm.asOf) },
  tierHistory: s.tierHistory.map((h) => ({ ...h, changedAt: isoRequired(h.changedAt) })),
  stageHistory: s.stageHistory.map((h) => ({ ...h, changedAt: isoRequired(h.changedAt) })),
});

export const segmentationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;
  const read = { kind: 'session', permission: 'intelligence:read' } as const;
  const manage = { kind: 'session', permission: 'intelligence:manage' } as const;
  const tags = ['segmentation'];

  app.get(
    '/api/segmentation/dashboard',
    {
      config: { access: read },
      schema: {
        tags,
        summary: 'Value dashboard: the last two runs (tier distribution and movement, RFM heatmap, lifecycle funnel)',
        response: { 200: z.object({ latest: RunSchema.nullable(), previous: RunSchema.nullable(), pending: z.boolean() }), ...protectedErrors },
      },
    },
    async () => {
      const d = await getValueDashboard(db);
      return { latest: d.latest && toRunJson(d.latest), previous: d.previous && toRunJson(d.previous), pending: d.pending };
    },
  );

  app.get(
    '/api/segmentation/runs',
    {
      config: { access: read },
      schema: {
        tags,
        summary: 'Recent RFM / tier / lifecycle runs, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.object({ items: z.array(RunSchema), pending: z.boolean() }), ...protectedErrors },
      },
    },
    async (req) => ({ items: (await listRuns(db, req.query.limit)).map(toRunJson), pending: await isRunPending(db) }),
  );

  app.post(
    '/api/segmentation/runs',
    {
      config: { access: manage },
      schema: {
        tags,
        summary: 'Re-tier every customer now (queued for the worker; the dashboard shows the run when it ends)',
        response: { 202: z.object({ queued: z.literal(true) }), ...protectedErrors },
      },
    },
    async (req, reply) => {
      const actor = userActor(req);
      await db.transaction().execute(async (trx) => {
        await enqueueRetier(trx, clock, actor.id);
        await recordAudit(trx, clock, actor, { action: 'segmentation.run', subjectType: 'segmentation' });
      });
      return reply.status(202).send({ queued: true });
    },
  );

  app.get(
    '/api/segmentation/schemes',
    {
      config: { access: read },
      schema: {
        tags,
        summary: 'Tier schemes (presets) with their thresholds; one is active',
        response: { 200: z.object({ items: z.array(SchemeSchema) }), ...protectedErrors },
      },
    },
    async () => ({ items: (await listTierSchemes(db)).map(toSchemeJson) }),
  );

  app.put(
    '/api/segmentation/schemes/:id',
    {
      config: { access: manage },
      schema: {
        tags,
        summary: "Change a scheme's thresholds (fen per year, days); takes effect at the next run",
        params: z.object({ id: z.string().min(1).max(64) }),
        body: z.object({ upperFen: z.unknown(), lowerFen: z.unknown(), inactiveDays: z.unknown(), spendWindowDays: z.unknown() }).partial(),
        response: { 200: z.object({ scheme: SchemeSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      const actor = userActor(req);
      const scheme = await db.transaction().execute((trx) => updateTierScheme(trx, clock, actor, req.params.id, req.body));
      return { scheme: toSchemeJson(scheme) };
    },
  );

  app.post(
    '/api/segmentation/schemes/:id/activate',
    {
      config: { access: manage },
      schema: {
        tags,
        summary: 'Make this scheme the active one (used from the next run)',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: z.object({ scheme: SchemeSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      const actor = userActor(req);
      const scheme = await db.transaction().execute((trx) => activateTierScheme(trx, clock, actor, req.params.id));
      return { scheme: toSchemeJson(scheme) };
    },
  );

  app.get(
    '/api/segmentation/settings',
    {
      config: { access: read },
      schema: {
        tags,
        summary: 'RFM window and buckets, lifecycle thresholds, re-tiering schedule',
        response: { 200: z.object({ settings: SegmentationSettingsSchema }), ...protectedErrors },
      },
    },
    async () => ({ settings: await loadSegmentationSettings(db) }),
  );

  app.put(
    '/api/segmentation/settings',
    {
      config: { access: manage },
      schema: {
        tags,
        summary: 'Change RFM, lifecycle and schedule settings',
        body: z.record(z.string(), z.unknown()),
        response: { 200: z.object({ settings: SegmentationSettingsSchema }), ...protectedErrors },
      },
    },
    async (req) => {
      const actor = userActor(req);
      return { settings: await db.transaction().execute((trx) => updateSegmentationSettings(trx, clock, actor, req.body)) };
    },
  );

  app.get(
    '/api/segmentation/customers/:id',
    {
      config: { access: read },
      schema: {
        tags,
        summary: "A customer's tier (with reason), lifecycle stage, RFM scores and their history",
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: SegmentSchema, 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => toSegmentJson(await getCustomerSegment(db, req.params.id)),
  );
};
