import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { businessDay } from './ledger.repository.ts';
import type { LoyaltySettings } from './loyalty-settings.ts';

export type AlertKind = 'budget_warning' | 'budget_exceeded' | 'operation_limit' | 'reconcile_failed';

export const recordAlert = async (db: Db | Trx, at: Date, alert: { kind: AlertKind; message: string; details?: Record<string, unknown> }): Promise<void> => {
  await db
    .insertInto('loyalty_alert')
    .values({ id: newId('lal', at), kind: alert.kind, message: alert.message, details: JSON.stringify(alert.details ?? {}), at })
    .execute();
};

/** The per-operation ceiling: one movement can never issue more than this. */
export const checkOperationLimit = (settings: LoyaltySettings, points: number): void => {
  if (!Number.isSafeInteger(points) || points <= 0) {
    throw new AppError('request.invalid', 'points must be a positive whole number', { fields: [{ path: 'points', message: 'a positive whole number' }] });
  }
  if (points > settings.guards.maxPointsPerOperation) {
    throw new AppError('loyalty.over_operation_limit', `${points} points exceed the limit of ${settings.guards.maxPointsPerOperation} per operation`, {
      fields: [{ path: 'points', message: `at most ${settings.guards.maxPointsPerOperation}` }],
    });
  }
};

// Shards of the daily budget: each connection charges its own (pg_backend_pid() % SHARDS), so
// concurrent awards rarely share a row lock.
const SHARDS = 64;

/** Points issued on a business day: the shards' counts plus what was counted before sharding. */
export const issuedOnDay = async (db: Db | Trx, day: string): Promise<number> => {
  const r = await sql<{ issued: number }>`
    select coalesce((select issued from loyalty_issuance_day where day = ${day}), 0)
         + coalesce((select sum(issued) from loyalty_issuance_shard where day = ${day}), 0) as issued`.execute(db);
  return Number(r.rows[0]?.issued ?? 0);
};

const budgetExceeded = (budget: number, issued: number) =>
  new AppError('loyalty.daily_budget_exceeded', `today's issuance budget of ${budget} points is used up (${issued} issued)`, {
    retryAfterSeconds: 3600,
  });

/**
 * Counts points against today's issuance budget in the caller's transaction (so a rolled-back
 * award does not count — nor do the budget moves it made). The budget is sharded: the day row hands
 * it out in chunks to shard rows, and an award charges the shard of its connection, taking a chunk
 * from the day row only when its shard runs dry and, near the cap, the room left in shards nobody
 * holds. No shard issues more than it was allotted and the day allots at most the budget, so the cap
 * is exact-or-under. Past the warning ratio an alert is raised once a day; past the budget the award
 * is refused unless `enforce` is false (a bulk grant two people approved still counts).
 */
