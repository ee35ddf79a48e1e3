import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import type { LoyaltyCtx } from './award-points.ts';
import { findMovementByKey, insertMovement, lockAccount } from './ledger.repository.ts';
import type { Benefit } from './loyalty.shared.ts';
import { tierRank } from './loyalty-settings.ts';
import { getMember } from './members.ts';
import { redeemPoints } from './redeem-points.ts';

export type { Benefit } from './loyalty.shared.ts';

export type BenefitInput = {
  name: string;
  provider: 'own' | 'partner';
  partnerName?: string | null;
  pointsPrice: number;
  minTier?: string | null;
  stockTotal: number;
  validFrom?: Date | null;
  validUntil?: Date | null;
  terms: string;
  active?: boolean;
};

type BenefitRow = {
  id: string;
  name: string;
  provider: 'own' | 'partner';
  partner_name: string | null;
  points_price: number;
  min_tier: string | null;
  stock_total: number;
  stock_left: number;
  valid_from: Date | null;
  valid_until: Date | null;
  terms: string;
  active: boolean;
};

const toBenefit = (r: BenefitRow): Benefit => ({
  id: r.id,
  name: r.name,
  provider: r.provider,
  partnerName: r.partner_name,
  pointsPrice: Number(r.points_price),
  minTier: r.min_tier,
  stockTotal: r.stock_total,
  stockLeft: r.stock_left,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  terms: r.terms,
  active: r.active,
});

export const listBenefits = async (db: Db): Promise<Benefit[]> =>
  (await db.selectFrom('loyalty_benefit').selectAll().orderBy('created_at', 'desc').limit(500).execute()).map(toBenefit);

export const getBenefit = async (db: Db | Trx, id: string): Promise<Benefit> => {
  const row = await db.selectFrom('loyalty_benefit').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('loyalty.benefit_not_found', `no benefit ${id}`);
  return toBenefit(row);
};

