import type { Trx } from '../../platform/db.ts';
import { awardPoints, type LoyaltyCtx, type MovementResult } from './award-points.ts';
import { lockAccount } from './ledger.repository.ts';
import { addGrowth, enrolMember, type Member } from './members.ts';

export type ActivityKind = 'community' | 'referral' | 'case_share';

/**
 * A community contribution, a referral or a shared case: growth value and points per the
 * programme's rules, once per key (the activity's own id, e.g. the referred customer).
 */
export const recordActivity = async (
  trx: Trx,
  ctx: LoyaltyCtx,
  input: { customerId: string; kind: ActivityKind; key: string; actor: string },
): Promise<{ member: Member; points: MovementResult | null }> => {
  // The account lock first, as in every movement (one lock order: account, then the rest).
  await lockAccount(trx, input.customerId, ctx.clock.now());
  await enrolMember(trx, ctx.clock, ctx.settings, input.customerId, 'activity');
  const growth =
    input.kind === 'community' ? ctx.settings.growth.community : input.kind === 'referral' ? ctx.settings.growth.referral : ctx.settings.growth.caseShare;
  const points =
    input.kind === 'community' ? ctx.settings.earn.community : input.kind === 'referral' ? ctx.settings.earn.referral : ctx.settings.earn.caseShare;
  const award =
    points > 0
      ? await awardPoints(trx, ctx, {
          customerId: input.customerId,
          points,
          key: `${input.kind}:${input.key}`,
          reason: input.kind,
          refType: input.kind,
          refId: input.key,
          actor: input.actor,
        })
      : null;
  const member = await addGrowth(trx, ctx.clock, ctx.settings, {
    customerId: input.customerId,
    kind: input.kind,
    points: growth,
    key: `${input.kind}:${input.key}`,
  });
  return { member, points: award };
};
