import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/test-app.ts';

describe('write keys and their ingest source', () => {
  const t = useTestApp();
  let admin: string;

  beforeAll(async () => {
    admin = await t().loginAs('admin');
    // A source that exists before any key writes for it (a file feed, as the demo or an import creates it).
    await sql`insert into ingest_source (id, name, kind, trust_rank, created_at) values ('store-pos', 'Store POS', 'file', 70, now())`.execute(t().db.db);
  });

  const create = (payload: Record<string, unknown>, cookie = admin) => t().app.inject({ method: 'POST', url: '/api/api-keys', headers: { cookie }, payload });
  const list = async () => {
    const res = await t().app.inject({ method: 'GET', url: '/api/api-keys', headers: { cookie: admin } });
    expect(res.statusCode).toBe(200);
    return res.json().items as { id: string; name: string; sourceId: string | null }[];
  };

  it('writes for an existing source the admin chose, without renaming it, and lists each key with its source', async () => {
    const chosen = await create({ name: 'Store tills', source: 'store-pos' });
    expect(chosen.statusCode, chosen.body).toBe(201);
    expect(chosen.json().apiKey).toMatchObject({ name: 'Store tills', sourceId: 'store-pos' });
    const byName = await create({ name: 'Web shop' });
    expect(byName.json().apiKey.sourceId).toBe('web-shop');

    const items = await list();
    expect(items.map((k) => [k.name, k.sourceId])).toEqual(
      expect.arrayContaining([
        ['Store tills', 'store-pos'],
        ['Web shop', 'web-shop'],
      ]),
    );
    const source = await t().db.db.selectFrom('ingest_source').select(['name', 'kind', 'trust_rank']).where('id', '=', 'store-pos').executeTakeFirstOrThrow();
    expect(source).toEqual({ name: 'Store POS', kind: 'file', trust_rank: 70 });
  });

  it('audits the key with the source it writes for', async () => {
    const res = await create({ name: 'Audited key', source: 'mini-program' });
    const audit = await t()
      .db.db.selectFrom('audit_log')
      .select(['action', 'details'])
      .where('subject_id', '=', res.json().apiKey.id)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'api_key.create', details: { name: 'Audited key', sourceId: 'mini-program' } });
  });

  it('names the source field when the source is not a valid id or is reserved', async () => {
    for (const source of ['Store POS', 'console', '-leading-dash', 'x'.repeat(64)]) {
      const res = await create({ name: 'Bad', source });
      expect(res.statusCode, source).toBe(400);
      expect(res.json().error.fields.map((f: { path: string }) => f.path)).toEqual(['body.source']);
    }
    expect((await list()).some((k) => k.name === 'Bad')).toBe(false);
  });

  it('lets only admins create keys', async () => {
    const operator = await t().loginAs('operator');
    expect((await create({ name: 'Nope', source: 'store-pos' }, operator)).statusCode).toBe(403);
  });
});
