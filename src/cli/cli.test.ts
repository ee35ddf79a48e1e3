import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../test/test-db.ts';

const exec = promisify(execFile);

describe('guanxi CLI', () => {
  const db = useTestDb();
  const guanxi = (args: string[]) =>
    exec('node', ['bin/guanxi.js', ...args], { env: { ...process.env, DATABASE_URL: db().url, GUANXI_ADMIN_PASSWORD: '' } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('creates the first admin and lists users', async () => {
    const created = await guanxi(['admin', 'create', '--email', 'boss@shop.example', '--name', 'Boss', '--password', 'a-long-password']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/created admin usr_[0-9a-f]{28} <boss@shop\.example>/);
    const listed = await guanxi(['users', 'list']);
    expect(listed.stdout).toMatch(/boss@shop\.example\s+Boss\s+admin\s+active/);
    const audit = await db().db.selectFrom('audit_log').select(['actor_type', 'action']).execute();
    expect(audit).toEqual([{ actor_type: 'cli', action: 'user.create' }]);
  });

  it('refuses bad input with a message naming the option and a distinct exit code', async () => {
    const short = await guanxi(['admin', 'create', '--email', 'x@shop.example', '--name', 'X', '--password', 'short']);
    expect(short.code).toBe(64);
    expect(short.stderr).toContain('--password');
    const dup = await guanxi(['admin', 'create', '--email', 'BOSS@shop.example', '--name', 'Again', '--password', 'a-long-password']);
    expect(dup.code).toBe(73);
    expect(dup.stderr).toContain('auth.email_taken');
    const role = await guanxi(['admin', 'create', '--email', 'y@shop.example', '--name', 'Y', '--password', 'a-long-password', '--role', 'king']);
    expect(role.code).toBe(64);
    expect(role.stderr).toContain('--role');
  });

  it('measures duplicates, then merges them with --apply', async () => {
    const at = new Date();
    for (const [id, email] of [
      ['cus_00000000000100000000000000a1', 'same@shop.example'],
      ['cus_00000000000100000000000000a2', 'same@shop.example'],
    ]) {
      await db()
        .db.insertInto('customer')
        .values({ id: id as string, display_name: 'Dup', attributes: '{}', source: 'crm', created_at: at, updated_at: at })
        .execute();
      await db()
        .db.insertInto('customer_identifier')
        .values({ customer_id: id as string, type: 'email', value: email as string, source: 'crm', created_at: at })
        .execute();
    }
    const dry = await guanxi(['identity', 'reresolve']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('duplicates: 1 (50.0%)');
    expect(await db().db.selectFrom('customer').select('id').where('merged_into', 'is not', null).execute()).toEqual([]);
    const applied = await guanxi(['identity', 'reresolve', '--apply']);
    expect(applied.stdout).toContain('merged 1 records');
    const merged = await db().db.selectFrom('customer').select(['id', 'merged_into']).where('merged_into', 'is not', null).execute();
    expect(merged).toEqual([{ id: 'cus_00000000000100000000000000a2', merged_into: 'cus_00000000000100000000000000a1' }]);
    const metrics = await guanxi(['identity', 'metrics']);
    expect(metrics.stdout).toContain('duplicate rate: 0.0%');
  });

  it('names a bad environment variable and exits 78', async () => {
    const res = await exec('node', ['bin/guanxi.js', 'users', 'list'], { env: { ...process.env, DATABASE_URL: db().url, GUANXI_PORT: 'eighty' } }).catch(
      (e) => e,
    );
    expect(res.code).toBe(78);
    expect(res.stderr).toContain('GUANXI_PORT');
  });
});
