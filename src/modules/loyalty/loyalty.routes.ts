import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { userActor } from '../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, OkSchema, protectedErrors } from '../../http/schemas.ts';
import { recordAudit } from '../audit/index.ts';
import { awardPoints, type LoyaltyCtx } from './award-points.ts';
import { type Benefit, createBenefit, listBenefits, listRedemptions, redeemBenefit, updateBenefit } from './benefits.ts';
import { type BulkGrant, createBulkGrant, decideBulkGrant, listGrants, runBulkGrant } from './bulk-grants.ts';
import { createCocreation, inviteTopMembers, listCocreations, listInvitations, setInvitationStatus, updateCocreation } from './cocreation.ts';
import { listExpiringLots } from './expire-points.ts';
import { withIssuanceAlerts } from './issuance-guard.ts';
import { readBalances } from './ledger.repository.ts';
import { LoyaltySettingsSchema, loadLoyaltySettings, tierForGrowth } from './loyalty-settings.ts';
import { enrolMember, findMember, listTierChanges, windowGrowth } from './members.ts';
import { listLedger, loyaltyOverview } from './overview.ts';
import { reconcile } from './reconcile.ts';
import { recordActivity } from './record-activity.ts';
import { redeemPoints } from './redeem-points.ts';
import { updateLoyaltySettings } from './update-loyalty-settings.ts';

const read = { kind: 'session', permission: 'loyalty:read' } as const;
const write = { kind: 'session', permission: 'loyalty:write' } as const;
const approve = { kind: 'session', permission: 'loyalty:approve' } as const;
const manage = { kind: 'session', permission: 'loyalty:manage' } as const;

const Id = z.string().min(1).max(64);
const Key = z.string().trim().min(1).max(120);
const Points = z.number().int().positive();
const errors = { 404: ErrorBodySchema, 409: ErrorBodySchema, 422: ErrorBodySchema, 429: ErrorBodySchema, ...protectedErrors };

const MovementSchema = z.object({
  id: z.string(),
  kind: z.string(),
  points: z.number(),
  reason: z.string(),
  idempotencyKey: z.string(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  actor: z.string(),
  createdAt: z.string(),
  lines: z.array(z.object({ account: z.string(), delta: z.number() })),
});
const MemberSchema = z.object({
  customerId: z.string(),
  memberNo: z.string(),
  tier: z.string(),
  growth: z.number(),
  windowGrowth: z.number(),
  qualifiedTier: z.string(),
  enrolledAt: z.string(),
  enrolledVia: z.string(),
  tierSince: z.string(),
  graceUntil: z.string().nullable(),
});
const BenefitSchema = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.enum(['own', 'partner']),
  partnerName: z.string().nullable(),
  pointsPrice: z.number(),
  minTier: z.string().nullable(),
  stockTotal: z.number(),
  stockLeft: z.number(),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  terms: z.string(),
  active: z.boolean(),
});
const BenefitBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    provider: z.enum(['own', 'partner']),
    partnerName: z.string().trim().max(120).nullish(),
    pointsPrice: z.number().int().min(0).max(10_000_000),
    minTier: z.string().max(32).nullish(),
    stockTotal: z.number().int().min(0).max(10_000_000),
    validFrom: z.iso.datetime({ offset: true }).nullish(),
    validUntil: z.iso.datetime({ offset: true }).nullish(),
    terms: z.string().trim().min(1).max(4000),
    active: z.boolean().optional(),
  })
  .refine((b) => b.provider === 'own' || Boolean(b.partnerName), { path: ['partnerName'], message: 'name the partner' })
  .refine((b) => !b.validFrom || !b.validUntil || b.validFrom < b.validUntil, { path: ['validUntil'], message: 'must be after validFrom' });
const GrantSchema = z.object({
  id: z.string(),
  title: z.string(),
  reason: z.string(),
  pointsEach: z.number(),
  targetCount: z.number(),
  totalPoints: z.number(),
  status: z.string(),
  needsApproval: z.boolean(),
  requestedBy: z.string(),
  requestedByLabel: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  granted: z.number(),
});

