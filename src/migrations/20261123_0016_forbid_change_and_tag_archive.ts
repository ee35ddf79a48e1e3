import { type Kysely, sql } from 'kysely';

/**
 * One append-only guard for every history table: `gx_forbid_change()` refuses UPDATE, DELETE and TRUNCATE
 * with a message naming the table. Called with a column name (`gx_forbid_change('customer_id')`), it lets a
 * row go only when the customer that column names is already gone (the cascade of deleting a customer).
 * The triggers that used the per-module copies (audit_log_block_change, loyalty_append_only) are re-pointed
 * to it, keeping their names, events and timing; `tag_history` gets the guard it lacked.
 *
 * Tags can be archived: `archived_at` set = no longer evaluated nor offered for new assignments.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    create function gx_forbid_change() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' and tg_nargs > 0 then
        if not exists (select 1 from customer where id = to_jsonb(old) ->> tg_argv[0]) then
          return old;
        end if;
      end if;
      raise exception '% is append-only (% refused)', tg_table_name, tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);

  // Every trigger on the old functions, whoever created it, re-created on the shared one.
  const repoint: [string, string][] = [
    ['audit_log_block_change', 'gx_forbid_change()'],
    ['loyalty_append_only', `gx_forbid_change('customer_id')`],
  ];
  for (const [old, replacement] of repoint) {
    const { rows } = await sql<{ name: string; table: string; def: string }>`
      select t.tgname as name, t.tgrelid::regclass::text as table, pg_get_triggerdef(t.oid) as def
      from pg_trigger t join pg_proc p on p.oid = t.tgfoid
      where p.proname = ${old} and not t.tgisinternal
      order by t.tgrelid::regclass::text, t.tgname`.execute(db);
    for (const r of rows) {
      const def = r.def.replace(new RegExp(`EXECUTE FUNCTION ${old}\\(\\)$`), `EXECUTE FUNCTION ${replacement}`);
      if (def === r.def) throw new Error(`trigger ${r.name} on ${r.table}: unexpected definition ${r.def}`);
      await sql`drop trigger ${sql.id(r.name)} on ${sql.raw(r.table)}`.execute(db);
      await sql.raw(def).execute(db);
    }
    await sql`drop function ${sql.id(old)}()`.execute(db);
  }

  await sql`
    create trigger tag_history_append_only before update or delete on tag_history
    for each row execute function gx_forbid_change('customer_id')`.execute(db);
  await sql`
    create trigger tag_history_no_truncate before truncate on tag_history
    for each statement execute function gx_forbid_change()`.execute(db);

  await sql`alter table tag_definition add column archived_at timestamptz, add column archived_by text`.execute(db);
};

export const down = async (): Promise<void> => {
  throw new Error('migrations are append-only; restore from a backup instead of migrating down');
};
