import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '../modules/audit/index.ts';
import { cliActor } from '../modules/auth/index.ts';
import { addManualTag, createTag } from '../modules/intelligence/tags/index.ts';
import { insertCustomer } from '../modules/intelligence/tags/test-fixtures.ts';
import { awardPoints, DEFAULT_LOYALTY_SETTINGS } from '../modules/loyalty/index.ts';
import { fixedClock } from '../platform/clock.ts';
import { useTestDb } from '../test/test-db.ts';

describe('gx_forbid_change: one append-only guard for ledger, audit log and tag history', () => {
  const db = useTestDb();
  const clock = fixedClock('2026-03-10T02:00:00Z');
  const actor = cliActor('test');

  /** A customer with a ledger entry, an audit row and a tag-history row. */
  const seed = async () => {
    const c = await insertCustomer(db().db);
    await db().tx(async (trx) => {
      await awardPoints(trx, { clock, settings: DEFAULT_LOYALTY_SETTINGS }, { customerId: c, points: 50, key: 'k', reason: 'test', actor: 'test' });
      const tag = await createTag(trx, clock, actor, { name: `vip ${c}`, colour: 'gold', kind: 'manual' });
      await addManualTag(trx, clock, actor, { customerId: c, tagId: tag.id });
      await recordAudit(trx, clock, actor, { action: 'customer.update', subjectType: 'customer', subjectId: c });
    });
    return c;
  };

  it('refuses updates, deletes and truncates, naming the table', async () => {
    const c = await seed();
    const refused = async (statement: ReturnType<typeof sql>, message: string) => {
      await expect(statement.execute(db().db)).rejects.toThrow(message);
    };
    await refused(sql`update loyalty_entry set delta = 5000 where customer_id = ${c}`, 'loyalty_entry is append-only (UPDATE refused)');
    await refused(sql`delete from loyalty_entry where customer_id = ${c}`, 'loyalty_entry is append-only (DELETE refused)');
    await refused(sql`update audit_log set action = 'x' where subject_id = ${c}`, 'audit_log is append-only (UPDATE refused)');
    await refused(sql`delete from audit_log where subject_id = ${c}`, 'audit_log is append-only (DELETE refused)');
    await refused(sql`update tag_history set reason = 'rewritten' where customer_id = ${c}`, 'tag_history is append-only (UPDATE refused)');
    await refused(sql`delete from tag_history where customer_id = ${c}`, 'tag_history is append-only (DELETE refused)');
    await refused(sql`truncate tag_history`, 'tag_history is append-only (TRUNCATE refused)');
    await refused(sql`truncate audit_log`, 'audit_log is append-only (TRUNCATE refused)');
    const kept = await sql<{ n: number }>`select count(*)::int as n from tag_history where customer_id = ${c} and reason is null`.execute(db().db);
    expect(kept.rows[0]?.n).toBe(1);
  });

  it('lets ledger and tag history go only together with their customer; the audit log stays', async () => {
    const c = await seed();
    await sql`delete from customer where id = ${c}`.execute(db().db);
    const { rows } = await sql<{ entries: number; history: number; audit: number }>`
      select (select count(*)::int from loyalty_entry where customer_id = ${c}) as entries,
             (select count(*)::int from tag_history where customer_id = ${c}) as history,
             (select count(*)::int from audit_log where subject_id = ${c}) as audit`.execute(db().db);
    expect(rows[0]).toEqual({ entries: 0, history: 0, audit: 2 });
  });

  it('is the only append-only function left (the per-module copies are gone)', async () => {
    const { rows } = await sql<{ fn: string; n: number }>`
      select p.proname as fn, count(*)::int as n from pg_trigger t join pg_proc p on p.oid = t.tgfoid
      where p.proname in ('gx_forbid_change', 'audit_log_block_change', 'loyalty_append_only') group by p.proname`.execute(db().db);
    expect(rows.map((r) => r.fn)).toEqual(['gx_forbid_change']);
  });
});