const TierNameSchema = z.object({ 'zh-CN': z.string(), en: z.string() });
const OverviewSchema = z.object({
  members: z.number(),
  tiers: z.array(z.object({ code: z.string(), name: TierNameSchema, members: z.number() })),
  outstanding: z.number(),
  debt: z.number(),
  issued: z.number(),
  redeemed: z.number(),
  expired: z.number(),
  reversed: z.number(),
  today: z.object({ day: z.string(), issued: z.number(), budget: z.number() }),
  pendingApprovals: z.number(),
  months: z.array(z.object({ month: z.string(), liability: z.number(), issued: z.number(), redeemed: z.number() })),
  alerts: z.array(z.object({ id: z.string(), kind: z.string(), message: z.string(), at: z.string() })),
});
const RedemptionSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  benefitId: z.string(),
  benefitName: z.string(),
  code: z.string(),
  points: z.number(),
  createdAt: z.string(),
});
const MemberDetailSchema = z.object({
  member: MemberSchema.nullable(),
  balances: z.object({ member: z.number(), pending: z.number(), debt: z.number() }),
  lots: z.array(z.object({ id: z.string(), points: z.number(), remaining: z.number(), earnedAt: z.string(), expiresAt: z.string().nullable() })),
  ledger: z.array(MovementSchema),
  tierChanges: z.array(z.object({ id: z.string(), from: z.string().nullable(), to: z.string(), reason: z.string(), growth: z.number(), at: z.string() })),
  redemptions: z.array(RedemptionSchema),
});
const ReconcileSchema = z.object({
  ok: z.boolean(),
  accounts: z.number(),
  movements: z.number(),
  totals: z.record(z.string(), z.number()),
  liabilityFromLedger: z.number(),
  liabilityFromBalances: z.number(),
  problems: z.array(
    z.object({
      kind: z.string(),
      customerId: z.string(),
      account: z.string().optional(),
      movementId: z.string().optional(),
      lotId: z.string().optional(),
      expected: z.number(),
      actual: z.number(),
    }),
  ),
  seconds: z.number(),
});
const CountsSchema = z.object({ invited: z.number(), signed_up: z.number(), participated: z.number(), declined: z.number() });
const CocreationSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.string(),
  description: z.string(),
  startsAt: z.string().nullable(),
  capacity: z.number().nullable(),
  createdAt: z.string(),
  counts: CountsSchema,
});
const CocreationBodySchema = z.object({
  title: z.string().trim().min(1).max(120),
  kind: z.enum(['product_test', 'event', 'interview']),
  description: z.string().max(2000).optional(),
  startsAt: z.iso.datetime({ offset: true }).nullish(),
  capacity: z.number().int().positive().nullish(),
});
const InvitationSchema = z.object({
  customerId: z.string(),
  memberNo: z.string(),
  tier: z.string(),
  growth: z.number(),
  status: z.string(),
  invitedAt: z.string(),
  updatedAt: z.string(),
});

const benefitJson = (b: Benefit) => ({ ...b, validFrom: iso(b.validFrom), validUntil: iso(b.validUntil) });
const grantJson = (g: BulkGrant) => ({ ...g, decidedAt: iso(g.decidedAt), createdAt: isoRequired(g.createdAt), finishedAt: iso(g.finishedAt) });
const benefitInput = (b: z.infer<typeof BenefitBodySchema>) => ({
  ...b,
  validFrom: b.validFrom ? new Date(b.validFrom) : null,
  validUntil: b.validUntil ? new Date(b.validUntil) : null,
});
// Grants this small run inside the request; bigger ones run as a job (resumable either way).
const INLINE_GRANT_LIMIT = 5_000;

