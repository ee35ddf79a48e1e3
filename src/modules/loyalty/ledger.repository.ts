import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AccountKind, LedgerAccount, MovementKind } from './loyalty.tables.ts';

export type Movement = {
  id: string;
  customerId: string;
  kind: MovementKind;
  idempotencyKey: string;
  points: number;
  reason: string;
  refType: string | null;
  refId: string | null;
  actor: string;
  details: Record<string, unknown>;
  createdAt: Date;
};

type MovementRow = {
  id: string;
  customer_id: string;
  kind: MovementKind;
  idempotency_key: string;
  points: number;
  reason: string;
  ref_type: string | null;
  ref_id: string | null;
  actor: string;
  details: Record<string, unknown>;
  created_at: Date;
};

export const toMovement = (r: MovementRow): Movement => ({
  id: r.id,
  customerId: r.customer_id,
  kind: r.kind,
  idempotencyKey: r.idempotency_key,
  points: r.points,
  reason: r.reason,
  refType: r.ref_type,
  refId: r.ref_id,
  actor: r.actor,
  details: r.details,
  createdAt: r.created_at,
});

export type Balances = { member: number; pending: number; debt: number };

/**
 * Takes the customer's member-account row lock (opening the account at 0 if needed). Every movement
 * of one customer holds this lock until commit, so balance checks and lot consumption cannot race.
 */
export const lockAccount = async (trx: Trx, customerId: string, at: Date): Promise<Balances> => {
  await trx
    .insertInto('loyalty_account')
    .values({ customer_id: customerId, kind: 'member', balance: 0, entry_count: 0, updated_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const rows = await trx.selectFrom('loyalty_account').select(['kind', 'balance']).where('customer_id', '=', customerId).orderBy('kind').forUpdate().execute();
  return toBalances(rows);
};

const toBalances = (rows: { kind: AccountKind; balance: number }[]): Balances => {
  const b: Balances = { member: 0, pending: 0, debt: 0 };
  for (const r of rows) b[r.kind] = Number(r.balance);
  return b;
};

export const readBalances = async (db: Db | Trx, customerId: string): Promise<Balances> =>
  toBalances(await db.selectFrom('loyalty_account').select(['kind', 'balance']).where('customer_id', '=', customerId).execute());

export const findMovementByKey = async (db: Db | Trx, customerId: string, key: string): Promise<Movement | undefined> => {
  const row = await db.selectFrom('loyalty_movement').selectAll().where('customer_id', '=', customerId).where('idempotency_key', '=', key).executeTakeFirst();
  return row ? toMovement(row) : undefined;
};

export type Line = { account: LedgerAccount; delta: number };

export type NewMovement = {
  customerId: string;
  kind: MovementKind;
  key: string;
  points: number;
  reason: string;
  refType?: string | null;
  refId?: string | null;
  actor: string;
  details?: Record<string, unknown>;
  lines: Line[];
  at: Date;
};

/** Writes one movement and its balanced lines; the caller holds the account lock. */
export const insertMovement = async (trx: Trx, m: NewMovement): Promise<Movement> => {
  const lines = m.lines.filter((l) => l.delta !== 0);
  if (lines.reduce((s, l) => s + l.delta, 0) !== 0) throw new Error(`movement ${m.key} does not balance`);
  const id = newId('lmv', m.at);
  const row = await trx
    .insertInto('loyalty_movement')
    .values({
      customer_id: m.customerId,
      id,
      kind: m.kind,
      idempotency_key: m.key,
      points: m.points,
      reason: m.reason,
      ref_type: m.refType ?? null,
      ref_id: m.refId ?? null,
      actor: m.actor,
      details: JSON.stringify(m.details ?? {}),
      created_at: m.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (lines.length > 0) {
    await trx
      .insertInto('loyalty_entry')
      .values(lines.map((l, i) => ({ customer_id: m.customerId, movement_id: id, line: i + 1, account: l.account, delta: l.delta, created_at: m.at })))
      .execute();
  }
  return toMovement(row);
};

/**
 * Same key, same movement: a replay returns the first result. The same key with a different kind or
 * amount is a caller bug and is refused rather than silently ignored.
 */
export const checkReplay = (existing: Movement, kind: MovementKind, points: number | undefined): Movement => {
  if (existing.kind !== kind || (points !== undefined && existing.points !== points)) {
    throw new AppError('loyalty.idempotency_conflict', `idempotency key ${existing.idempotencyKey} was already used for a different movement`, {
      fields: [{ path: 'idempotencyKey', message: 'already used for a different movement' }],
    });
  }
  return existing;
};

export const createLot = async (trx: Trx, input: { customerId: string; movementId: string; points: number; at: Date; expiresAt: Date | null }) => {
  if (input.points <= 0) return;
  await trx
    .insertInto('loyalty_lot')
    .values({
      customer_id: input.customerId,
      id: newId('lot', input.at),
      movement_id: input.movementId,
      points: input.points,
      remaining: input.points,
      earned_at: input.at,
      expires_at: input.expiresAt,
    })
    .execute();
};

/**
 * Takes `points` from the customer's open lots, soonest expiry first (FIFO), or from one lot first
 * (`preferMovementId`, a refund taking back its own order's points). Set-based; the account lock
 * held by the caller serialises it.
 */
export const consumeLots = async (trx: Trx, input: { customerId: string; movementId: string; points: number; preferMovementId?: string }): Promise<void> => {
  if (input.points <= 0) return;
  const prefer = input.preferMovementId ?? '';
  const res = await sql<{ taken: number }>`
    with open as (
      select id, remaining,
             sum(remaining) over (order by (movement_id = ${prefer}) desc, expires_at asc nulls last, earned_at, id) as cum
      from loyalty_lot where customer_id = ${input.customerId} and remaining > 0
    ), take as (
      select id, least(remaining, ${input.points}::bigint - (cum - remaining)) as n from open where cum - remaining < ${input.points}::bigint
    ), upd as (
      update loyalty_lot l set remaining = l.remaining - t.n from take t
      where l.customer_id = ${input.customerId} and l.id = t.id
      returning l.id, t.n
    ), used as (
      insert into loyalty_lot_use (customer_id, lot_id, movement_id, points)
      select ${input.customerId}, id, ${input.movementId}, n from upd
      returning points
    )
    select coalesce(sum(points), 0)::bigint as taken from used`.execute(trx);
  const taken = Number(res.rows[0]?.taken ?? 0);
  if (taken !== input.points) throw new Error(`lots of ${input.customerId} hold ${taken} points, not ${input.points}: the ledger is inconsistent`);
};

/** China Standard Time calendar day (the budget resets at local midnight). */
export const businessDay = (at: Date): string => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

export const addMonths = (at: Date, months: number): Date => {
  const d = new Date(at);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
};
