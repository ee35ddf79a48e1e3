import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { publish } from '../../platform/outbox.ts';
import { addMonths } from './ledger.repository.ts';
import type { GrowthKind, TierChangeReason } from './loyalty.tables.ts';
import { type LoyaltySettings, tierForGrowth, tierRank } from './loyalty-settings.ts';

export type Member = {
  customerId: string;
  memberNo: string;
  tier: string;
  growth: number;
  enrolledAt: Date;
  enrolledVia: string;
  tierSince: Date;
  graceUntil: Date | null;
};

type MemberRow = {
  customer_id: string;
  member_no: string;
  tier: string;
  growth: number;
  enrolled_at: Date;
  enrolled_via: string;
  tier_since: Date;
  grace_until: Date | null;
};

const toMember = (r: MemberRow): Member => ({
  customerId: r.customer_id,
  memberNo: r.member_no,
  tier: r.tier,
  growth: Number(r.growth),
  enrolledAt: r.enrolled_at,
  enrolledVia: r.enrolled_via,
  tierSince: r.tier_since,
  graceUntil: r.grace_until,
});

export const findMember = async (db: Db | Trx, customerId: string): Promise<Member | undefined> => {
  const row = await db.selectFrom('loyalty_member').selectAll().where('customer_id', '=', customerId).executeTakeFirst();
  return row ? toMember(row) : undefined;
};

export const getMember = async (db: Db | Trx, customerId: string): Promise<Member> => {
  const m = await findMember(db, customerId);
  if (!m) throw new AppError('loyalty.not_a_member', `customer ${customerId} is not a member`);
  return m;
};

const recordTierChange = async (
  trx: Trx,
  at: Date,
  change: { customerId: string; from: string | null; to: string; reason: TierChangeReason; growth: number },
): Promise<void> => {
  await trx
    .insertInto('loyalty_tier_change')
    .values({
      customer_id: change.customerId,
      id: newId('ltc', at),
      from_tier: change.from,
      to_tier: change.to,
      reason: change.reason,
      growth: change.growth,
      at,
    })
    .execute();
  await publish(trx, {
    topic: change.reason === 'enrolment' ? 'loyalty.member_enrolled' : 'loyalty.tier_changed',
    customerId: change.customerId,
    payload: { from: change.from, to: change.to, reason: change.reason, growth: change.growth },
  });
};

/** Enrols a customer (idempotent): a member number, the entry tier, an event. */
export const enrolMember = async (trx: Trx, clock: Clock, settings: LoyaltySettings, customerId: string, via: string): Promise<Member> => {
  const now = clock.now();
  const exists = await trx.selectFrom('customer').select('id').where('id', '=', customerId).executeTakeFirst();
  if (!exists) throw new AppError('customers.not_found', `no customer ${customerId}`);
  const entry = settings.tiers[0]?.code ?? 'explorer';
  const inserted = await sql<MemberRow>`
    insert into loyalty_member (customer_id, member_no, tier, growth, enrolled_at, enrolled_via, tier_since)
    values (${customerId}, 'M' || nextval('loyalty_member_no_seq'), ${entry}, 0, ${now}, ${via}, ${now})
    on conflict (customer_id) do nothing
    returning *`.execute(trx);
  const row = inserted.rows[0];
  if (row) {
    await recordTierChange(trx, now, { customerId, from: null, to: entry, reason: 'enrolment', growth: 0 });
    return toMember(row);
  }
  return getMember(trx, customerId);
};

/** Growth value earned within the evaluation window (what a tier is held on). */
export const windowGrowth = async (db: Db | Trx, settings: LoyaltySettings, customerId: string, now: Date): Promise<number> => {
  const since = addMonths(now, -settings.evaluationWindowMonths);
  const r = await db
    .selectFrom('loyalty_growth_entry')
    .select(sql<number>`coalesce(sum(points), 0)::bigint`.as('total'))
    .where('customer_id', '=', customerId)
    .where('created_at', '>', since)
    .executeTakeFirst();
  return Math.max(0, Number(r?.total ?? 0));
};

/**
 * Adds growth value (idempotent per key) and upgrades at once when the window's growth reaches a
 * higher tier. Downgrades happen only at evaluation (evaluateTiers).
 */
