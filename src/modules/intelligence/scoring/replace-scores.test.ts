import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../platform/ids.ts';
import { useTestDb } from '../../../test/test-db.ts';
import { copyRows, replaceScores } from './replace-scores.ts';
import { insertCompany } from './scoring-test-kit.ts';

const AT = new Date('2026-11-01T00:00:00Z');
const COLUMNS = ['customer_id', 'run_id', 'risk', 'value_12m_fen', 'priority', 'factors', 'scored_at'] as const;

describe('score tables replaced by build-and-swap', () => {
  const db = useTestDb();
  const ids = Array.from({ length: 4 }, () => newId('cus', AT));

  const scores = () => db().db.selectFrom('churn_score').select(['customer_id', 'run_id', 'risk', 'factors']).orderBy('customer_id').execute();
  const shape = async () => {
    const indexes = await sql<{ indexname: string; indexdef: string }>`
      select indexname, indexdef from pg_indexes where tablename = 'churn_score' order by indexname`.execute(db().db);
    const constraints = await sql<{ conname: string; def: string }>`
      select conname, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'churn_score'::regclass order by conname`.execute(db().db);
    return { indexes: indexes.rows, constraints: constraints.rows };
  };
  const run = (runId: string, rows: { id: string; risk: number; factors?: string }[]) =>
    db().tx((trx) =>
      replaceScores(trx, 'churn_score', (next) =>
        copyRows(
          trx,
          next,
          COLUMNS,
          rows.map((r) => [r.id, runId, r.risk, 1000, r.risk * 1000, r.factors ?? '[]', AT.toISOString()]),
        ),
      ),
    );

  beforeAll(async () => {
    await insertCompany(
      db().db,
      ids.map((id, i) => ({ id, name: `C${i}`, createdAt: AT })),
      [],
    );
  });

  it('replaces every row and keeps the indexes, keys and checks the migrations gave the table', async () => {
    const before = await shape();
    expect(before.indexes.map((i) => i.indexname)).toEqual(['churn_score_pkey', 'churn_score_priority_idx', 'churn_score_risk_idx']);
    await run('run1', [
      { id: ids[0] as string, risk: 0.5 },
      { id: ids[1] as string, risk: 0.25, factors: '[{"feature":"recency_days","value":40,"contribution":1.2}]' },
    ]);
    await run('run2', [
      { id: ids[1] as string, risk: 0.75 },
      { id: ids[2] as string, risk: 0.1, factors: '[{"feature":"note","value":"tab\\there\\\\"}]' },
    ]);
    expect(await scores()).toEqual([
      { customer_id: ids[1], run_id: 'run2', risk: 0.75, factors: [] },
      { customer_id: ids[2], run_id: 'run2', risk: 0.1, factors: [{ feature: 'note', value: 'tab\there\\' }] },
    ]);
    expect(await shape()).toEqual(before);
  });

  it('still removes a deleted customer’s score and refuses a score for no customer', async () => {
    await db()
      .db.deleteFrom('customer')
      .where('id', '=', ids[2] as string)
      .execute();
    expect((await scores()).map((s) => s.customer_id)).toEqual([ids[1]]);
    await expect(run('run3', [{ id: 'cus_nobody', risk: 0.5 }])).rejects.toThrow(/foreign key/);
    await expect(run('run3', [{ id: ids[3] as string, risk: 1.5 }])).rejects.toThrow(/check constraint/);
    // A failed run leaves the previous scores in place.
    expect(await scores()).toEqual([{ customer_id: ids[1], run_id: 'run2', risk: 0.75, factors: [] }]);
  });
});
