import { sql } from 'kysely';
import { z } from 'zod';
import type { Trx } from '../../platform/db.ts';
import type { LoyaltyCtx } from './award-points.ts';
import { addMonths, consumeLots, createLot, findMovementByKey, insertMovement, type Line, lockAccount } from './ledger.repository.ts';
import { enrolMember, upgradeIfQualified } from './members.ts';

/** Payload of identity's `customer.merged` / `customer.unmerged` events. */
export const MergeEventSchema = z.object({ winnerId: z.string().min(1), loserId: z.string().min(1), mergeId: z.string().min(1).max(100) });
export type MergeEvent = z.infer<typeof MergeEventSchema>;

export type MergeMoveResult = {
  /** `gone`: one of the two customers was erased before the event arrived; nothing to move. */
  status: 'moved' | 'already' | 'gone';
  memberPoints: number;
  debtPoints: number;
  pendingPoints: number;
  growth: number;
};

const ACTOR = 'system:loyalty-merge';

/** Both customers still exist (an erasure between the merge and its delivery leaves nothing to move). */
const bothExist = async (trx: Trx, a: string, b: string): Promise<boolean> =>
  (await trx.selectFrom('customer').select('id').where('id', 'in', [a, b]).execute()).length === 2;

/**
 * The loser is in the winner's cluster now. Not so when the merge was undone before its event got here (it was
 * parked, then retried after the unmerge's event): then the merge moves nothing.
 */
const stillMerged = async (trx: Trx, winnerId: string, loserId: string): Promise<boolean> => {
  const rows = await trx.selectFrom('customer').select(['id', 'root_id']).where('id', 'in', [winnerId, loserId]).execute();
  const root = (id: string) => rows.find((r) => r.id === id)?.root_id;
  return root(loserId) !== undefined && root(loserId) === root(winnerId);
};

/** Locks both accounts in key order (the one lock order of the ledger). */
const lockBoth = async (trx: Trx, a: string, b: string, at: Date) => {
  const [first, second] = [a, b].sort();
  const one = await lockAccount(trx, first as string, at);
  const two = await lockAccount(trx, second as string, at);
  return first === a ? { a: one, b: two } : { a: two, b: one };
};

/** Copies the lots a movement consumed (their points, earning date and expiry) to another customer's movement. */
const copyConsumedLots = async (trx: Trx, from: { customerId: string; movementId: string }, to: { customerId: string; movementId: string }) => {
  const used = await trx
    .selectFrom('loyalty_lot_use as u')
    .innerJoin('loyalty_lot as l', (j) => j.onRef('l.customer_id', '=', 'u.customer_id').onRef('l.id', '=', 'u.lot_id'))
    .select(['u.points', 'l.earned_at', 'l.expires_at', 'l.id'])
    .where('u.customer_id', '=', from.customerId)
    .where('u.movement_id', '=', from.movementId)
    .orderBy('l.id')
    .execute();
  for (const u of used) {
    await createLot(trx, { customerId: to.customerId, movementId: to.movementId, points: Number(u.points), at: u.earned_at, expiresAt: u.expires_at });
  }
  return used.reduce((s, u) => s + Number(u.points), 0);
};

/**
 * One side of a merge's (or unmerge's) transfer: a `transfer` movement of that customer, keyed by the merge,
 * with a balancing leg on the `transfer` clearing account.
 */
const insertTransfer = (
  trx: Trx,
  t: { customerId: string; key: string; mergeId: string; points: number; reason: string; details: Record<string, unknown>; at: Date },
  lines: Line[],
) => {
  const sum = lines.reduce((s, l) => s + l.delta, 0);
  return insertMovement(trx, {
    customerId: t.customerId,
    kind: 'transfer',
    key: t.key,
    points: t.points,
    reason: t.reason,
    refType: 'merge',
    refId: t.mergeId,
    actor: ACTOR,
    details: t.details,
    lines: [...lines, { account: 'transfer', delta: -sum }],
    at: t.at,
  });
};

