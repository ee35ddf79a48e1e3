import { type Kysely, sql } from 'kysely';

/**
 * C5 membership & loyalty: members and tiers, a double-entry append-only points ledger, lots with
 * expiry, guards (issuance budget, bulk grants with approval), benefits with stock, milestones and
 * co-creation. See docs/adr/0007-loyalty-points-ledger.md.
 *
 * Every per-customer table carries customer_id first in its key and cascades from customer, so a
 * deleted (or demo-cleared) customer takes its whole ledger with it — and only then may a ledger row
 * disappear: the append-only triggers allow a delete only when the customer row is already gone.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // ---- members and tiers ----------------------------------------------------------------------
  await sql`create sequence loyalty_member_no_seq start 1000001`.execute(db);
  await sql`
    create table loyalty_member (
      customer_id text primary key references customer (id) on delete cascade,
      member_no text not null unique,
      tier text not null,
      growth bigint not null default 0 check (growth >= 0),
      enrolled_at timestamptz not null,
      enrolled_via text not null,
      tier_since timestamptz not null,
      grace_until timestamptz,
      evaluated_at timestamptz
    )`.execute(db);
  await sql`create index loyalty_member_tier_idx on loyalty_member (tier, customer_id)`.execute(db);
  await sql`create index loyalty_member_enrolled_idx on loyalty_member (enrolled_at, customer_id)`.execute(db);

  await sql`
    create table loyalty_growth_entry (
      customer_id text not null references customer (id) on delete cascade,
      idempotency_key text not null,
      kind text not null check (kind in ('spend', 'order', 'community', 'referral', 'case_share', 'adjust', 'refund')),
      points bigint not null,
      created_at timestamptz not null,
      primary key (customer_id, idempotency_key)
    )`.execute(db);
  await sql`create index loyalty_growth_entry_time_idx on loyalty_growth_entry (customer_id, created_at)`.execute(db);

  await sql`
    create table loyalty_tier_change (
      customer_id text not null references customer (id) on delete cascade,
      id text not null,
      from_tier text,
      to_tier text not null,
      reason text not null check (reason in ('enrolment', 'upgrade', 'downgrade', 'grace_started', 'grace_cleared')),
      growth bigint not null,
      at timestamptz not null,
      primary key (customer_id, id)
    )`.execute(db);

  // ---- the ledger -------------------------------------------------------------------------------
  // Balances of a customer's own accounts; written only by the entry trigger below (same transaction).
  await sql`
    create table loyalty_account (
      customer_id text not null references customer (id) on delete cascade,
      kind text not null check (kind in ('member', 'pending', 'debt')),
      balance bigint not null default 0,
      entry_count bigint not null default 0,
      updated_at timestamptz not null,
      primary key (customer_id, kind),
      constraint loyalty_account_sign check ((kind = 'debt' and balance <= 0) or (kind <> 'debt' and balance >= 0))
    )`.execute(db);

  await sql`
    create table loyalty_movement (
      customer_id text not null references customer (id) on delete cascade,
      id text not null,
      kind text not null check (kind in ('earn', 'grant', 'redeem', 'expire', 'reverse', 'adjust', 'release')),
      idempotency_key text not null check (length(idempotency_key) between 1 and 200),
      points bigint not null check (points >= 0),
      reason text not null,
      ref_type text,
      ref_id text,
      actor text not null,
      details jsonb not null default '{}',
      created_at timestamptz not null,
      primary key (customer_id, id),
      unique (customer_id, idempotency_key)
    )`.execute(db);

  await sql`
    create table loyalty_entry (
      customer_id text not null,
      movement_id text not null,
      line smallint not null,
      account text not null check (account in ('member', 'pending', 'debt', 'issued', 'redeemed', 'expired', 'reversed', 'adjusted')),
      delta bigint not null check (delta <> 0),
      created_at timestamptz not null,
      primary key (customer_id, movement_id, line),
      foreign key (customer_id, movement_id) references loyalty_movement (customer_id, id) on delete cascade
    )`.execute(db);
  await sql`create index loyalty_entry_account_idx on loyalty_entry (account, created_at)`.execute(db);

  // Append-only: no update ever; a delete only as part of deleting the customer (cascade).
  await sql`
    create function loyalty_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and not exists (select 1 from customer where id = old.customer_id) then
        return old;
      end if;
      raise exception '% is append-only (% refused)', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  for (const table of ['loyalty_movement', 'loyalty_entry', 'loyalty_growth_entry', 'loyalty_tier_change', 'loyalty_lot_use']) {
    if (table === 'loyalty_lot_use') continue; // created below
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.raw(table)}
      for each row execute function loyalty_append_only()`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.raw(table)}
      for each statement execute function loyalty_append_only()`.execute(db);
  }

  // Entries move the running balances of the customer's accounts in the same statement's
  // transaction (one aggregated update per statement, so set-based inserts stay fast); the account
  // row's lock serialises one customer's movements and its check constraint refuses an overdraw.
  await sql`
    create function loyalty_entry_apply() returns trigger language plpgsql as $$
    begin
      update loyalty_account a set balance = a.balance + s.delta, entry_count = a.entry_count + s.n, updated_at = s.at
      from (select customer_id, account, sum(delta) as delta, count(*) as n, max(created_at) as at
            from new_rows where account in ('member', 'pending', 'debt') group by customer_id, account) s
      where a.customer_id = s.customer_id and a.kind = s.account;
      -- Accounts not opened yet (a debt or pending account's first entry).
      insert into loyalty_account (customer_id, kind, balance, entry_count, updated_at)
      select s.customer_id, s.account, s.delta, s.n, s.at
      from (select customer_id, account, sum(delta) as delta, count(*) as n, max(created_at) as at
            from new_rows where account in ('member', 'pending', 'debt') group by customer_id, account) s
      where not exists (select 1 from loyalty_account a where a.customer_id = s.customer_id and a.kind = s.account);
      -- Double entry: every movement this statement touched must balance, all its lines together.
      perform 1 from loyalty_entry e
        join (select distinct customer_id, movement_id from new_rows) t on t.customer_id = e.customer_id and t.movement_id = e.movement_id
        group by e.customer_id, e.movement_id having sum(e.delta) <> 0;
      if found then
        raise exception 'a loyalty movement does not balance (its lines must sum to 0)' using errcode = 'check_violation';
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger loyalty_entry_apply after insert on loyalty_entry referencing new table as new_rows
    for each statement execute function loyalty_entry_apply()`.execute(db);

  // Balances change only through entries (the trigger above runs at depth 2); a direct write is refused.
  await sql`
    create function loyalty_account_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        if not exists (select 1 from customer where id = old.customer_id) then return old; end if;
        raise exception 'loyalty_account rows are removed only with their customer' using errcode = 'insufficient_privilege';
      end if;
      if tg_op = 'INSERT' then
        if pg_trigger_depth() < 2 and new.balance <> 0 then
          raise exception 'a loyalty account opens at 0; balances move only through loyalty_entry' using errcode = 'insufficient_privilege';
        end if;
        return new;
      end if;
      if pg_trigger_depth() < 2 and (new.balance <> old.balance or new.entry_count <> old.entry_count) then
        raise exception 'loyalty balances move only through loyalty_entry' using errcode = 'insufficient_privilege';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger loyalty_account_guard before insert or update or delete on loyalty_account
    for each row execute function loyalty_account_guard()`.execute(db);

  // ---- lots: what was earned when, and when it expires (FIFO) ------------------------------------
  await sql`
    create table loyalty_lot (
      customer_id text not null references customer (id) on delete cascade,
      id text not null,
      movement_id text not null,
      points bigint not null check (points > 0),
      remaining bigint not null check (remaining >= 0 and remaining <= points),
      earned_at timestamptz not null,
      expires_at timestamptz,
      primary key (customer_id, id)
    )`.execute(db);
  await sql`create index loyalty_lot_open_idx on loyalty_lot (customer_id, expires_at, id) where remaining > 0`.execute(db);
  await sql`create index loyalty_lot_expiry_idx on loyalty_lot (expires_at) where remaining > 0`.execute(db);
  await sql`
    create table loyalty_lot_use (
      customer_id text not null,
      lot_id text not null,
      movement_id text not null,
      points bigint not null check (points > 0),
      primary key (customer_id, lot_id, movement_id),
      foreign key (customer_id, lot_id) references loyalty_lot (customer_id, id) on delete cascade
    )`.execute(db);
  await sql`create trigger loyalty_lot_use_append_only before update or delete on loyalty_lot_use
    for each row execute function loyalty_append_only()`.execute(db);

  // Which account each order's points went to (orders are keyed by their own customer; the points go
  // to that customer's root at earn time). The primary key is the idempotency guard for order earn.
  await sql`
    create table loyalty_order_earn (
      customer_id text not null references customer (id) on delete cascade,
      order_id text not null,
      -- no foreign key: the order's own customer_id cascades; this one is looked up, never joined for integrity
      account_customer_id text not null,
      movement_id text,
      points bigint not null,
      total_fen bigint not null,
      refunded_fen bigint not null default 0,
      reversed_points bigint not null default 0,
      status text not null check (status in ('earned', 'held', 'skipped')),
      -- Points of an order stay pending (not spendable) until its return window closes.
      pending_until timestamptz,
      released_at timestamptz,
      created_at timestamptz not null,
      primary key (customer_id, order_id)
    )`.execute(db);
  await sql`create index loyalty_order_earn_account_idx on loyalty_order_earn (account_customer_id)`.execute(db);
  await sql`create index loyalty_order_earn_pending_idx on loyalty_order_earn (pending_until) where released_at is null and pending_until is not null`.execute(
    db,
  );
  await sql`
    create table loyalty_refund_seen (
      customer_id text not null references customer (id) on delete cascade,
      refund_id text not null,
      order_id text not null,
      amount_fen bigint not null,
      processed_at timestamptz not null,
      primary key (customer_id, refund_id)
    )`.execute(db);

  // ---- guards -----------------------------------------------------------------------------------
  await sql`
    create table loyalty_issuance_day (
      day date primary key,
      issued bigint not null default 0,
      warned_at timestamptz
    )`.execute(db);
  await sql`
    create table loyalty_alert (
      id text primary key,
      kind text not null,
      message text not null,
      details jsonb not null default '{}',
      at timestamptz not null,
      acknowledged_at timestamptz,
      acknowledged_by text
    )`.execute(db);
  await sql`create index loyalty_alert_at_idx on loyalty_alert (at desc)`.execute(db);
  await sql`
    create table loyalty_grant (
      id text primary key,
      title text not null,
      reason text not null,
      points_each bigint not null check (points_each > 0),
      target_count int not null,
      status text not null check (status in ('pending_approval', 'approved', 'rejected', 'running', 'done')),
      requested_by text not null,
      requested_by_label text not null,
      decided_by text,
      decided_at timestamptz,
      created_at timestamptz not null,
      finished_at timestamptz
    )`.execute(db);
  await sql`
    create table loyalty_grant_target (
      customer_id text not null references customer (id) on delete cascade,
      grant_id text not null references loyalty_grant (id) on delete cascade,
      primary key (customer_id, grant_id)
    )`.execute(db);
  await sql`create index loyalty_grant_target_grant_idx on loyalty_grant_target (grant_id, customer_id)`.execute(db);

  // ---- benefits, coupons, milestones, co-creation -------------------------------------------------
  await sql`
    create table loyalty_benefit (
      id text primary key,
      name text not null,
      provider text not null check (provider in ('own', 'partner')),
      partner_name text,
      points_price bigint not null check (points_price >= 0),
      min_tier text,
      stock_total int not null check (stock_total >= 0),
      stock_left int not null check (stock_left >= 0 and stock_left <= stock_total),
      valid_from timestamptz,
      valid_until timestamptz,
      terms text not null,
      active boolean not null default true,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`
    create table loyalty_redemption (
      customer_id text not null references customer (id) on delete cascade,
      id text not null,
      benefit_id text not null references loyalty_benefit (id),
      movement_id text not null,
      code text not null unique,
      points bigint not null,
      created_at timestamptz not null,
      primary key (customer_id, id),
      unique (customer_id, movement_id)
    )`.execute(db);
  await sql`create index loyalty_redemption_benefit_idx on loyalty_redemption (benefit_id, created_at)`.execute(db);

  await sql`
    create table loyalty_milestone (
      customer_id text not null references customer (id) on delete cascade,
      kind text not null check (kind in ('anniversary', 'birthday')),
      year int not null,
      movement_id text,
      granted_at timestamptz not null,
      primary key (customer_id, kind, year)
    )`.execute(db);

  await sql`
    create table loyalty_cocreation (
      id text primary key,
      title text not null,
      kind text not null check (kind in ('product_test', 'event', 'interview')),
      description text not null default '',
      starts_at timestamptz,
      capacity int,
      created_by text not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`
    create table loyalty_invitation (
      customer_id text not null references customer (id) on delete cascade,
      cocreation_id text not null references loyalty_cocreation (id) on delete cascade,
      status text not null check (status in ('invited', 'signed_up', 'participated', 'declined')),
      invited_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (customer_id, cocreation_id)
    )`.execute(db);
  await sql`create index loyalty_invitation_programme_idx on loyalty_invitation (cocreation_id, status)`.execute(db);

  // ---- what loyalty reads of other modules (C1 orders and refunds) ---------------------------------
  await sql`
    create view loyalty_order_feed as
      select o.customer_id, o.id as order_id, c.root_id, o.status, o.total_fen, o.refunded_fen, o.placed_at, o.created_at
      from customer_order o join customer c on c.id = o.customer_id`.execute(db);
  await sql`
    create view loyalty_refund_feed as
      select r.customer_id, r.id as refund_id, r.order_id, r.amount_fen, r.refunded_at, r.created_at
      from customer_order_refund r`.execute(db);
  // Birthdays for milestone care ('MM-DD' from the golden record's birthday attribute, if any).
  await sql`
    create view loyalty_customer_birthday as
      select id as customer_id, right(attributes->>'birthday', 5) as month_day
      from customer where attributes->>'birthday' ~ '(^|-)[01][0-9]-[0-3][0-9]$'`.execute(db);
  await sql`create index if not exists customer_order_created_idx on customer_order (created_at)`.execute(db);
  await sql`create index if not exists customer_order_refund_created_idx on customer_order_refund (created_at)`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