export const addGrowth = async (
  trx: Trx,
  clock: Clock,
  settings: LoyaltySettings,
  input: { customerId: string; kind: GrowthKind; points: number; key: string },
): Promise<Member> => {
  const now = clock.now();
  const member = await trx.selectFrom('loyalty_member').selectAll().where('customer_id', '=', input.customerId).forUpdate().executeTakeFirst();
  if (!member) throw new AppError('loyalty.not_a_member', `customer ${input.customerId} is not a member`);
  if (input.points === 0) return toMember(member);
  const added = await trx
    .insertInto('loyalty_growth_entry')
    .values({ customer_id: input.customerId, idempotency_key: input.key, kind: input.kind, points: input.points, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('points')
    .executeTakeFirst();
  if (!added) return toMember(member);
  const growth = Math.max(0, Number(member.growth) + input.points);
  const windowed = await windowGrowth(trx, settings, input.customerId, now);
  const qualified = tierForGrowth(settings, windowed);
  const upgrade = tierRank(settings, qualified.code) > tierRank(settings, member.tier);
  const regained = member.grace_until !== null && tierRank(settings, qualified.code) >= tierRank(settings, member.tier);
  const updated = await trx
    .updateTable('loyalty_member')
    .set({
      growth,
      ...(upgrade ? { tier: qualified.code, tier_since: now, grace_until: null } : {}),
      ...(regained ? { grace_until: null } : {}),
    })
    .where('customer_id', '=', input.customerId)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (upgrade) await recordTierChange(trx, now, { customerId: input.customerId, from: member.tier, to: qualified.code, reason: 'upgrade', growth: windowed });
  else if (regained) {
    await recordTierChange(trx, now, { customerId: input.customerId, from: member.tier, to: member.tier, reason: 'grace_cleared', growth: windowed });
  }
  return toMember(updated);
};

/**
 * Re-evaluates one member after their growth entries changed outside addGrowth (a merge brought the
 * other customer's growth): upgrades at once when the window's growth reaches a higher tier, and
 * clears a running grace period the growth now covers. Never downgrades (that waits for evaluation).
 */
export const upgradeIfQualified = async (trx: Trx, clock: Clock, settings: LoyaltySettings, customerId: string): Promise<Member | undefined> => {
  const now = clock.now();
  const member = await trx.selectFrom('loyalty_member').selectAll().where('customer_id', '=', customerId).forUpdate().executeTakeFirst();
  if (!member) return undefined;
  const windowed = await windowGrowth(trx, settings, customerId, now);
  const qualified = tierForGrowth(settings, windowed);
  const upgrade = tierRank(settings, qualified.code) > tierRank(settings, member.tier);
  const regained = !upgrade && member.grace_until !== null && tierRank(settings, qualified.code) >= tierRank(settings, member.tier);
  if (!upgrade && !regained) return toMember(member);
  const updated = await trx
    .updateTable('loyalty_member')
    .set(upgrade ? { tier: qualified.code, tier_since: now, grace_until: null } : { grace_until: null })
    .where('customer_id', '=', customerId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordTierChange(trx, now, {
    customerId,
    from: member.tier,
    to: upgrade ? qualified.code : member.tier,
    reason: upgrade ? 'upgrade' : 'grace_cleared',
    growth: windowed,
  });
  return toMember(updated);
};

export type EvaluationReport = { evaluated: number; graceStarted: number; graceCleared: number; downgraded: number };

/**
 * Periodic evaluation: a member whose window growth no longer holds the tier first gets a grace
 * period; still short when it ends, they move down to the tier they qualify for. Idempotent.
 */
export const evaluateTiers = async (db: Db, clock: Clock, settings: LoyaltySettings, options: { batchSize?: number } = {}): Promise<EvaluationReport> => {
  const batchSize = options.batchSize ?? 1000;
  const report: EvaluationReport = { evaluated: 0, graceStarted: 0, graceCleared: 0, downgraded: 0 };
  const now = clock.now();
  const since = addMonths(now, -settings.evaluationWindowMonths);
  const thresholds = settings.tiers.map((t) => t.threshold);
  const codes = settings.tiers.map((t) => t.code);
  let after = '';
  for (;;) {
    // Members whose window growth is below their tier's threshold, or who are in grace.
    const rows = await sql<{ customer_id: string; tier: string; grace_until: Date | null; windowed: number }>`
      with tiers as (select code, threshold from unnest(${codes}::text[], ${thresholds}::bigint[]) as t(code, threshold)),
      batch as (select customer_id, tier, grace_until from loyalty_member where customer_id > ${after} order by customer_id limit ${batchSize})
      select b.customer_id, b.tier, b.grace_until, coalesce(g.total, 0)::bigint as windowed
      from batch b
      join tiers t on t.code = b.tier
      left join lateral (
        select sum(points) as total from loyalty_growth_entry e where e.customer_id = b.customer_id and e.created_at > ${since}
      ) g on true
      where coalesce(g.total, 0) < t.threshold or b.grace_until is not null
      order by b.customer_id`.execute(db);
    const last = await sql<{ customer_id: string }>`
      select customer_id from loyalty_member where customer_id > ${after} order by customer_id offset ${batchSize - 1} limit 1`.execute(db);
    for (const r of rows.rows) {
      const qualified = tierForGrowth(settings, Math.max(0, Number(r.windowed)));
      const short = tierRank(settings, qualified.code) < tierRank(settings, r.tier);
      await db.transaction().execute(async (trx) => {
        if (!short && r.grace_until) {
          await trx.updateTable('loyalty_member').set({ grace_until: null, evaluated_at: now }).where('customer_id', '=', r.customer_id).execute();
          await recordTierChange(trx, now, { customerId: r.customer_id, from: r.tier, to: r.tier, reason: 'grace_cleared', growth: Number(r.windowed) });
          report.graceCleared++;
        } else if (short && !r.grace_until) {
          const until = new Date(now.getTime() + settings.graceDays * 86_400_000);
          await trx.updateTable('loyalty_member').set({ grace_until: until, evaluated_at: now }).where('customer_id', '=', r.customer_id).execute();
          await recordTierChange(trx, now, { customerId: r.customer_id, from: r.tier, to: r.tier, reason: 'grace_started', growth: Number(r.windowed) });
          report.graceStarted++;
        } else if (short && r.grace_until && r.grace_until <= now) {
          await trx
            .updateTable('loyalty_member')
            .set({ tier: qualified.code, tier_since: now, grace_until: null, evaluated_at: now })
            .where('customer_id', '=', r.customer_id)
            .execute();
          await recordTierChange(trx, now, { customerId: r.customer_id, from: r.tier, to: qualified.code, reason: 'downgrade', growth: Number(r.windowed) });
          report.downgraded++;
        }
      });
    }
    report.evaluated += rows.rows.length;
    const next = last.rows[0]?.customer_id;
    if (!next) break;
    after = next;
  }
  return report;
};

export const listTierChanges = async (db: Db, customerId: string) =>
  (
    await db
      .selectFrom('loyalty_tier_change')
      .selectAll()
      .where('customer_id', '=', customerId)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(100)
      .execute()
  ).map((r) => ({ id: r.id, from: r.from_tier, to: r.to_tier, reason: r.reason, growth: Number(r.growth), at: r.at }));
