import type { Clock } from '../../platform/clock.ts';
import type { Trx } from '../../platform/db.ts';
import { chargeIssuance, checkOperationLimit } from './issuance-guard.ts';
import { addMonths, checkReplay, createLot, findMovementByKey, insertMovement, lockAccount, type Movement } from './ledger.repository.ts';
import type { LoyaltySettings } from './loyalty-settings.ts';

export type LoyaltyCtx = { clock: Clock; settings: LoyaltySettings };

export type AwardInput = {
  customerId: string;
  points: number;
  /** The same key moves points once (a retried purchase, refund or grant). Unique per customer. */
  key: string;
  reason: string;
  kind?: 'earn' | 'grant';
  refType?: string;
  refId?: string;
  actor: string;
  details?: Record<string, unknown>;
  /** A bulk grant approved by a second person counts against the budget but is not refused by it. */
  approved?: boolean;
  /** Until then the points are pending (not spendable): an order's return window. */
  pendingUntil?: Date | null;
};

export type MovementResult = { movement: Movement; replayed: boolean };

/**
 * Issues points: the issuance account pays the member (first repaying any recorded debt), and a lot
 * records when they expire. Guards: per-operation limit, daily budget, idempotency key.
 */
export const awardPoints = async (trx: Trx, ctx: LoyaltyCtx, input: AwardInput): Promise<MovementResult> => {
  const kind = input.kind ?? 'earn';
  checkOperationLimit(ctx.settings, input.points);
  const now = ctx.clock.now();
  const balances = await lockAccount(trx, input.customerId, now);
  const existing = await findMovementByKey(trx, input.customerId, input.key);
  if (existing) return { movement: checkReplay(existing, kind, input.points), replayed: true };

  if (input.pendingUntil && input.pendingUntil > now) {
    // Pending points repay no debt and form no lot until they are released.
    const movement = await insertMovement(trx, {
      customerId: input.customerId,
      kind,
      key: input.key,
      points: input.points,
      reason: input.reason,
      refType: input.refType,
      refId: input.refId,
      actor: input.actor,
      details: { ...input.details, pendingUntil: input.pendingUntil.toISOString() },
      lines: [
        { account: 'issued', delta: -input.points },
        { account: 'pending', delta: input.points },
      ],
      at: now,
    });
    await chargeIssuance(trx, ctx.clock, ctx.settings, input.points, !input.approved);
    return { movement, replayed: false };
  }
  const repay = Math.min(input.points, -balances.debt);
  const movement = await insertMovement(trx, {
    customerId: input.customerId,
    kind,
    key: input.key,
    points: input.points,
    reason: input.reason,
    refType: input.refType,
    refId: input.refId,
    actor: input.actor,
    details: repay > 0 ? { ...input.details, debtRepaid: repay } : input.details,
    lines: [
      { account: 'issued', delta: -input.points },
      { account: 'member', delta: input.points - repay },
      { account: 'debt', delta: repay },
    ],
    at: now,
  });
  const expiresAt = ctx.settings.expiryMonths > 0 ? addMonths(now, ctx.settings.expiryMonths) : null;
  await createLot(trx, { customerId: input.customerId, movementId: movement.id, points: input.points - repay, at: now, expiresAt });
  // Last: today's budget row is one lock every award shares, so it is held only until the commit.
  await chargeIssuance(trx, ctx.clock, ctx.settings, input.points, !input.approved);
  return { movement, replayed: false };
};
