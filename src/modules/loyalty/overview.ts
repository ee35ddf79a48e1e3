import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { issuedOnDay } from './issuance-guard.ts';
import { businessDay } from './ledger.repository.ts';
import type { LoyaltySettings } from './loyalty-settings.ts';

/** The programme at a glance: members by tier, the liability and its history, today's issuance, alerts. */
export const loyaltyOverview = async (db: Db, clock: Clock, settings: LoyaltySettings) => {
  const now = clock.now();
  const tiers = await sql<{ tier: string; n: number }>`select tier, count(*)::int as n from loyalty_member group by tier`.execute(db);
  const balances = await sql<{
    kind: string;
    total: number;
  }>`select kind, coalesce(sum(balance), 0)::bigint as total from loyalty_account group by kind`.execute(db);
  const totals = await sql<{ account: string; total: number }>`
    select account, sum(delta)::bigint as total from loyalty_entry where account in ('issued', 'redeemed', 'expired', 'reversed') group by account`.execute(db);
  // Liability at the end of each of the last 12 months: the running sum of member-side entries.
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  const history = await sql<{ month: string; delta: number; issued: number; redeemed: number }>`
    select to_char(date_trunc('month', created_at), 'YYYY-MM') as month,
           coalesce(sum(delta) filter (where account in ('member', 'pending', 'debt')), 0)::bigint as delta,
           coalesce(-sum(delta) filter (where account = 'issued'), 0)::bigint as issued,
           coalesce(sum(delta) filter (where account = 'redeemed'), 0)::bigint as redeemed
    from loyalty_entry where created_at >= ${since} group by 1 order by 1`.execute(db);
  const before = await sql<{ total: number }>`
    select coalesce(sum(delta), 0)::bigint as total from loyalty_entry where created_at < ${since} and account in ('member', 'pending', 'debt')`.execute(db);
  let running = Number(before.rows[0]?.total ?? 0);
  const byMonth = new Map(history.rows.map((r) => [r.month, r]));
  const months = [];
  for (let i = 0; i < 12; i++) {
    const d = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth() + i, 1));
    const key = d.toISOString().slice(0, 7);
    const r = byMonth.get(key);
    running += Number(r?.delta ?? 0);
    months.push({ month: key, liability: running, issued: Number(r?.issued ?? 0), redeemed: Number(r?.redeemed ?? 0) });
  }
  const day = businessDay(now);
  const issuedToday = await issuedOnDay(db, day);
  const alerts = await db.selectFrom('loyalty_alert').selectAll().orderBy('at', 'desc').limit(20).execute();
  const pending = await sql<{ n: number }>`select count(*)::int as n from loyalty_grant where status = 'pending_approval'`.execute(db);
  const b = new Map(balances.rows.map((r) => [r.kind, Number(r.total)]));
  const t = new Map(totals.rows.map((r) => [r.account, Number(r.total)]));
  return {
    members: tiers.rows.reduce((s, r) => s + r.n, 0),
    tiers: settings.tiers.map((tier) => ({ code: tier.code, name: tier.name, members: tiers.rows.find((r) => r.tier === tier.code)?.n ?? 0 })),
    outstanding: b.get('member') ?? 0,
    debt: b.get('debt') ?? 0,
    issued: -(t.get('issued') ?? 0),
    redeemed: t.get('redeemed') ?? 0,
    expired: t.get('expired') ?? 0,
    reversed: t.get('reversed') ?? 0,
    today: { day, issued: issuedToday, budget: settings.guards.dailyIssuanceBudget },
    pendingApprovals: pending.rows[0]?.n ?? 0,
    months,
    alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, message: a.message, at: a.at })),
  };
};

/** A member's full ledger, newest first, with each movement's lines. */
export const listLedger = async (db: Db, customerId: string, limit = 200) => {
  const movements = await db
    .selectFrom('loyalty_movement')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  const ids = movements.map((m) => m.id);
  const lines =
    ids.length === 0
      ? []
      : await db
          .selectFrom('loyalty_entry')
          .select(['movement_id', 'account', 'delta'])
          .where('customer_id', '=', customerId)
          .where('movement_id', 'in', ids)
          .orderBy('line')
          .execute();
  return movements.map((m) => ({
    id: m.id,
    kind: m.kind,
    points: Number(m.points),
    reason: m.reason,
    idempotencyKey: m.idempotency_key,
    refType: m.ref_type,
    refId: m.ref_id,
    actor: m.actor,
    createdAt: m.created_at,
    lines: lines.filter((l) => l.movement_id === m.id).map((l) => ({ account: l.account, delta: Number(l.delta) })),
  }));
};