export const chargeIssuance = async (trx: Trx, clock: Clock, settings: LoyaltySettings, points: number, enforce: boolean): Promise<void> => {
  const now = clock.now();
  const day = businessDay(now);
  const budget = settings.guards.dailyIssuanceBudget;
  const warnAt = budget * settings.guards.budgetWarnRatio;

  // The common case: one statement on this connection's shard, which has room.
  const fast = await sql<{ shard: number; charged: boolean; allotted: number | null; warned: boolean }>`
    with c as (
      update loyalty_issuance_shard set issued = issued + ${points}
      where ${enforce} and day = ${day} and shard = pg_backend_pid() % ${SHARDS} and issued + ${points} <= allotted
        -- The budget was lowered below what is already allotted: the slow path counts exactly.
        and (select allotted from loyalty_issuance_day where day = ${day}) <= ${budget}
      returning shard)
    select pg_backend_pid() % ${SHARDS} as shard, exists (select 1 from c) as charged, d.allotted, d.warned_at is not null as warned
    from (select 1) x left join loyalty_issuance_day d on d.day = ${day}`.execute(trx);
  const f = fast.rows[0] as { shard: number; charged: boolean; allotted: number | null; warned: boolean };
  let allotted = Number(f.allotted ?? 0);
  let warned = f.warned;

  if (!f.charged) {
    // Slow path. Lock order, the same in every transaction: (1) the day row's creation, (2) the
    // shard rows' creation, (3) this connection's shard, (4) the day row (only for a refill). The first award of a day
    // creates the day and every shard with a first chunk (a quarter of the budget spread over the
    // shards), so the other connections start on the fast path; later a shard that runs dry takes
    // a chunk from the day row (held until commit, once per chunk). Other shards are only ever
    // taken with SKIP LOCKED, so no transaction waits in a cycle.
    await sql`insert into loyalty_issuance_day (day, issued, allotted) values (${day}, 0, 0) on conflict do nothing`.execute(trx);
    const first = Math.max(0, Math.floor(budget / (SHARDS * 4)));
    await sql`
      with ins as (
        insert into loyalty_issuance_shard (day, shard, allotted, issued)
        select ${day}, s, (
          select greatest(0, least(${enforce ? first : 0}, floor((${budget} - allotted) / ${SHARDS})))::bigint
          from loyalty_issuance_day where day = ${day}), 0
        from generate_series(0, ${SHARDS - 1}) s
        where not exists (select 1 from loyalty_issuance_shard x where x.day = ${day})
        on conflict do nothing
        returning allotted)
      update loyalty_issuance_day set allotted = allotted + (select coalesce(sum(allotted), 0) from ins)
      where day = ${day} and exists (select 1 from ins)`.execute(trx);
    const own = await sql<{ room: number }>`
      select allotted - issued as room from loyalty_issuance_shard where day = ${day} and shard = ${f.shard} for update`.execute(trx);
    const room = Number(own.rows[0]?.room ?? 0);
    const seen = await sql<{ allotted: number; warned: boolean }>`
      select allotted, warned_at is not null as warned from loyalty_issuance_day where day = ${day}`.execute(trx);
    allotted = Number(seen.rows[0]?.allotted ?? 0);
    warned = seen.rows[0]?.warned ?? false;
    const lowered = enforce && allotted > budget;
    if (room < points || lowered) {
      // (4) The day row, until commit: a refill, or an exact count when the budget was lowered today.
      const d = await sql<{ allotted: number; warned: boolean }>`
        select allotted, warned_at is not null as warned from loyalty_issuance_day where day = ${day} for update`.execute(trx);
      allotted = Number(d.rows[0]?.allotted ?? 0);
      warned = d.rows[0]?.warned ?? false;
      let grant: number;
      if (enforce && allotted > budget) {
        // The budget was lowered today below what the shards hold: count exactly instead.
        const issued = await issuedOnDay(trx, day);
        if (issued + points > budget) throw budgetExceeded(budget, issued);
        grant = Math.max(0, points - room);
      } else if (room >= points) {
        grant = 0;
      } else if (!enforce) {
        // Approved past the budget if need be: it is allotted as it is issued, so it counts for everyone.
        grant = points - room;
      } else {
        const chunk = Math.max(points - room, Math.ceil(budget / (SHARDS * 4)));
        grant = Math.max(0, Math.min(chunk, budget - allotted));
      }
      let short = points - room - grant;
      if (short > 0) {
        // Near the cap: take the room other shards have left, skipping any a running award holds
        // (never waiting, so never deadlocking; a refusal here is exact-or-under).
        const others = await sql<{ shard: number; room: number }>`
          select shard, allotted - issued as room from loyalty_issuance_shard
          where day = ${day} and shard <> ${f.shard} and allotted > issued
          order by shard for update skip locked`.execute(trx);
        for (const o of others.rows) {
          if (short <= 0) break;
          const take = Math.min(short, Number(o.room));
          await sql`update loyalty_issuance_shard set allotted = allotted - ${take} where day = ${day} and shard = ${o.shard}`.execute(trx);
          await sql`update loyalty_issuance_shard set allotted = allotted + ${take} where day = ${day} and shard = ${f.shard}`.execute(trx);
          short -= take;
        }
        if (short > 0) throw budgetExceeded(budget, await issuedOnDay(trx, day));
      }
      if (grant > 0) {
        await sql`update loyalty_issuance_day set allotted = allotted + ${grant} where day = ${day}`.execute(trx);
        allotted += grant;
        await sql`update loyalty_issuance_shard set allotted = allotted + ${grant} where day = ${day} and shard = ${f.shard}`.execute(trx);
      }
    }
    await sql`update loyalty_issuance_shard set issued = issued + ${points} where day = ${day} and shard = ${f.shard}`.execute(trx);
  }

  // Issued can only pass the warning line once enough has been allotted; count it then.
  if (!warned && allotted >= warnAt) {
    const issued = await issuedOnDay(trx, day);
    if (issued >= warnAt) {
      // Skipped if a refill holds the day row right now: that one (or the next award) warns instead.
      const marked = await sql`
        update loyalty_issuance_day set warned_at = ${now}
        where day = (select day from loyalty_issuance_day where day = ${day} and warned_at is null for update skip locked)
        returning day`.execute(trx);
      if (marked.rows.length > 0) {
        await recordAlert(trx, now, { kind: 'budget_warning', message: `${issued} of today's ${budget} points issued`, details: { day, issued, budget } });
      }
    }
  }
};

/**
 * Runs an issuing transaction; if the budget refused it, records (once a day) an alert in a
 * transaction of its own — the refused one rolled back — and rethrows.
 */
export const withIssuanceAlerts = async <T>(db: Db, clock: Clock, fn: () => Promise<T>): Promise<T> => {
  try {
    return await fn();
  } catch (e) {
    if (isAppError(e) && e.code === 'loyalty.daily_budget_exceeded') {
      const now = clock.now();
      const day = businessDay(now);
      const seen = await db
        .selectFrom('loyalty_alert')
        .select('id')
        .where('kind', '=', 'budget_exceeded')
        .where(sql<boolean>`details->>'day' = ${day}`)
        .executeTakeFirst();
      if (!seen) await recordAlert(db, now, { kind: 'budget_exceeded', message: e.message, details: { day } });
    }
    throw e;
  }
};
