import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../test/test-db.ts';
import { idTime, isId, newId } from './ids.ts';

describe('ids', () => {
  const db = useTestDb();

  it('are prefixed and sort in creation order, even within one millisecond', () => {
    const at = new Date('2026-05-01T00:00:00.000Z');
    const ids = Array.from({ length: 1000 }, () => newId('cus', at));
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => isId(id, 'cus'))).toBe(true);
    expect(isId(ids[0] as string, 'ord')).toBe(false);
    expect(idTime(ids[0] as string).toISOString()).toBe(at.toISOString());
    expect(newId('ord', new Date('2026-05-01T00:00:00.001Z')) > (ids[999] as string)).toBe(true);
  });

  it('have the same shape when minted in SQL', async () => {
    const at = new Date('2026-05-01T00:00:00.000Z');
    const { rows } = await sql<{ id: string }>`select gx_id('cus', ${at}::timestamptz, 'seed:1') as id`.execute(db().db);
    const id = rows[0]?.id as string;
    expect(isId(id, 'cus')).toBe(true);
    expect(idTime(id).toISOString()).toBe(at.toISOString());
  });
});
