import { type Kysely, sql } from 'kysely';

/**
 * Loyalty follows identity merges (issue #6): a merge moves the loser's points, lots, debt, pending
 * points and growth value to the winner as a `transfer` movement on each side, balanced through the
 * `transfer` clearing account (whose entries of one merge sum to 0); an unmerge moves them back. The
 * transfer row is the idempotency guard and records what was moved, so the undo is exact. See
 * docs/adr/0007-loyalty-points-ledger.md.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`alter table loyalty_movement drop constraint loyalty_movement_kind_check`.execute(db);
  await sql`alter table loyalty_movement add constraint loyalty_movement_kind_check
    check (kind in ('earn', 'grant', 'redeem', 'expire', 'reverse', 'adjust', 'release', 'transfer'))`.execute(db);
  await sql`alter table loyalty_entry drop constraint loyalty_entry_account_check`.execute(db);
  await sql`alter table loyalty_entry add constraint loyalty_entry_account_check
    check (account in ('member', 'pending', 'debt', 'issued', 'redeemed', 'expired', 'reversed', 'adjusted', 'transfer'))`.execute(db);

  // One row per (loser, merge): what the loser brought to the winner, and when it was given back.
  await sql`
    create table loyalty_merge_transfer (
      customer_id text not null references customer (id) on delete cascade,
      merge_id text not null,
      winner_id text not null references customer (id) on delete cascade,
      member_points bigint not null check (member_points >= 0),
      debt_points bigint not null check (debt_points >= 0),
      pending_points bigint not null check (pending_points >= 0),
      growth bigint not null check (growth >= 0),
      moved_at timestamptz not null,
      undone_at timestamptz,
      undo_details jsonb,
      primary key (customer_id, merge_id)
    )`.execute(db);
  await sql`create index loyalty_merge_transfer_winner_idx on loyalty_merge_transfer (winner_id)`.execute(db);

  // The loser's orders whose later release/refund now goes to the winner's account (and back on undo).
  await sql`
    create table loyalty_merge_order (
      customer_id text not null references customer (id) on delete cascade,
      order_id text not null,
      merge_id text not null,
      from_account text not null,
      to_account text not null,
      primary key (customer_id, order_id, merge_id)
    )`.execute(db);
  await sql`create index loyalty_merge_order_merge_idx on loyalty_merge_order (merge_id)`.execute(db);

  // The daily issuance budget in shards (issue #6, award throughput): the day row hands the budget out
  // to shard rows in chunks (`allotted`); each award charges the shard of its connection, so 50
  // concurrent awards no longer queue on one row. Issued never exceeds what was allotted, and the day
  // row never allots more than the budget: the cap stays exact-or-under. `issued` on the day row keeps
  // what was counted before the shards (it is part of the day's allotment).
  await sql`alter table loyalty_issuance_day add column allotted bigint not null default 0`.execute(db);
  await sql`update loyalty_issuance_day set allotted = issued`.execute(db);
  await sql`
    create table loyalty_issuance_shard (
      day date not null,
      shard int not null,
      allotted bigint not null default 0,
      issued bigint not null default 0,
      primary key (day, shard)
    )`.execute(db);

  // Loyalty enrols customers whose C1 identify events say they are members (read through
  // profiles' listIdentifyEvents by a receipt-time cursor): a small partial index keeps that scan
  // off the rest of the event table.
  await sql`create index customer_event_identify_received_idx on customer_event (received_at, customer_id, id) where type = 'identify'`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