/**
 * Identity merged `loserId` into `winnerId`: the loser's spendable points (with their lots' earning
 * and expiry dates), pending points, recorded debt and growth value move to the winner, as one
 * `transfer` movement on each side balanced through the clearing account. The winner is enrolled if
 * only the loser was a member, and upgraded at once if the combined growth reaches a higher tier.
 * Member numbers stay as they are (the loser's remains recorded). Later releases and refunds of the
 * loser's orders go to the winner. Idempotent per merge: a redelivered event moves nothing.
 */
export const moveMergedLoyalty = async (trx: Trx, ctx: LoyaltyCtx, event: MergeEvent): Promise<MergeMoveResult> => {
  const { winnerId, loserId, mergeId } = event;
  const now = ctx.clock.now();
  if (!(await bothExist(trx, winnerId, loserId))) return { status: 'gone', memberPoints: 0, debtPoints: 0, pendingPoints: 0, growth: 0 };
  const balances = await lockBoth(trx, winnerId, loserId, now);
  const done = await trx.selectFrom('loyalty_merge_transfer').selectAll().where('customer_id', '=', loserId).where('merge_id', '=', mergeId).executeTakeFirst();
  if (done) {
    return {
      status: 'already',
      memberPoints: Number(done.member_points),
      debtPoints: Number(done.debt_points),
      pendingPoints: Number(done.pending_points),
      growth: Number(done.growth),
    };
  }
  if (!(await stillMerged(trx, winnerId, loserId))) return { status: 'gone', memberPoints: 0, debtPoints: 0, pendingPoints: 0, growth: 0 };
  const loser = balances.b;
  const member = loser.member;
  const pending = loser.pending;
  const debt = -loser.debt;
  const key = `merge:${mergeId}`;
  const details = { mergeId, winnerId, loserId, member, pending, debt };

  if (member > 0 || pending > 0 || debt > 0) {
    const out = await insertTransfer(trx, { customerId: loserId, key, mergeId, points: member + pending, reason: 'customer merged', details, at: now }, [
      { account: 'member', delta: -member },
      { account: 'pending', delta: -pending },
      { account: 'debt', delta: debt },
    ]);
    await consumeLots(trx, { customerId: loserId, movementId: out.id, points: member });
    const into = await insertTransfer(trx, { customerId: winnerId, key, mergeId, points: member + pending, reason: 'customer merged', details, at: now }, [
      { account: 'member', delta: member },
      { account: 'pending', delta: pending },
      { account: 'debt', delta: -debt },
    ]);
    await copyConsumedLots(trx, { customerId: loserId, movementId: out.id }, { customerId: winnerId, movementId: into.id });
  }

  // Later releases and refunds of the loser's orders go to the account that now holds their points.
  await sql`
    insert into loyalty_merge_order (customer_id, order_id, merge_id, from_account, to_account)
    select customer_id, order_id, ${mergeId}, ${loserId}, ${winnerId} from loyalty_order_earn where account_customer_id = ${loserId}
    on conflict do nothing`.execute(trx);
  await trx.updateTable('loyalty_order_earn').set({ account_customer_id: winnerId }).where('account_customer_id', '=', loserId).execute();

  // Growth value: the loser's entries are copied with their dates (so the evaluation window treats them as it did).
  const loserMember = await trx.selectFrom('loyalty_member').select(['growth']).where('customer_id', '=', loserId).executeTakeFirst();
  const growth = loserMember ? Number(loserMember.growth) : 0;
  if (loserMember) {
    await enrolMember(trx, ctx.clock, ctx.settings, winnerId, 'merge');
    await sql`
      insert into loyalty_growth_entry (customer_id, idempotency_key, kind, points, created_at)
      select ${winnerId}, ${`${key}:`} || idempotency_key, kind, points, created_at from loyalty_growth_entry where customer_id = ${loserId}
      on conflict do nothing`.execute(trx);
    if (growth > 0) {
      await trx
        .updateTable('loyalty_member')
        .set({ growth: sql`growth + ${growth}` })
        .where('customer_id', '=', winnerId)
        .execute();
    }
    await upgradeIfQualified(trx, ctx.clock, ctx.settings, winnerId);
  }

  await trx
    .insertInto('loyalty_merge_transfer')
    .values({
      customer_id: loserId,
      merge_id: mergeId,
      winner_id: winnerId,
      member_points: member,
      debt_points: debt,
      pending_points: pending,
      growth,
      moved_at: now,
      undone_at: null,
      undo_details: null,
    })
    .execute();
  return { status: 'moved', memberPoints: member, debtPoints: debt, pendingPoints: pending, growth };
};

