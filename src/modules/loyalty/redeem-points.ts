import type { Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import type { LoyaltyCtx, MovementResult } from './award-points.ts';
import { checkReplay, consumeLots, findMovementByKey, insertMovement, lockAccount } from './ledger.repository.ts';

export type RedeemInput = {
  customerId: string;
  points: number;
  key: string;
  reason: string;
  refType?: string;
  refId?: string;
  actor: string;
  details?: Record<string, unknown>;
};

/** Spends points, oldest-expiring lots first. Under the account lock: concurrent redemptions cannot overdraw. */
export const redeemPoints = async (trx: Trx, ctx: LoyaltyCtx, input: RedeemInput): Promise<MovementResult> => {
  if (!Number.isSafeInteger(input.points) || input.points <= 0) {
    throw new AppError('request.invalid', 'points must be a positive whole number', { fields: [{ path: 'points', message: 'a positive whole number' }] });
  }
  const now = ctx.clock.now();
  const balances = await lockAccount(trx, input.customerId, now);
  const existing = await findMovementByKey(trx, input.customerId, input.key);
  if (existing) return { movement: checkReplay(existing, 'redeem', input.points), replayed: true };
  if (balances.member < input.points) {
    throw new AppError('loyalty.insufficient_points', `balance ${balances.member} < ${input.points}`, {
      fields: [{ path: 'points', message: `the balance is ${balances.member}` }],
    });
  }
  const movement = await insertMovement(trx, {
    customerId: input.customerId,
    kind: 'redeem',
    key: input.key,
    points: input.points,
    reason: input.reason,
    refType: input.refType,
    refId: input.refId,
    actor: input.actor,
    details: input.details,
    lines: [
      { account: 'member', delta: -input.points },
      { account: 'redeemed', delta: input.points },
    ],
    at: now,
  });
  await consumeLots(trx, { customerId: input.customerId, movementId: movement.id, points: input.points });
  return { movement, replayed: false };
};