export const createBenefit = async (trx: Trx, clock: Clock, actor: Actor, input: BenefitInput): Promise<Benefit> => {
  const now = clock.now();
  const row = await trx
    .insertInto('loyalty_benefit')
    .values({
      id: newId('lbn', now),
      name: input.name,
      provider: input.provider,
      partner_name: input.partnerName ?? null,
      points_price: input.pointsPrice,
      min_tier: input.minTier ?? null,
      stock_total: input.stockTotal,
      stock_left: input.stockTotal,
      valid_from: input.validFrom ?? null,
      valid_until: input.validUntil ?? null,
      terms: input.terms,
      active: input.active ?? true,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, clock, actor, { action: 'loyalty.benefit_create', subjectType: 'loyalty_benefit', subjectId: row.id });
  return toBenefit(row);
};

/** Edits a benefit; stock can be topped up or reduced, never below what is already redeemed. */
export const updateBenefit = async (trx: Trx, clock: Clock, actor: Actor, id: string, input: BenefitInput): Promise<Benefit> => {
  const current = await trx.selectFrom('loyalty_benefit').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw new AppError('loyalty.benefit_not_found', `no benefit ${id}`);
  const redeemed = current.stock_total - current.stock_left;
  if (input.stockTotal < redeemed) {
    throw new AppError('request.invalid', `${redeemed} already redeemed`, { fields: [{ path: 'stockTotal', message: `at least ${redeemed}` }] });
  }
  const row = await trx
    .updateTable('loyalty_benefit')
    .set({
      name: input.name,
      provider: input.provider,
      partner_name: input.partnerName ?? null,
      points_price: input.pointsPrice,
      min_tier: input.minTier ?? null,
      stock_total: input.stockTotal,
      stock_left: input.stockTotal - redeemed,
      valid_from: input.validFrom ?? null,
      valid_until: input.validUntil ?? null,
      terms: input.terms,
      active: input.active ?? true,
      updated_at: clock.now(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, clock, actor, { action: 'loyalty.benefit_update', subjectType: 'loyalty_benefit', subjectId: id });
  return toBenefit(row);
};

export type Redemption = { id: string; customerId: string; benefitId: string; benefitName: string; code: string; points: number; createdAt: Date };

const newCode = (): string => {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
};

/**
 * Redeems one unit of a benefit: the account lock, then the stock row (decremented only while
 * stock_left > 0 — a concurrent redemption waits for the row, re-reads it and finds 0), then the
 * points. If the points fall short the transaction rolls back and the unit returns to stock.
 */
export const redeemBenefit = async (
  trx: Trx,
  ctx: LoyaltyCtx,
  input: { customerId: string; benefitId: string; key: string; actor: string },
): Promise<Redemption & { replayed: boolean }> => {
  const now = ctx.clock.now();
  const member = await getMember(trx, input.customerId);
  await lockAccount(trx, input.customerId, now);
  const existing = await findMovementByKey(trx, input.customerId, input.key);
  if (existing) {
    const r = await trx
      .selectFrom('loyalty_redemption as r')
      .innerJoin('loyalty_benefit as b', 'b.id', 'r.benefit_id')
      .select(['r.id', 'r.customer_id', 'r.benefit_id', 'b.name', 'r.code', 'r.points', 'r.created_at'])
      .where('r.customer_id', '=', input.customerId)
      .where('r.movement_id', '=', existing.id)
      .executeTakeFirst();
    if (!r || r.benefit_id !== input.benefitId) {
      throw new AppError('loyalty.idempotency_conflict', `idempotency key ${input.key} was already used for a different movement`);
    }
    return {
      id: r.id,
      customerId: r.customer_id,
      benefitId: r.benefit_id,
      benefitName: r.name,
      code: r.code,
      points: Number(r.points),
      createdAt: r.created_at,
      replayed: true,
    };
  }
  const taken = await sql<BenefitRow>`
    update loyalty_benefit set stock_left = stock_left - 1, updated_at = ${now}
    where id = ${input.benefitId} and stock_left > 0 and active
      and (valid_from is null or valid_from <= ${now}) and (valid_until is null or valid_until > ${now})
    returning *`.execute(trx);
  const benefit = taken.rows[0];
  if (!benefit) {
    const b = await getBenefit(trx, input.benefitId);
    if (b.stockLeft === 0) throw new AppError('loyalty.out_of_stock', `${b.name} is out of stock`);
    throw new AppError('loyalty.benefit_unavailable', `${b.name} is not available now`);
  }
  if (benefit.min_tier && tierRank(ctx.settings, member.tier) < tierRank(ctx.settings, benefit.min_tier)) {
    throw new AppError('loyalty.tier_too_low', `${benefit.name} is for ${benefit.min_tier} members and above`);
  }
  const price = Number(benefit.points_price);
  const movement =
    price > 0
      ? (
          await redeemPoints(trx, ctx, {
            customerId: input.customerId,
            points: price,
            key: input.key,
            reason: 'benefit',
            refType: 'benefit',
            refId: benefit.id,
            actor: input.actor,
            details: { benefit: benefit.name },
          })
        ).movement
      : await insertMovement(trx, {
          customerId: input.customerId,
          kind: 'redeem',
          key: input.key,
          points: 0,
          reason: 'benefit',
          refType: 'benefit',
          refId: benefit.id,
          actor: input.actor,
          lines: [],
          at: now,
        });
  const row = await trx
    .insertInto('loyalty_redemption')
    .values({
      customer_id: input.customerId,
      id: newId('lrd', now),
      benefit_id: benefit.id,
      movement_id: movement.id,
      code: newCode(),
      points: price,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    customerId: row.customer_id,
    benefitId: row.benefit_id,
    benefitName: benefit.name,
    code: row.code,
    points: price,
    createdAt: row.created_at,
    replayed: false,
  };
};

export const listRedemptions = async (db: Db, filter: { customerId?: string; benefitId?: string }): Promise<Redemption[]> => {
  let q = db
    .selectFrom('loyalty_redemption as r')
    .innerJoin('loyalty_benefit as b', 'b.id', 'r.benefit_id')
    .select(['r.id', 'r.customer_id', 'r.benefit_id', 'b.name', 'r.code', 'r.points', 'r.created_at'])
    .orderBy('r.created_at', 'desc')
    .limit(200);
  if (filter.customerId) q = q.where('r.customer_id', '=', filter.customerId);
  if (filter.benefitId) q = q.where('r.benefit_id', '=', filter.benefitId);
  return (await q.execute()).map((r) => ({
    id: r.id,
    customerId: r.customer_id,
    benefitId: r.benefit_id,
    benefitName: r.name,
    code: r.code,
    points: Number(r.points),
    createdAt: r.created_at,
  }));
};