export type MergeUndoResult = {
  /** `nothing`: no transfer recorded for this merge, or one of the customers was erased since. */
  status: 'returned' | 'already' | 'nothing';
  /** Points given back to the loser's spendable balance (what it brought, net of its orders' releases and refunds since). */
  memberPoints: number;
  pendingPoints: number;
  debtPoints: number;
  /** Part of the returned points the winner had already spent: recorded as the winner's debt, or forgiven (issued as an adjustment), per the debt policy. */
  winnerDebt: number;
  forgiven: number;
  growth: number;
};

/**
 * Identity undid the merge: what the loser brought goes back to it — its points with their lots
 * (taken from the lots the merge created first), its pending points and debt, its growth value — and
 * its orders' later releases and refunds go to it again. If the merged account spent some of those
 * points meanwhile, the shortfall follows the programme's debt policy: a recorded debt of the winner
 * (`debt`) or an adjustment the programme absorbs (`forgive`); the loser gets its points back either
 * way. Idempotent per merge. The winner's tier is kept until the next evaluation (downgrades never
 * happen at once).
 */
export const undoMergedLoyalty = async (trx: Trx, ctx: LoyaltyCtx, event: MergeEvent): Promise<MergeUndoResult> => {
  const { winnerId, loserId, mergeId } = event;
  const now = ctx.clock.now();
  const nothing: MergeUndoResult = { status: 'nothing', memberPoints: 0, pendingPoints: 0, debtPoints: 0, winnerDebt: 0, forgiven: 0, growth: 0 };
  if (!(await bothExist(trx, winnerId, loserId))) return nothing;
  const balances = await lockBoth(trx, winnerId, loserId, now);
  const t = await trx
    .selectFrom('loyalty_merge_transfer')
    .selectAll()
    .where('customer_id', '=', loserId)
    .where('merge_id', '=', mergeId)
    .forUpdate()
    .executeTakeFirst();
  if (!t) return nothing;
  if (t.undone_at) return { ...nothing, ...((t.undo_details ?? {}) as Partial<MergeUndoResult>), status: 'already' };
  const winner = balances.a;
  const key = `unmerge:${mergeId}`;

  // The loser's orders redirected by this merge that the winner's account still holds.
  const orders = await sql<{ customer_id: string; order_id: string }>`
    select o.customer_id, o.order_id from loyalty_merge_order mo
    join loyalty_order_earn o on o.customer_id = mo.customer_id and o.order_id = mo.order_id
    where mo.merge_id = ${mergeId} and o.account_customer_id = ${winnerId}`.execute(trx);
  const orderIds = orders.rows.map((o) => o.order_id);
  // Their releases (pending → spendable) and refunds since the merge changed what the loser is owed.
  const net = await sql<{ spendable: number; pending: number }>`
    select coalesce(sum(e.delta) filter (where e.account in ('member', 'debt')), 0)::bigint as spendable,
           coalesce(sum(e.delta) filter (where e.account = 'pending'), 0)::bigint as pending
    from loyalty_movement m join loyalty_entry e on e.customer_id = m.customer_id and e.movement_id = m.id
    where m.customer_id = ${winnerId} and m.created_at >= ${t.moved_at} and m.kind in ('release', 'reverse')
      and m.ref_type = 'order' and m.ref_id = any(${orderIds}::text[])`.execute(trx);

  const claim = Math.max(0, Number(t.member_points) + Number(net.rows[0]?.spendable ?? 0));
  const pendingBack = Math.min(Math.max(0, Number(t.pending_points) + Number(net.rows[0]?.pending ?? 0)), winner.pending);
  const debtBack = Math.min(Number(t.debt_points), -winner.debt);
  const fromWinner = Math.min(claim, winner.member);
  const shortfall = claim - fromWinner;
  const winnerDebt = ctx.settings.debtPolicy === 'debt' ? shortfall : 0;
  const forgiven = shortfall - winnerDebt;
  const details = { mergeId, winnerId, loserId, claim, fromWinner, winnerDebt, forgiven, pendingBack, debtBack };

  if (claim > 0 || pendingBack > 0 || debtBack > 0) {
    const out = await insertTransfer(
      trx,
      { customerId: winnerId, key, mergeId, points: fromWinner + pendingBack, reason: 'customer unmerged', details, at: now },
      [
        { account: 'member', delta: -fromWinner },
        { account: 'pending', delta: -pendingBack },
        { account: 'debt', delta: debtBack - winnerDebt },
      ],
    );
    const merged = await findMovementByKey(trx, winnerId, `merge:${mergeId}`);
    await consumeLots(trx, { customerId: winnerId, movementId: out.id, points: fromWinner, preferMovementId: merged?.id });
    const back = await insertTransfer(trx, { customerId: loserId, key, mergeId, points: claim + pendingBack, reason: 'customer unmerged', details, at: now }, [
      { account: 'member', delta: claim },
      { account: 'pending', delta: pendingBack },
      { account: 'debt', delta: -debtBack },
      { account: 'adjusted', delta: -forgiven },
    ]);
    await copyConsumedLots(trx, { customerId: winnerId, movementId: out.id }, { customerId: loserId, movementId: back.id });
    // Points the winner no longer had are returned as a fresh lot.
    const expiresAt = ctx.settings.expiryMonths > 0 ? addMonths(now, ctx.settings.expiryMonths) : null;
    await createLot(trx, { customerId: loserId, movementId: back.id, points: shortfall, at: now, expiresAt });
  }

  await sql`
    update loyalty_order_earn o set account_customer_id = ${loserId}
    from loyalty_merge_order mo
    where mo.merge_id = ${mergeId} and o.customer_id = mo.customer_id and o.order_id = mo.order_id and o.account_customer_id = ${winnerId}`.execute(trx);

  const growth = Number(t.growth);
  const prefix = `merge:${mergeId}:`;
  await sql`
    insert into loyalty_growth_entry (customer_id, idempotency_key, kind, points, created_at)
    select customer_id, ${`${key}:`} || substr(idempotency_key, ${prefix.length + 1}), kind, -points, created_at
    from loyalty_growth_entry where customer_id = ${winnerId} and starts_with(idempotency_key, ${prefix})
    on conflict do nothing`.execute(trx);
  if (growth > 0) {
    await trx
      .updateTable('loyalty_member')
      .set({ growth: sql`greatest(0, growth - ${growth})` })
      .where('customer_id', '=', winnerId)
      .execute();
  }

  const result: MergeUndoResult = { status: 'returned', memberPoints: claim, pendingPoints: pendingBack, debtPoints: debtBack, winnerDebt, forgiven, growth };
  await trx
    .updateTable('loyalty_merge_transfer')
    .set({ undone_at: now, undo_details: JSON.stringify(result) })
    .where('customer_id', '=', loserId)
    .where('merge_id', '=', mergeId)
    .execute();
  return result;
};