export const loyaltyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;
  const ctx = async (): Promise<LoyaltyCtx> => ({ clock, settings: await loadLoyaltySettings(db) });
  const by = (req: Parameters<typeof userActor>[0]) => `user:${userActor(req).id}`;

  const startGrant = async (grant: BulkGrant): Promise<BulkGrant> => {
    if (grant.status !== 'approved') return grant;
    if (grant.targetCount <= INLINE_GRANT_LIMIT) return runBulkGrant(db, await ctx(), grant.id);
    await sql`select graphile_worker.add_job('loyalty:run_grant', json_build_object('grantId', ${grant.id}::text), job_key := ${`loyalty:grant:${grant.id}`})`.execute(
      db,
    );
    return grant;
  };

  app.get(
    '/api/loyalty/overview',
    {
      config: { access: read },
      schema: {
        tags: ['loyalty'],
        summary: 'Members by tier, liability over 12 months, issuance today, alerts',
        response: { 200: OverviewSchema, ...protectedErrors },
      },
    },
    async () => {
      const o = await loyaltyOverview(db, clock, await loadLoyaltySettings(db));
      return { ...o, alerts: o.alerts.map((a) => ({ ...a, at: isoRequired(a.at) })) };
    },
  );

  app.get(
    '/api/loyalty/settings',
    {
      config: { access: read },
      schema: { tags: ['loyalty'], summary: 'Programme settings', response: { 200: z.object({ settings: LoyaltySettingsSchema }), ...protectedErrors } },
    },
    async () => ({ settings: await loadLoyaltySettings(db) }),
  );

  app.put(
    '/api/loyalty/settings',
    {
      config: { access: manage },
      schema: {
        tags: ['loyalty'],
        summary: 'Change tiers, earn rules, expiry, guards, enrolment (the body is the settings object returned by GET)',
        // Validated by the use case, which names each bad field under `loyalty.invalid_settings`.
        body: z.record(z.string(), z.unknown()),
        response: { 200: z.object({ settings: LoyaltySettingsSchema }), ...protectedErrors },
      },
    },
    async (req) => ({ settings: await db.transaction().execute((trx) => updateLoyaltySettings(trx, clock, userActor(req), req.body)) }),
  );

  app.get(
    '/api/loyalty/members/:customerId',
    {
      config: { access: read },
      schema: {
        tags: ['loyalty'],
        summary: 'A member: tier, growth value, balance, lots with expiry dates, full ledger, redemptions',
        params: z.object({ customerId: Id }),
        response: { 200: MemberDetailSchema, 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      const { customerId } = req.params;
      const settings = await loadLoyaltySettings(db);
      const member = await findMember(db, customerId);
      const windowed = member ? await windowGrowth(db, settings, customerId, clock.now()) : 0;
      const [balances, lots, ledger, changes, redemptions] = await Promise.all([
        readBalances(db, customerId),
        listExpiringLots(db, customerId),
        listLedger(db, customerId),
        listTierChanges(db, customerId),
        listRedemptions(db, { customerId }),
      ]);
      return {
        member: member
          ? MemberSchema.parse({
              ...member,
              windowGrowth: windowed,
              qualifiedTier: tierForGrowth(settings, windowed).code,
              enrolledAt: isoRequired(member.enrolledAt),
              tierSince: isoRequired(member.tierSince),
              graceUntil: iso(member.graceUntil),
            })
          : null,
        balances,
        lots: lots.map((l) => ({ ...l, earnedAt: isoRequired(l.earnedAt), expiresAt: iso(l.expiresAt) })),
        ledger: ledger.map((m) => MovementSchema.parse({ ...m, createdAt: isoRequired(m.createdAt) })),
        tierChanges: changes.map((c) => ({ ...c, at: isoRequired(c.at) })),
        redemptions: redemptions.map((r) => ({ ...r, createdAt: isoRequired(r.createdAt) })),
      };
    },
  );

  app.post(
    '/api/loyalty/members/:customerId/enrol',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Enrol a customer (idempotent): member number and entry tier',
        params: z.object({ customerId: Id }),
        response: { 201: z.object({ memberNo: z.string(), tier: z.string() }), ...errors },
      },
    },
    async (req, reply) => {
      const settings = await loadLoyaltySettings(db);
      const m = await db.transaction().execute(async (trx) => {
        const member = await enrolMember(trx, clock, settings, req.params.customerId, 'api');
        await recordAudit(trx, clock, userActor(req), { action: 'loyalty.enrol', subjectType: 'customer', subjectId: req.params.customerId });
        return member;
      });
      return reply.status(201).send({ memberNo: m.memberNo, tier: m.tier });
    },
  );

  app.post(
    '/api/loyalty/members/:customerId/points',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Grant or spend points by hand (idempotent per key; guarded by the per-operation limit and the daily budget)',
        params: z.object({ customerId: Id }),
        body: z.object({ direction: z.enum(['grant', 'redeem']), points: Points, reason: z.string().trim().min(1).max(200), idempotencyKey: Key }),
        response: { 200: z.object({ movement: MovementSchema.omit({ lines: true }), replayed: z.boolean() }), ...errors },
      },
    },
    async (req) => {
      const c = await ctx();
      const { customerId } = req.params;
      const input = { customerId, points: req.body.points, key: `manual:${req.body.idempotencyKey}`, reason: req.body.reason, actor: by(req) };
      const r = await withIssuanceAlerts(db, clock, () =>
        db.transaction().execute(async (trx) => {
          const result = req.body.direction === 'grant' ? await awardPoints(trx, c, { ...input, kind: 'grant' }) : await redeemPoints(trx, c, input);
          if (!result.replayed) {
            await recordAudit(trx, clock, userActor(req), {
              action: req.body.direction === 'grant' ? 'loyalty.points_grant' : 'loyalty.points_redeem',
              subjectType: 'customer',
              subjectId: customerId,
              details: { points: req.body.points, movementId: result.movement.id },
            });
          }
          return result;
        }),
      );
      return { movement: { ...r.movement, createdAt: isoRequired(r.movement.createdAt) }, replayed: r.replayed };
    },
  );

  app.post(
    '/api/loyalty/members/:customerId/activities',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Record a community contribution, referral or shared case (growth value and points, once per key)',
        params: z.object({ customerId: Id }),
        body: z.object({ kind: z.enum(['community', 'referral', 'case_share']), idempotencyKey: Key }),
        response: { 200: z.object({ tier: z.string(), growth: z.number(), points: z.number() }), ...errors },
      },
    },
    async (req) => {
      const c = await ctx();
      const r = await withIssuanceAlerts(db, clock, () =>
        db
          .transaction()
          .execute((trx) => recordActivity(trx, c, { customerId: req.params.customerId, kind: req.body.kind, key: req.body.idempotencyKey, actor: by(req) })),
      );
      return { tier: r.member.tier, growth: r.member.growth, points: r.points?.movement.points ?? 0 };
    },
  );

  app.get(
    '/api/loyalty/benefits',
    {
      config: { access: read },
      schema: { tags: ['loyalty'], summary: 'Benefit catalogue', response: { 200: z.object({ items: z.array(BenefitSchema) }), ...protectedErrors } },
    },
    async () => ({ items: (await listBenefits(db)).map(benefitJson) }),
  );

  app.post(
    '/api/loyalty/benefits',
    {
      config: { access: manage },
      schema: { tags: ['loyalty'], summary: 'Add a benefit', body: BenefitBodySchema, response: { 201: z.object({ benefit: BenefitSchema }), ...errors } },
    },
    async (req, reply) => {
      const b = await db.transaction().execute((trx) => createBenefit(trx, clock, userActor(req), benefitInput(req.body)));
      return reply.status(201).send({ benefit: benefitJson(b) });
    },
  );

  app.put(
    '/api/loyalty/benefits/:id',
    {
      config: { access: manage },
      schema: {
        tags: ['loyalty'],
        summary: 'Edit a benefit',
        params: z.object({ id: Id }),
        body: BenefitBodySchema,
        response: { 200: z.object({ benefit: BenefitSchema }), ...errors },
      },
    },
    async (req) => ({
      benefit: benefitJson(await db.transaction().execute((trx) => updateBenefit(trx, clock, userActor(req), req.params.id, benefitInput(req.body)))),
    }),
  );

  app.post(
    '/api/loyalty/benefits/:id/redeem',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Redeem a benefit for a member: issues a coupon code (never oversold; idempotent per key)',
        params: z.object({ id: Id }),
        body: z.object({ customerId: Id, idempotencyKey: Key }),
        response: { 200: z.object({ redemption: RedemptionSchema.extend({ replayed: z.boolean() }) }), ...errors },
      },
    },
    async (req) => {
      const c = await ctx();
      const r = await db.transaction().execute(async (trx) => {
        const redemption = await redeemBenefit(trx, c, {
          customerId: req.body.customerId,
          benefitId: req.params.id,
          key: `benefit:${req.body.idempotencyKey}`,
          actor: by(req),
        });
        if (!redemption.replayed) {
          await recordAudit(trx, clock, userActor(req), {
            action: 'loyalty.benefit_redeem',
            subjectType: 'customer',
            subjectId: req.body.customerId,
            details: { benefitId: req.params.id, redemptionId: redemption.id },
          });
        }
        return redemption;
      });
      return { redemption: { ...r, createdAt: isoRequired(r.createdAt) } };
    },
  );

  app.get(
    '/api/loyalty/grants',
    {
      config: { access: read },
      schema: {
        tags: ['loyalty'],
        summary: 'Bulk grants (the approvals queue with status=pending_approval)',
        querystring: z.object({ status: z.enum(['pending_approval', 'approved', 'rejected', 'running', 'done']).optional() }),
        response: { 200: z.object({ items: z.array(GrantSchema) }), ...protectedErrors },
      },
    },
    async (req) => ({ items: (await listGrants(db, { status: req.query.status })).map(grantJson) }),
  );

  app.post(
    '/api/loyalty/grants',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Grant points to many customers; above the threshold a second person must approve',
        body: z.object({
          title: z.string().trim().min(1).max(120),
          reason: z.string().trim().min(1).max(200),
          pointsEach: Points,
          customerIds: z.array(Id).min(1).max(100_000),
        }),
        response: { 201: z.object({ grant: GrantSchema }), ...errors },
      },
    },
    async (req, reply) => {
      const settings = await loadLoyaltySettings(db);
      const grant = await db.transaction().execute((trx) => createBulkGrant(trx, clock, settings, userActor(req), req.body));
      return reply.status(201).send({ grant: grantJson(await withIssuanceAlerts(db, clock, () => startGrant(grant))) });
    },
  );

  app.post(
    '/api/loyalty/grants/:id/decision',
    {
      config: { access: approve },
      schema: {
        tags: ['loyalty'],
        summary: 'Approve (and start) or reject a bulk grant; the requester cannot decide their own',
        params: z.object({ id: Id }),
        body: z.object({ approve: z.boolean() }),
        response: { 200: z.object({ grant: GrantSchema }), ...errors },
      },
    },
    async (req) => {
      const grant = await db.transaction().execute((trx) => decideBulkGrant(trx, clock, userActor(req), req.params.id, req.body.approve));
      return { grant: grantJson(await withIssuanceAlerts(db, clock, () => startGrant(grant))) };
    },
  );

  app.post(
    '/api/loyalty/grants/:id/resume',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Resume an approved grant (skips customers already granted)',
        params: z.object({ id: Id }),
        response: { 200: z.object({ grant: GrantSchema }), ...errors },
      },
    },
    async (req) => ({ grant: grantJson(await withIssuanceAlerts(db, clock, async () => runBulkGrant(db, await ctx(), req.params.id))) }),
  );

  app.get(
    '/api/loyalty/reconcile',
    {
      config: { access: manage },
      schema: {
        tags: ['loyalty'],
        summary: 'Prove every balance against the ledger; names any account that does not add up',
        response: { 200: ReconcileSchema, ...protectedErrors },
      },
    },
    async () => reconcile(db),
  );

  app.get(
    '/api/loyalty/cocreations',
    {
      config: { access: read },
      schema: {
        tags: ['loyalty'],
        summary: 'Co-creation programmes with invitation counts',
        response: { 200: z.object({ items: z.array(CocreationSchema) }), ...protectedErrors },
      },
    },
    async () => ({ items: (await listCocreations(db)).map((c) => ({ ...c, startsAt: iso(c.startsAt), createdAt: isoRequired(c.createdAt) })) }),
  );

  app.post(
    '/api/loyalty/cocreations',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Create a co-creation programme and invite the top members of a tier',
        body: CocreationBodySchema.extend({
          inviteTier: z.string().max(32).default('close_friend'),
          inviteCount: z.number().int().min(0).max(10_000).default(50),
        }),
        response: { 201: z.object({ id: z.string(), invited: z.number() }), ...errors },
      },
    },
    async (req, reply) => {
      const actor = userActor(req);
      const r = await db.transaction().execute(async (trx) => {
        const id = await createCocreation(trx, clock, actor, { ...req.body, startsAt: req.body.startsAt ? new Date(req.body.startsAt) : null });
        const invited =
          req.body.inviteCount > 0
            ? await inviteTopMembers(trx, clock, actor, { cocreationId: id, tier: req.body.inviteTier, limit: req.body.inviteCount })
            : 0;
        return { id, invited };
      });
      return reply.status(201).send(r);
    },
  );

  app.put(
    '/api/loyalty/cocreations/:id',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Edit a co-creation programme (title, kind, description, start, capacity)',
        params: z.object({ id: Id }),
        body: CocreationBodySchema,
        response: { 200: OkSchema, ...errors },
      },
    },
    async (req) => {
      await db
        .transaction()
        .execute((trx) =>
          updateCocreation(trx, clock, userActor(req), req.params.id, { ...req.body, startsAt: req.body.startsAt ? new Date(req.body.startsAt) : null }),
        );
      return { ok: true as const };
    },
  );

  app.get(
    '/api/loyalty/cocreations/:id/invitations',
    {
      config: { access: read },
      schema: {
        tags: ['loyalty'],
        summary: 'Invitations of a co-creation programme',
        params: z.object({ id: Id }),
        response: { 200: z.object({ items: z.array(InvitationSchema) }), ...protectedErrors },
      },
    },
    async (req) => ({
      items: (await listInvitations(db, req.params.id)).map((i) => ({ ...i, invitedAt: isoRequired(i.invitedAt), updatedAt: isoRequired(i.updatedAt) })),
    }),
  );

  app.put(
    '/api/loyalty/cocreations/:id/invitations/:customerId',
    {
      config: { access: write },
      schema: {
        tags: ['loyalty'],
        summary: 'Track an invitation: signed up, participated, declined',
        params: z.object({ id: Id, customerId: Id }),
        body: z.object({ status: z.enum(['invited', 'signed_up', 'participated', 'declined']) }),
        response: { 200: OkSchema, ...errors },
      },
    },
    async (req) => {
      await db
        .transaction()
        .execute((trx) => setInvitationStatus(trx, clock, { cocreationId: req.params.id, customerId: req.params.customerId, status: req.body.status }));
      return { ok: true as const };
    },
  );
};
